using Akka.Actor;
using SkyDeck.Actors.Core;
using SkyDeck.Actors.Experiments;
using SkyDeck.Actors.SkyPilot;
using SkyDeck.Actors.Tests.Support;
using SkyDeck.Testing;
using Xunit.Abstractions;
using static SkyDeck.Actors.Core.ExperimentCommands;
using static SkyDeck.Actors.Tests.Support.Specs;

namespace SkyDeck.Actors.Tests.Actors;

public sealed class ExperimentActorSpecs(ITestOutputHelper output) : ActorSpec(output)
{
    private ExperimentSummary LastSummary(Akka.TestKit.TestProbe summaries) =>
        summaries.FishForMessage<SummaryChanged>(_ => true, Patience).Summary;

    [Fact]
    public void GivenNewExperiment_WhenCreatedRunning_ThenAckedThenLaunchedOnceWithDeterministicName()
    {
        var summaries = CreateTestProbe();
        var experiment = Experiment(Id, summaries);

        experiment.Tell(new CreateExperiment(Id, Spec(), DesiredState.Running, Clock.GetUtcNow(), "alice"));

        ExpectMsg(CommandResult.Accepted, Patience);
        Eventually(() => Assert.Single(Sky.Launches));
        Assert.Equal("skydeck-exp1-g1-1", Sky.Launches[0].JobId);
        summaries.FishForMessage<SummaryChanged>(m => m.Summary.Current == CurrentState.Pending && m.Summary.CurrentJob?.SkyJobId == 1, Patience);
    }

    [Fact]
    public void GivenLaunchInFlight_WhenPokedRepeatedly_ThenStillOneSkyCall()
    {
        Sky.HoldLaunches();
        var experiment = Experiment(Id, CreateTestProbe());
        experiment.Tell(new CreateExperiment(Id, Spec(), DesiredState.Running, Clock.GetUtcNow(), "alice"));
        ExpectMsg(CommandResult.Accepted, Patience);
        Eventually(() => Assert.Single(Sky.Commands));

        for (var i = 0; i < 5; i++)
        {
            experiment.Tell(new ReconcileNow(Id));
            experiment.Tell(new ClusterObserved(Id, Up(Clock.GetUtcNow())));
            Advance(TimeSpan.FromMinutes(1));
        }

        experiment.Tell(new GetExperiment(Id));
        var detail = ExpectMsg<ExperimentDetail>(Patience);
        Assert.True(Sky.Commands.Count == 1, string.Join("\n", Sky.Commands));
        Assert.Equal(JobPhase.Requested, Assert.Single(detail.Jobs).Phase);
        Assert.Equal(CurrentState.Launching, detail.Summary.Current);
    }

    [Fact]
    public void GivenRunningJob_WhenObservedRunningThenFailed_ThenRetriedOnTheTimerWithoutSleeps()
    {
        var summaries = CreateTestProbe();
        var experiment = Experiment(Id, summaries);
        experiment.Tell(new CreateExperiment(Id, Spec(), DesiredState.Running, Clock.GetUtcNow(), "alice"));
        ExpectMsg(CommandResult.Accepted, Patience);
        summaries.FishForMessage<SummaryChanged>(m => m.Summary.CurrentJob?.Phase == JobPhase.Submitted, Patience);

        Advance(TimeSpan.FromSeconds(30));
        experiment.Tell(new ClusterObserved(Id, Up(Clock.GetUtcNow(), Job("skydeck-exp1-g1-1", 1, SkyJobStatus.Running))));
        summaries.FishForMessage<SummaryChanged>(m => m.Summary.Current == CurrentState.Running, Patience);

        Advance(TimeSpan.FromSeconds(30));
        experiment.Tell(new ClusterObserved(Id, Up(Clock.GetUtcNow(), Job("skydeck-exp1-g1-1", 1, SkyJobStatus.Failed))));
        summaries.FishForMessage<SummaryChanged>(m => m.Summary.Current == CurrentState.Retrying, Patience);
        Assert.Single(Sky.Launches);

        Advance(TimeSpan.FromSeconds(15));
        Eventually(() => Assert.Equal(2, Sky.Launches.Count));
        Assert.Equal("skydeck-exp1-g1-2", Sky.Launches[1].JobId);
    }

    [Fact]
    public void GivenRunningJob_WhenStopped_ThenCancelThenStopAndStoppedOnceObserved()
    {
        var summaries = CreateTestProbe();
        var experiment = Experiment(Id, summaries);
        experiment.Tell(new CreateExperiment(Id, Spec(), DesiredState.Running, Clock.GetUtcNow(), "alice"));
        ExpectMsg(CommandResult.Accepted, Patience);
        summaries.FishForMessage<SummaryChanged>(m => m.Summary.CurrentJob?.Phase == JobPhase.Submitted, Patience);

        Advance(TimeSpan.FromSeconds(5));
        experiment.Tell(new SetDesiredState(Id, DesiredState.Stopped, Clock.GetUtcNow(), "bob"));
        ExpectMsg(CommandResult.Accepted, Patience);

        Eventually(() => Assert.Equal([SkyActionKind.Launch, SkyActionKind.Cancel], Sky.Commands.Select(c => c.Kind)));
        summaries.FishForMessage<SummaryChanged>(m => m.Summary.Current == CurrentState.Stopping, Patience);
        Advance(TimeSpan.FromSeconds(2));
        experiment.Tell(new ClusterObserved(Id, Up(Clock.GetUtcNow(), Job("skydeck-exp1-g1-1", 1, SkyJobStatus.Cancelled))));
        Eventually(() => Assert.Equal([SkyActionKind.Launch, SkyActionKind.Cancel, SkyActionKind.Stop], Sky.Commands.Select(c => c.Kind)));
        Advance(TimeSpan.FromSeconds(5));
        experiment.Tell(new ClusterObserved(Id, Stopped(Clock.GetUtcNow())));
        summaries.FishForMessage<SummaryChanged>(m => m.Summary.Current == CurrentState.Stopped, Patience);
    }

    [Fact]
    public async Task GivenCrashMidLaunch_WhenRecovered_ThenJobIsAdoptedAndNeverLaunchedTwice()
    {
        Sky.HoldLaunches();
        var first = Experiment(Id, CreateTestProbe());
        first.Tell(new CreateExperiment(Id, Spec(), DesiredState.Running, Clock.GetUtcNow(), "alice"));
        ExpectMsg(CommandResult.Accepted, Patience);
        Eventually(() => Assert.Single(Sky.Launches));
        await first.GracefulStop(Patience);

        var afterRestart = new ScriptedSkyGateway();
        var summaries = CreateTestProbe();
        var second = Experiment(Id, summaries, afterRestart);
        Advance(TimeSpan.FromSeconds(20));
        second.Tell(new ClusterObserved(Id, Up(Clock.GetUtcNow(), Job("skydeck-exp1-g1-1", 4, SkyJobStatus.Running))));

        summaries.FishForMessage<SummaryChanged>(m => m.Summary.Current == CurrentState.Running && m.Summary.CurrentJob?.SkyJobId == 4, Patience);
        Advance(TimeSpan.FromMinutes(10));
        second.Tell(new GetExperiment(Id));
        var detail = ExpectMsg<ExperimentDetail>(Patience);
        Assert.Single(detail.Jobs);
        Assert.Empty(afterRestart.Launches);
    }

    [Fact]
    public async Task GivenHistory_WhenActorRestarts_ThenSameStateAndJobsAndReconcilingResumes()
    {
        var summaries = CreateTestProbe();
        var first = Experiment(Id, summaries);
        first.Tell(new CreateExperiment(Id, Spec(), DesiredState.Running, Clock.GetUtcNow(), "alice"));
        ExpectMsg(CommandResult.Accepted, Patience);
        summaries.FishForMessage<SummaryChanged>(m => m.Summary.CurrentJob?.Phase == JobPhase.Submitted, Patience);
        first.Tell(new UpdateSpec(Id, Spec(layers: 16), Clock.GetUtcNow(), "bob"));
        ExpectMsg(CommandResult.Accepted, Patience);
        first.Tell(new GetExperiment(Id));
        var before = ExpectMsg<ExperimentDetail>(Patience);
        await first.GracefulStop(Patience);

        var second = Experiment(Id, CreateTestProbe());
        second.Tell(new GetExperiment(Id));
        var after = ExpectMsg<ExperimentDetail>(Patience);

        Assert.Equal(before.Jobs.AsEnumerable(), after.Jobs.AsEnumerable());
        Assert.Equal(before.Summary.Spec, after.Summary.Spec);
        Assert.Equal(2, after.Summary.Generation);
        Assert.True(after.Summary.NeedsRestart);

        second.Tell(new SetDesiredState(Id, DesiredState.Terminated, Clock.GetUtcNow(), "bob"));
        ExpectMsg(CommandResult.Accepted, Patience);
        Eventually(() => Assert.Contains(Sky.Commands, c => c is SkyCommand.Cancel));
        // The cancel's outcome may be recorded after a single advance (its confirm window then starts later): keep
        // moving virtual time until the teardown comes.
        Eventually(() =>
        {
            Advance(Settings.Reconcile.ConfirmWindow);
            Assert.Contains(Sky.Commands, c => c is SkyCommand.Down);
        });
    }

    [Fact]
    public void GivenEveryProcessSlotTaken_WhenALaunchIsPlanned_ThenItWaitsForASlotAndStartsWhenOneIsGranted()
    {
        Sky.FillSlots();
        var experiment = Experiment(Id, CreateTestProbe());

        experiment.Tell(new CreateExperiment(Id, Spec(), DesiredState.Running, Clock.GetUtcNow(), "alice"));

        ExpectMsg(CommandResult.Accepted, Patience);
        Eventually(() => Assert.Equal(1, Sky.SlotWaits));
        Assert.Empty(Sky.Launches);
        Sky.FreeSlots();
        Eventually(() => Assert.Equal("skydeck-exp1-g1-1", Assert.Single(Sky.Launches).JobId));
    }

    [Fact]
    public async Task GivenALaunchStillWaitingForASlot_WhenTheActorStopsAndRecovers_ThenTheSameLaunchRunsAtOnceWithoutTheAdoptGrace()
    {
        Sky.FillSlots();
        var first = Experiment(Id, CreateTestProbe());
        first.Tell(new CreateExperiment(Id, Spec(), DesiredState.Running, Clock.GetUtcNow(), "alice"));
        ExpectMsg(CommandResult.Accepted, Patience);
        Eventually(() => Assert.Equal(1, Sky.SlotWaits));
        await first.GracefulStop(Patience);

        Sky.FreeSlots();
        var summaries = CreateTestProbe();
        Experiment(Id, summaries);

        Eventually(() => Assert.Equal("skydeck-exp1-g1-1", Assert.Single(Sky.Launches).JobId));
        summaries.FishForMessage<SummaryChanged>(m => m.Summary.CurrentJob is { Phase: JobPhase.Submitted }, Patience);
    }
}
