using SkyDeck.Actors.Core;
using static SkyDeck.Actors.Tests.Support.Specs;

namespace SkyDeck.Actors.Tests.Retrying;

/// <summary>The retry policy's decisions on recorded attempts, without a clock: what spends the budget, when SkyDeck gives up.</summary>
public sealed class RetryPolicyTests
{
    private static readonly ReconcileSettings Settings = ReconcileSettings.Default with { MaxRestarts = 2, CrashLoopFailures = 4, CrashLoopMinutes = 30 };

    private enum Outcome { Preempted, NoCapacity, Exit1, Exit137, Setup, Succeeded }

    /// <summary>Attempt n starts at T0 + n × <paramref name="spacing"/> and ends as told.</summary>
    private static ExperimentState Run(RetryPolicy? policy, TimeSpan spacing, params Outcome[] outcomes)
    {
        var events = new List<IExperimentEvent> { new ExperimentCreated(Id, Spec() with { Retry = policy }, DesiredState.Running, T0, "alice") };
        for (var i = 0; i < outcomes.Length; i++)
        {
            var n = i + 1;
            var at = T0 + spacing * n;
            var job = Naming.Job(Id, 1, n);
            events.Add(LaunchRequested(n, attempt: n, at: at));
            if (outcomes[i] == Outcome.NoCapacity)
            {
                events.Add(new JobLaunchFailed(Id, job, SkyFailureKind.NoCapacity, "ResourcesUnavailableError", at.AddSeconds(1), Callers.System));
                continue;
            }

            events.Add(Launched(n, skyJobId: n, at: at.AddSeconds(1)));
            events.Add(Status(SkyJobStatus.Running, n, skyJobId: n, at: at.AddSeconds(2)));
            switch (outcomes[i])
            {
                case Outcome.Preempted:
                    events.Add(new JobLost(Id, job, "the cluster no longer exists", at.AddSeconds(3), Callers.System, LossCause.ClusterGone));
                    break;
                case Outcome.Setup:
                    events.Add(Status(SkyJobStatus.FailedSetup, n, skyJobId: n, at: at.AddSeconds(3)));
                    break;
                case Outcome.Succeeded:
                    events.Add(Status(SkyJobStatus.Succeeded, n, skyJobId: n, at: at.AddSeconds(3)));
                    break;
                default:
                    var code = outcomes[i] == Outcome.Exit1 ? 1 : 137;
                    events.Add(Status(SkyJobStatus.Failed, n, skyJobId: n, at: at.AddSeconds(3)));
                    events.Add(new JobLogCaptured(Id, job, ["x"], false, [code], code, null, at.AddSeconds(4), Callers.System));
                    break;
            }
        }

        return Given([.. events]);
    }

    private static readonly TimeSpan Hourly = TimeSpan.FromHours(1);

    [Fact]
    public void GivenManyPreemptionsAndCapacityErrors_WhenAssessed_ThenNoneSpendsTheBudgetAndTheRunRetries()
    {
        var run = RunAssessment.Of(Run(null, Hourly, Outcome.Preempted, Outcome.NoCapacity, Outcome.Preempted, Outcome.Preempted, Outcome.NoCapacity), Settings);

        Assert.Equal(RunStatus.BackingOff, run.Status);
        Assert.Equal(0, run.Failures);
        Assert.Contains("no capacity", run.Reason);
    }

    [Fact]
    public void GivenPreemptionsThenUserErrors_WhenTheErrorsExceedMaxRestarts_ThenItGivesUpNamingTheBudgetAndTheExitCode()
    {
        var twice = RunAssessment.Of(Run(null, Hourly, Outcome.Preempted, Outcome.Preempted, Outcome.Exit1, Outcome.Exit1), Settings);
        var thrice = RunAssessment.Of(Run(null, Hourly, Outcome.Preempted, Outcome.Preempted, Outcome.Exit1, Outcome.Exit1, Outcome.Exit1), Settings);

        Assert.Equal((RunStatus.BackingOff, 2), (twice.Status, twice.Failures));
        Assert.Equal((RunStatus.Failed, 3, "max_restarts"), (thrice.Status, thrice.Failures, thrice.StopCause));
        Assert.Contains("user error (exit 1)", thrice.Reason);
    }

    [Fact]
    public void GivenOnPreemptionNever_WhenPreempted_ThenItGivesUpAtOnce()
    {
        var run = RunAssessment.Of(Run(new RetryPolicy(OnPreemption: PreemptionPolicy.Never), Hourly, Outcome.Preempted), Settings);

        Assert.Equal((RunStatus.Failed, "preempted"), (run.Status, run.StopCause));
        Assert.Contains("on_preemption is never", run.Reason);
    }

    [Fact]
    public void GivenAnExitCodeToRecoverFrom_WhenItRecurs_ThenItNeverSpendsTheBudget_WhileOtherCodesDo()
    {
        var policy = new RetryPolicy(MaxRestartsOnErrors: 0, RecoverOnExitCodes: [137]);

        var recovered = RunAssessment.Of(Run(policy, Hourly, Outcome.Exit137, Outcome.Exit137, Outcome.Exit137), Settings);
        var other = RunAssessment.Of(Run(policy, Hourly, Outcome.Exit137, Outcome.Exit1), Settings);

        Assert.Equal((RunStatus.BackingOff, 0), (recovered.Status, recovered.Failures));
        Assert.Equal((RunStatus.Failed, 1), (other.Status, other.Failures));
    }

    [Fact]
    public void GivenThePolicysOwnMaxRestarts_WhenAssessed_ThenItOverridesTheGlobalDefault()
    {
        var run = RunAssessment.Of(Run(new RetryPolicy(MaxRestartsOnErrors: 5), Hourly, Outcome.Exit1, Outcome.Exit1, Outcome.Exit1), Settings);

        Assert.Equal((RunStatus.BackingOff, 3), (run.Status, run.Failures));
    }

    [Fact]
    public void GivenCrashesWithinTheWindow_WhenTheyReachTheCrashLoopCount_ThenItStopsRetryingAndSaysSo()
    {
        var policy = new RetryPolicy(RecoverOnExitCodes: [137]);
        var fast = TimeSpan.FromMinutes(5);

        var three = RunAssessment.Of(Run(policy, fast, Outcome.Exit137, Outcome.Exit137, Outcome.Exit137), Settings);
        var four = RunAssessment.Of(Run(policy, fast, Outcome.Exit137, Outcome.Exit137, Outcome.Exit137, Outcome.Exit137), Settings);
        var spread = RunAssessment.Of(Run(policy, Hourly, Outcome.Exit137, Outcome.Exit137, Outcome.Exit137, Outcome.Exit137), Settings);

        Assert.Equal(RunStatus.BackingOff, three.Status);
        Assert.Equal((RunStatus.Failed, "crash_loop"), (four.Status, four.StopCause));
        Assert.StartsWith("crash loop: 4 failures within 30 min", four.Reason);
        Assert.Equal(RunStatus.BackingOff, spread.Status);
    }

    [Fact]
    public void GivenPreemptionsInQuickSuccession_WhenAssessed_ThenTheyAreNoCrashLoop()
    {
        var run = RunAssessment.Of(Run(null, TimeSpan.FromMinutes(1), Outcome.Preempted, Outcome.Preempted, Outcome.Preempted, Outcome.Preempted, Outcome.Preempted), Settings);

        Assert.Equal(RunStatus.BackingOff, run.Status);
    }

    [Fact]
    public void GivenARunThatGaveUp_WhenPlanned_ThenRetriesStoppedIsRecordedOnceWithItsCause()
    {
        var state = Run(null, Hourly, Outcome.Exit1, Outcome.Exit1, Outcome.Exit1);

        var plan = Reconciler.Plan(state, null, T0.AddDays(1), Settings);
        var stopped = Assert.Single(plan.Events.OfType<RetriesStopped>());
        var again = Reconciler.Plan(state.Fold(plan.Events), null, T0.AddDays(1), Settings);

        Assert.Equal(("max_restarts", 1), (stopped.Cause, stopped.Run));
        Assert.Empty(again.Events.OfType<RetriesStopped>());
    }

    [Fact]
    public void GivenAFailedJobOnAnUpCluster_WhenPlanned_ThenItsLogIsKeptBeforeAnyRelaunch()
    {
        var settings = Settings with { LogTailLines = 1000 };
        var state = Given(Created(), LaunchRequested(), Launched(), Status(SkyJobStatus.Running), Status(SkyJobStatus.Failed, at: T0.AddMinutes(1)));
        var up = Up(T0.AddMinutes(2), Job(Naming.Job(Id, 1, 1), 1, SkyJobStatus.Failed));

        var plan = Reconciler.Plan(state, up, T0.AddHours(1), settings);
        var kept = state.Fold([new JobLogCaptured(Id, Naming.Job(Id, 1, 1), ["boom"], false, [1], 1, null, T0.AddHours(1), Callers.System)]);
        var next = Reconciler.Plan(kept, up, T0.AddHours(1), settings);

        Assert.Equal(new SkyCommand.Logs(Naming.Job(Id, 1, 1), Naming.Cluster(Id), 1, 1000), plan.Action);
        Assert.IsType<SkyCommand.Launch>(next.Action);
        Assert.Equal(1, kept.Jobs[0].Cause!.ExitCode);
    }

    [Fact]
    public void GivenAPreemptedJob_WhenPlanned_ThenNoLogIsAskedFor()
    {
        var settings = Settings with { LogTailLines = 1000 };
        var state = Given(Created(), LaunchRequested(), Launched(), Status(SkyJobStatus.Running));

        var plan = Reconciler.Plan(state, Absent(T0.AddMinutes(2)), T0.AddMinutes(2), settings);

        Assert.Contains(plan.Events, e => e is JobLost { Cause: LossCause.ClusterGone });
        Assert.IsNotType<SkyCommand.Logs>(plan.Action);
    }

    [Theory]
    [InlineData(-1, null, "retry.max_restarts_on_errors")]
    [InlineData(1001, null, "retry.max_restarts_on_errors")]
    [InlineData(null, 0, "retry.recover_on_exit_codes")]
    [InlineData(null, 256, "retry.recover_on_exit_codes")]
    public void GivenAnInvalidPolicy_WhenValidated_ThenTheErrorNamesTheField(int? maxRestarts, int? code, string field)
    {
        var spec = Spec() with { Retry = new RetryPolicy(maxRestarts, code is { } c ? [c] : []) };

        Assert.Equal(field, Assert.Single(spec.Validate()).Field);
    }
}
