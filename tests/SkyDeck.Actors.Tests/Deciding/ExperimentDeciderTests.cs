using System.Collections.Immutable;
using SkyDeck.Actors.Core;
using SkyDeck.Actors.Experiments;
using SkyDeck.Actors.SkyPilot;
using static SkyDeck.Actors.Core.ExperimentCommands;
using static SkyDeck.Actors.Tests.Support.Specs;

namespace SkyDeck.Actors.Tests.Deciding;

public sealed class ExperimentDeciderTests
{
    private static readonly DateTimeOffset Now = T0.AddMinutes(1);

    [Fact]
    public void GivenNothing_WhenCreate_ThenCreatedWithGenerationOneAndRunOne()
    {
        var decision = ExperimentDecider.Decide(Given(), new CreateExperiment(Id, Spec(), DesiredState.Running, Now, "alice"));

        var created = Assert.IsType<ExperimentCreated>(Assert.Single(decision.Events));
        Assert.Equal(ResultCode.Accepted, decision.Result.Code);
        Assert.Equal("alice", created.Who);
        var state = Given(created);
        Assert.Equal(1, state.Generation);
        Assert.Equal(1, state.Run);
    }

    [Fact]
    public void GivenCreated_WhenSameCreateAgain_ThenNoOp()
    {
        var decision = ExperimentDecider.Decide(Given(Created()), new CreateExperiment(Id, Spec(), DesiredState.Running, Now, "alice"));

        Assert.Empty(decision.Events);
        Assert.Equal(ResultCode.NoOp, decision.Result.Code);
    }

    [Fact]
    public void GivenCreated_WhenCreateWithOtherSpec_ThenConflict()
    {
        var decision = ExperimentDecider.Decide(Given(Created()), new CreateExperiment(Id, Spec(layers: 8), DesiredState.Running, Now, "alice"));

        Assert.Empty(decision.Events);
        Assert.Equal(ResultCode.Conflict, decision.Result.Code);
    }

    [Theory]
    [InlineData("1starts-with-digit")]
    [InlineData("ends-with-dash-")]
    [InlineData("has space")]
    [InlineData("../etc/passwd")]
    [InlineData("directory")]
    [InlineData("train.yaml")]
    [InlineData("train.YML")]
    [InlineData("sweep.json")]
    [InlineData("")]
    public void GivenNothing_WhenCreateWithInvalidId_ThenRejectedNamingId(string id)
    {
        var decision = ExperimentDecider.Decide(ExperimentState.Empty(id), new CreateExperiment(id, Spec(), DesiredState.Running, Now, "alice"));

        Assert.Empty(decision.Events);
        Assert.Equal(ResultCode.Rejected, decision.Result.Code);
        Assert.Equal("id", Assert.Single(decision.Result.Errors).Field);
    }

    [Fact]
    public void GivenNothing_WhenCreateWithBadSpec_ThenRejectedNamingEveryField()
    {
        var spec = Spec() with { Nodes = 0, Gpus = -1, Name = " ", Flags = Spec().Flags.Add("bad key;rm", FlagValue.Of(1L)) };

        var decision = ExperimentDecider.Decide(Given(), new CreateExperiment(Id, spec, DesiredState.Running, Now, "alice"));

        Assert.Empty(decision.Events);
        var fields = decision.Result.Errors.Select(e => e.Field).ToHashSet();
        Assert.Contains("nodes", fields);
        Assert.Contains("gpus", fields);
        Assert.Contains("name", fields);
        Assert.Contains("flags.bad key;rm", fields);
    }

    [Fact]
    public void GivenCreated_WhenSpecChanges_ThenGenerationBumps()
    {
        var decision = ExperimentDecider.Decide(Given(Created()), new UpdateSpec(Id, Spec(layers: 8), Now, "bob"));

        var updated = Assert.IsType<SpecUpdated>(Assert.Single(decision.Events));
        Assert.Equal(2, updated.Generation);
        Assert.Equal(2, Given(Created(), updated).Generation);
    }

    [Fact]
    public void GivenCreated_WhenSpecUnchanged_ThenNoOp() =>
        Assert.Equal(ResultCode.NoOp, ExperimentDecider.Decide(Given(Created()), new UpdateSpec(Id, Spec(), Now, "bob")).Result.Code);

    [Fact]
    public void GivenNothing_WhenAnyOtherCommand_ThenNotFound()
    {
        IExperimentCommand[] commands =
        [
            new UpdateSpec(Id, Spec(), Now, "bob"),
            new SetDesiredState(Id, DesiredState.Stopped, Now, "bob"),
            new DeleteExperiment(Id, Now, "bob"),
            new CancelJob(Id, "skydeck-exp1-g1-1", Now, "bob"),
        ];
        foreach (var command in commands)
            Assert.Equal(ResultCode.NotFound, ExperimentDecider.Decide(Given(), command).Result.Code);
    }

    [Fact]
    public void GivenStopped_WhenRunning_ThenNewRun()
    {
        var state = Given(Created(DesiredState.Stopped));

        var decision = ExperimentDecider.Decide(state, new SetDesiredState(Id, DesiredState.Running, Now, "bob"));

        var changed = Assert.IsType<DesiredStateChanged>(Assert.Single(decision.Events));
        var next = state.Fold([changed]);
        Assert.Equal(DesiredState.Running, next.Desired);
        Assert.Equal(1, next.Run);
        Assert.Equal(Now, next.DesiredSince);
    }

    [Fact]
    public void GivenRunningWithLiveJob_WhenRunningAgain_ThenNoOp()
    {
        var state = Given(Created(), LaunchRequested(), Launched());

        Assert.Equal(ResultCode.NoOp, ExperimentDecider.Decide(state, new SetDesiredState(Id, DesiredState.Running, Now, "bob")).Result.Code);
    }

    [Theory]
    [InlineData(SkyJobStatus.Succeeded)]
    [InlineData(SkyJobStatus.Failed)]
    public void GivenRunFinished_WhenRunningAgain_ThenRunRestarted(SkyJobStatus final)
    {
        var state = Given(Created(), LaunchRequested(), Launched(), Status(final));

        var decision = ExperimentDecider.Decide(state, new SetDesiredState(Id, DesiredState.Running, Now, "bob"));

        var restarted = Assert.IsType<RunRestarted>(Assert.Single(decision.Events));
        Assert.Equal(2, restarted.Run);
    }

    [Fact]
    public void GivenDeleted_WhenSetDesired_ThenConflictAndRestoreUndoes()
    {
        var state = Given(Created(), new ExperimentDeleted(Id, T0, "bob"));

        Assert.Equal(ResultCode.Conflict, ExperimentDecider.Decide(state, new SetDesiredState(Id, DesiredState.Running, Now, "bob")).Result.Code);
        Assert.Equal(DesiredState.Terminated, state.EffectiveDesired);
        var restore = ExperimentDecider.Decide(state, new RestoreExperiment(Id, Now, "bob"));
        var restored = state.Fold(restore.Events);
        Assert.False(restored.Deleted);
        Assert.Equal(DesiredState.Running, restored.EffectiveDesired);
    }

    [Fact]
    public void GivenLiveJob_WhenUserCancels_ThenCancelRequestedByUser()
    {
        var state = Given(Created(), LaunchRequested(), Launched());

        var decision = ExperimentDecider.Decide(state, new CancelJob(Id, Naming.Job(Id, 1, 1), Now, "carol"));

        var cancel = Assert.IsType<JobCancelRequested>(Assert.Single(decision.Events));
        Assert.Equal("carol", state.Fold([cancel]).Jobs[0].CancelledBy);
        Assert.Equal(ResultCode.NoOp, ExperimentDecider.Decide(state.Fold([cancel]), new CancelJob(Id, Naming.Job(Id, 1, 1), Now, "carol")).Result.Code);
    }

    [Fact]
    public void GivenUnknownJob_WhenCancel_ThenNotFound() =>
        Assert.Equal(ResultCode.NotFound, ExperimentDecider.Decide(Given(Created()), new CancelJob(Id, "skydeck-exp1-g1-9", Now, "carol")).Result.Code);

    [Fact]
    public void GivenLaunchRequested_WhenLaunchSucceeds_ThenSubmittedWithSkyJobIdAndClusterUp()
    {
        var state = Given(Created(), LaunchRequested());

        var decision = ExperimentDecider.Decide(state, new RecordLaunchOutcome(Id, Naming.Job(Id, 1, 1), SkyOutcome.Ok(7), Now));

        var next = state.Fold(decision.Events);
        Assert.Equal(JobPhase.Submitted, next.Jobs[0].Phase);
        Assert.Equal(7, next.Jobs[0].SkyJobId);
        Assert.Equal(SkyClusterStatus.Up, next.Cluster.Status);
    }

    [Fact]
    public void GivenLaunchRequested_WhenLaunchTimesOut_ThenJobStaysRequestedForAdoption()
    {
        var state = Given(Created(), LaunchRequested());

        var decision = ExperimentDecider.Decide(state, new RecordLaunchOutcome(Id, Naming.Job(Id, 1, 1), SkyOutcome.Failed(SkyFailureKind.Timeout, "killed"), Now));

        var failed = Assert.IsType<SkyActionFailed>(Assert.Single(decision.Events));
        Assert.Equal(SkyFailureKind.Timeout, failed.Kind);
        Assert.Equal(JobPhase.Requested, state.Fold(decision.Events).Jobs[0].Phase);
    }

    [Fact]
    public void GivenAdoptedJob_WhenLateLaunchOutcomeArrives_ThenNoOp()
    {
        var state = Given(Created(), LaunchRequested(), Launched());

        var decision = ExperimentDecider.Decide(state, new RecordLaunchOutcome(Id, Naming.Job(Id, 1, 1), SkyOutcome.Failed(SkyFailureKind.Unknown, "late"), Now));

        Assert.Empty(decision.Events);
    }

    [Fact]
    public void GivenAnyEvents_WhenFoldedTwice_ThenSameState()
    {
        IExperimentEvent[] history =
        [
            Created(), LaunchRequested(), Launched(), Status(SkyJobStatus.Running), Status(SkyJobStatus.Failed),
            LaunchRequested(n: 2, attempt: 2), new JobLaunchFailed(Id, Naming.Job(Id, 1, 2), SkyFailureKind.NoCapacity, "no A100", T0.AddMinutes(2), Callers.System),
            new SpecUpdated(Id, Spec(layers: 8), 2, T0.AddMinutes(3), "bob"),
        ];

        var once = Given(history);
        var twice = Given(history);

        Assert.Equal(once.Jobs, twice.Jobs);
        Assert.Equal(once.ClusterSpans, twice.ClusterSpans);
        Assert.Equal(once with { Jobs = [], ClusterSpans = [] }, twice with { Jobs = [], ClusterSpans = [] });
        Assert.Equal(8, history.Length);
        Assert.Equal(ImmutableList.Create(once.Jobs.ToArray()), twice.Jobs);
    }

    [Fact]
    public void GivenARunningJob_WhenRestarted_ThenANewRunBegins()
    {
        var state = Given(Created(), LaunchRequested(), Launched(), Status(SkyJobStatus.Running));

        var decision = ExperimentDecider.Decide(state, new RestartRun(Id, Now, "bob"));

        var restarted = Assert.IsType<RunRestarted>(Assert.Single(decision.Events));
        Assert.Equal(2, restarted.Run);
        Assert.Equal("bob", restarted.Who);
    }

    [Fact]
    public void GivenARestartThatHasLaunchedNothingYet_WhenRestartedAgain_ThenNoOp()
    {
        var state = Given(Created(), LaunchRequested(), Launched(), Status(SkyJobStatus.Running), new RunRestarted(Id, 2, Now, "bob", "restart requested"));

        Assert.Equal(ResultCode.NoOp, ExperimentDecider.Decide(state, new RestartRun(Id, Now, "bob")).Result.Code);
    }

    [Fact]
    public void GivenAStoppedExperiment_WhenRestarted_ThenItIsSetRunning()
    {
        var decision = ExperimentDecider.Decide(Given(Created(DesiredState.Stopped)), new RestartRun(Id, Now, "bob"));

        Assert.Equal(DesiredState.Running, Assert.IsType<DesiredStateChanged>(Assert.Single(decision.Events)).Desired);
    }

    [Fact]
    public void GivenADeletedExperiment_WhenRestarted_ThenConflictAndNothingChanges()
    {
        var decision = ExperimentDecider.Decide(Given(Created(), new ExperimentDeleted(Id, Now, "bob")), new RestartRun(Id, Now, "bob"));

        Assert.Empty(decision.Events);
        Assert.Equal(ResultCode.Conflict, decision.Result.Code);
    }
}
