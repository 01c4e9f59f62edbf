using SkyDeck.Actors.Core;
using SkyDeck.Actors.Experiments;
using SkyDeck.Actors.SkyPilot;
using static SkyDeck.Actors.Tests.Support.Specs;

namespace SkyDeck.Actors.Tests.Reconciling;

public sealed class ReconcilerTests
{
    private static readonly ReconcileSettings Settings = ReconcileSettings.Default;
    private static readonly string Job1 = Naming.Job(Id, 1, 1);
    private static readonly string Job2 = Naming.Job(Id, 1, 2);

    private static ReconcilePlan Plan(ExperimentState s, ClusterObservation? o, DateTimeOffset now, SkyActionKind? inFlight = null) =>
        Reconciler.Plan(s, o, now, Settings, inFlight);

    [Fact]
    public void GivenRunningWithNoJob_WhenReconciled_ThenIntentIsRecordedBeforeTheLaunch()
    {
        var plan = Plan(Given(Created()), null, T0);

        var intent = Assert.IsType<JobLaunchRequested>(Assert.Single(plan.Events));
        var launch = Assert.IsType<SkyCommand.Launch>(plan.Action);
        Assert.Equal("skydeck-exp1-g1-1", intent.JobId);
        Assert.Equal(intent.JobId, launch.JobId);
        Assert.Equal("skydeck-exp1", launch.Cluster);
        Assert.Equal("lt run=daveey.test_ppo policy_architecture.core_resnet_layers=4 trainer.losses.ppo.enabled=true", launch.Command);
        Assert.Equal(new LaunchResources(1, null, null, false, AutostopMinutes: Settings.AutostopMinutes, Accelerator: "A100", GpusPerNode: 4), launch.Resources);
    }

    [Fact]
    public void GivenStoppedWithNothing_WhenReconciled_ThenNothingToDo()
    {
        var plan = Plan(Given(Created(DesiredState.Stopped)), null, T0);

        Assert.Empty(plan.Events);
        Assert.Null(plan.Action);
        Assert.Equal(CurrentState.Stopped, CurrentStates.Derive(Given(Created(DesiredState.Stopped)), null, Settings));
    }

    [Fact]
    public void GivenLaunchInFlight_WhenReconciled_ThenNoSecondCommand()
    {
        var plan = Plan(Given(Created(), LaunchRequested()), null, T0.AddSeconds(1), SkyActionKind.Launch);

        Assert.Empty(plan.Events);
        Assert.Null(plan.Action);
    }

    [Fact]
    public void GivenInterruptedLaunch_WhenQueueShowsTheJobByName_ThenAdoptedNotRelaunched()
    {
        var state = Given(Created(), LaunchRequested());

        var plan = Plan(state, Up(T0.AddSeconds(30), Job(Job1, 3, SkyJobStatus.Running)), T0.AddSeconds(31));

        var adopted = Assert.Single(plan.Events.OfType<JobLaunched>());
        Assert.True(adopted.Adopted);
        Assert.Equal(3, adopted.SkyJobId);
        Assert.Equal(SkyJobStatus.Running, Assert.Single(plan.Events.OfType<JobStatusChanged>()).Status);
        Assert.Null(plan.Action);
        Assert.Equal(CurrentState.Running, CurrentStates.Derive(state.Fold(plan.Events), null, Settings));
    }

    [Fact]
    public void GivenInterruptedLaunch_WhenUnknownObservation_ThenWaitsAndNeverLaunches()
    {
        var state = Given(Created(), LaunchRequested());

        var plan = Plan(state, ClusterObservation.Unknown(Naming.Cluster(Id), T0.AddHours(1), "sky down"), T0.AddHours(1));

        Assert.Empty(plan.Events);
        Assert.Null(plan.Action);
    }

    [Fact]
    public void GivenInterruptedLaunch_WhenQueueLacksJobWithinGrace_ThenWaits()
    {
        var plan = Plan(Given(Created(), LaunchRequested()), Up(T0.AddSeconds(30)), T0.AddSeconds(31));

        Assert.DoesNotContain(plan.Events, e => e is JobLost or JobLaunchRequested);
        Assert.Null(plan.Action);
        Assert.Equal(T0 + Settings.AdoptGrace, plan.WakeAt);
    }

    [Fact]
    public void GivenInterruptedLaunch_WhenQueueLacksJobAfterGrace_ThenLostAndRelaunchedUnderANewName()
    {
        var at = T0 + Settings.AdoptGrace + TimeSpan.FromSeconds(1);

        var plan = Plan(Given(Created(), LaunchRequested()), Up(at), at);

        Assert.Single(plan.Events.OfType<JobLost>());
        var state = Given(Created(), LaunchRequested()).Fold(plan.Events);
        Assert.Equal(0, RunAssessment.Of(state, Settings).Failures);
        var relaunch = Assert.Single(Plan(state, null, plan.WakeAt!.Value).Events.OfType<JobLaunchRequested>());
        Assert.Equal(Job2, relaunch.JobId);
        Assert.Equal(2, relaunch.Attempt);
    }

    private static JobLaunchQueued Queued(int n = 1, int generation = 1) => new(Id, Naming.Job(Id, generation, n), T0, Callers.System);

    [Fact]
    public void GivenALaunchCutOffWhileQueuedForAProcessSlot_WhenReconciledAfterARestart_ThenItIsResumedAtOnceUnderTheSameName()
    {
        var state = Given(Created(), LaunchRequested(), Queued());

        var plan = Plan(state, null, T0.AddSeconds(5));

        var resumed = Assert.IsType<JobLaunchResumed>(Assert.Single(plan.Events));
        Assert.Equal(Job1, resumed.JobId);
        Assert.Equal(Job1, Assert.IsType<SkyCommand.Launch>(plan.Action).JobId);
        var after = state.Fold(plan.Events);
        Assert.False(after.FindJob(Job1)!.NeverStarted);
        Assert.Null(Plan(after, null, T0.AddSeconds(6)).Action);
    }

    [Fact]
    public void GivenAQueuedLaunchThatWasDispatched_WhenReconciledAfterARestart_ThenItWaitsToBeAdoptedAsAnyInterruptedLaunch()
    {
        var state = Given(Created(), LaunchRequested(), Queued(), new JobLaunchDispatched(Id, Job1, T0.AddSeconds(1), Callers.System));

        var plan = Plan(state, null, T0.AddSeconds(5));

        Assert.Empty(plan.Events);
        Assert.Null(plan.Action);
        Assert.Equal(T0 + Settings.AdoptGrace, plan.WakeAt);
    }

    [Fact]
    public void GivenALaunchStillQueued_WhenAnObservationPastTheGraceLacksIt_ThenItIsNotLostButResumed()
    {
        var at = T0 + Settings.AdoptGrace + TimeSpan.FromSeconds(1);

        var plan = Plan(Given(Created(), LaunchRequested(), Queued()), Absent(at), at);

        Assert.DoesNotContain(plan.Events, e => e is JobLost);
        Assert.Equal(Job1, Assert.IsType<SkyCommand.Launch>(plan.Action).JobId);
    }

    [Fact]
    public void GivenALaunchStillQueued_WhenItIsInFlight_ThenNothingHappens()
    {
        var plan = Plan(Given(Created(), LaunchRequested(), Queued()), null, T0.AddSeconds(5), SkyActionKind.Launch);

        Assert.Empty(plan.Events);
        Assert.Null(plan.Action);
    }

    [Fact]
    public void GivenALaunchCutOffWhileQueued_WhenTheExperimentShouldNowStop_ThenItIsWithdrawnWithoutCostingAnAttempt()
    {
        var state = Given(Created(), LaunchRequested(), Queued(), new DesiredStateChanged(Id, DesiredState.Stopped, T0.AddSeconds(2), "alice", null));

        var plan = Plan(state, null, T0.AddSeconds(5));

        Assert.IsType<JobCancelRequested>(plan.Events[0]);
        Assert.Contains("never started", Assert.IsType<JobLost>(plan.Events[1]).Reason);
        Assert.IsNotType<SkyCommand.Launch>(plan.Action);
        var after = state.Fold(plan.Events);
        Assert.Empty(after.LiveJobs);
        Assert.Equal(0, RunAssessment.Of(after, Settings).Failures);
    }

    [Fact]
    public void GivenALaunchCutOffWhileQueued_WhenTheSpecChangedSince_ThenItIsWithdrawnAndTheNewGenerationLaunched()
    {
        var state = Given(Created(), LaunchRequested(), Queued(), new SpecUpdated(Id, Spec(layers: 8), 2, T0.AddSeconds(2), "alice"));

        var plan = Plan(state, null, T0.AddSeconds(5));

        Assert.Single(plan.Events.OfType<JobLost>());
        var relaunch = Assert.Single(plan.Events.OfType<JobLaunchRequested>());
        Assert.Equal(2, relaunch.Generation);
        Assert.Equal(0, RunAssessment.Of(state.Fold(plan.Events), Settings).Failures);
        Assert.Equal(relaunch.JobId, Assert.IsType<SkyCommand.Launch>(plan.Action).JobId);
    }

    [Fact]
    public void GivenALaunchInterruptedWhileProvisioning_WhenTheClusterStaysInitPastTheGrace_ThenLostAndRelaunchedNotStuck()
    {
        var state = Given(Created(), LaunchRequested());
        var initCluster = new ClusterObservation(Naming.Cluster(Id), T0.AddSeconds(30), true, SkyClusterStatus.Init, false, [], null);
        var late = initCluster with { At = T0 + Settings.AdoptGrace };

        var early = Plan(state, initCluster, T0.AddSeconds(30));
        var lost = Plan(state, late, T0 + Settings.AdoptGrace);

        Assert.DoesNotContain(early.Events, e => e is JobLost);
        Assert.Contains(lost.Events, e => e is JobLost { Reason: "the launch was interrupted and left the cluster INIT" });
        var afterGrace = Plan(state, null, T0 + Settings.AdoptGrace + TimeSpan.FromSeconds(1));
        Assert.Null(afterGrace.WakeAt);
    }

    [Fact]
    public void GivenSubmittedJob_WhenObservationPredatesTheLaunch_ThenNotLost()
    {
        var state = Given(Created(), LaunchRequested(), Launched(at: T0.AddSeconds(5)));

        var plan = Plan(state, Up(T0.AddSeconds(4)), T0.AddSeconds(6));

        Assert.DoesNotContain(plan.Events, e => e is JobLost);
    }

    [Fact]
    public void GivenRunningJob_WhenSameStatusObservedAgain_ThenNoEvent()
    {
        var state = Given(Created(), LaunchRequested(), Launched(), Status(SkyJobStatus.Running));

        var plan = Plan(state, Up(T0.AddMinutes(1), Job(Job1, 1, SkyJobStatus.Running)), T0.AddMinutes(1));

        Assert.Empty(plan.Events);
        Assert.Null(plan.Action);
    }

    [Theory]
    [InlineData(SkyJobStatus.Init)]
    [InlineData(SkyJobStatus.Pending)]
    [InlineData(SkyJobStatus.SettingUp)]
    [InlineData(SkyJobStatus.Running)]
    [InlineData(SkyJobStatus.FailedDriver)]
    [InlineData(SkyJobStatus.Succeeded)]
    [InlineData(SkyJobStatus.Failed)]
    [InlineData(SkyJobStatus.FailedSetup)]
    [InlineData(SkyJobStatus.Cancelled)]
    public void GivenSubmittedJob_WhenAnyOfTheNineStatusesIsObserved_ThenItIsKeptExactly(SkyJobStatus status)
    {
        var state = Given(Created(), LaunchRequested(), Launched());

        var plan = Plan(state, Up(T0.AddMinutes(1), Job(Job1, 1, status)), T0.AddMinutes(1));

        var changed = plan.Events.OfType<JobStatusChanged>().SingleOrDefault();
        if (status == SkyJobStatus.Pending) Assert.Null(changed);
        else Assert.Equal(status, changed!.Status);
        Assert.Equal(status, state.Fold(plan.Events).Jobs[0].Status);
    }

    [Fact]
    public void GivenJobSucceeded_WhenReconciled_ThenExperimentSucceededAndNotRelaunched()
    {
        var state = Given(Created(), LaunchRequested(), Launched(), Status(SkyJobStatus.Succeeded));

        var plan = Plan(state, null, T0.AddMinutes(5));

        Assert.Empty(plan.Events);
        Assert.Null(plan.Action);
        Assert.Equal(CurrentState.Succeeded, CurrentStates.Derive(state, null, Settings));
    }

    [Fact]
    public void GivenJobSucceededOnAnUpCluster_WhenIdleForTheAutostopTime_ThenTheClusterIsStoppedNotLeftUpForever()
    {
        var endedAt = T0.AddSeconds(10);
        var state = Given(Created(), LaunchRequested(), Launched(), Status(SkyJobStatus.Succeeded, at: endedAt));
        var idleUntil = endedAt + TimeSpan.FromMinutes(Settings.AutostopMinutes);

        var early = Plan(state, Up(idleUntil.AddMinutes(-1), Job(Job1, 1, SkyJobStatus.Succeeded)), idleUntil.AddMinutes(-1));
        var due = Plan(state, Up(idleUntil, Job(Job1, 1, SkyJobStatus.Succeeded)), idleUntil);

        Assert.Null(early.Action);
        Assert.Equal(idleUntil, early.WakeAt);
        Assert.False(Reconciler.IsAtRest(state, Settings));
        Assert.Equal(new SkyCommand.Stop("skydeck-exp1"), due.Action);
        Assert.Contains("the run succeeded and the cluster has been idle for 10 min", Assert.Single(due.Events.OfType<ClusterActionRequested>()).Reason);
        Assert.DoesNotContain(due.Events, e => e is JobLaunchRequested);
        var stopped = state.Fold(due.Events).Fold([
            new SkyActionCompleted(Id, SkyActionKind.Stop, "skydeck-exp1", idleUntil.AddSeconds(30), Callers.System),
            new ClusterStatusChanged(Id, "skydeck-exp1", SkyClusterStatus.Stopped, idleUntil.AddMinutes(1), Callers.System)]);
        Assert.True(Reconciler.IsAtRest(stopped, Settings));
        Assert.Equal(CurrentState.Succeeded, CurrentStates.Derive(stopped, null, Settings));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void GivenAnExperimentsOwnAutostop_WhenLaunchedAndIdleAfterSuccess_ThenSkyGetsItAndTheReconcilerHonoursIt(bool down)
    {
        var spec = Spec() with { AutostopMinutes = 30, AutostopDown = down };
        var launch = Plan(Given(new ExperimentCreated(Id, spec, DesiredState.Running, T0, "alice")), null, T0);
        Assert.Equal((30, down), (launch.Action is SkyCommand.Launch l ? (l.Resources.AutostopMinutes, l.Resources.AutostopDown) : default));

        var state = Given(new ExperimentCreated(Id, spec, DesiredState.Running, T0, "alice"), LaunchRequested(), Launched(), Status(SkyJobStatus.Succeeded, at: T0.AddMinutes(1)));

        Assert.Null(Plan(state, null, T0.AddMinutes(30)).Action);
        Assert.Equal(down ? new SkyCommand.Down("skydeck-exp1") : new SkyCommand.Stop("skydeck-exp1"), Plan(state, null, T0.AddMinutes(31)).Action);
    }

    [Fact]
    public void GivenAutostopOff_WhenTheRunSucceeded_ThenTheClusterIsKeptAndNoAutostopIsPassed()
    {
        var spec = Spec() with { AutostopMinutes = 0, AutostopDown = true };
        var launch = Assert.IsType<SkyCommand.Launch>(Plan(Given(new ExperimentCreated(Id, spec, DesiredState.Running, T0, "alice")), null, T0).Action);
        var state = Given(new ExperimentCreated(Id, spec, DesiredState.Running, T0, "alice"), LaunchRequested(), Launched(), Status(SkyJobStatus.Succeeded));

        Assert.Equal((0, false), (launch.Resources.AutostopMinutes, launch.Resources.AutostopDown));
        Assert.Null(Plan(state, null, T0.AddDays(3)).Action);
        Assert.True(Reconciler.IsAtRest(state, Settings));
    }

    [Fact]
    public void GivenJobFailed_WhenWithinBackoff_ThenRetryingAndWaits()
    {
        var failedAt = T0.AddMinutes(5);
        var state = Given(Created(), LaunchRequested(), Launched(), Status(SkyJobStatus.Failed, at: failedAt));

        var plan = Plan(state, null, failedAt.AddSeconds(1));

        Assert.Null(plan.Action);
        Assert.NotNull(plan.WakeAt);
        Assert.InRange(plan.WakeAt!.Value - failedAt, TimeSpan.FromSeconds(8), TimeSpan.FromSeconds(12));
        Assert.Equal(CurrentState.Retrying, CurrentStates.Derive(state, null, Settings));
    }

    [Fact]
    public void GivenJobFailed_WhenBackoffElapsed_ThenRelaunchedWithReason()
    {
        var failedAt = T0.AddMinutes(5);
        var state = Given(Created(), LaunchRequested(), Launched(), Status(SkyJobStatus.FailedSetup, at: failedAt));

        var plan = Plan(state, null, failedAt.AddMinutes(1));

        var intent = Assert.IsType<JobLaunchRequested>(Assert.Single(plan.Events));
        Assert.Equal(2, intent.Attempt);
        Assert.Contains("FAILED_SETUP", intent.Reason);
    }

    [Fact]
    public void GivenMaxRestartsFailures_WhenReconciled_ThenFailedUntilTheUserActs()
    {
        var state = Given(Created());
        var at = T0;
        for (var n = 1; n <= Settings.MaxRestarts + 1; n++)
        {
            state = state.Fold([LaunchRequested(n, attempt: n, at: at), Launched(n, n, at: at), Status(SkyJobStatus.Failed, n, n, at: at.AddSeconds(1))]);
            at = at.AddHours(1);
        }

        var plan = Plan(state, null, at);

        Assert.DoesNotContain(plan.Events, e => e is JobLaunchRequested);
        Assert.IsType<SkyCommand.Stop>(plan.Action);
        Assert.Contains("the run was given up on", Assert.Single(plan.Events.OfType<ClusterActionRequested>()).Reason);
        Assert.Equal(CurrentState.Failed, CurrentStates.Derive(state, null, Settings));
        Assert.Contains("gave up after 4 failures of the job itself", RunAssessment.Of(state, Settings).Reason);
    }

    [Fact]
    public void GivenTwoPreemptionsThenMaxRestartsFailures_WhenReconciled_ThenTheGiveUpSaysWhichAttemptsDidNotCount()
    {
        var state = Given(Created());
        var at = T0;
        for (var n = 1; n <= 2; n++)
        {
            state = state.Fold([LaunchRequested(n, attempt: n, at: at), Launched(n, n, at: at), Status(SkyJobStatus.Running, n, n, at: at.AddSeconds(1))]);
            at = at.AddHours(1);
            state = state.Fold(Plan(state, Absent(at), at).Events);
        }
        for (var n = 3; n <= Settings.MaxRestarts + 3; n++)
        {
            state = state.Fold([LaunchRequested(n, attempt: n, at: at), Launched(n, n, at: at), Status(SkyJobStatus.Failed, n, n, at: at.AddSeconds(1))]);
            at = at.AddHours(1);
        }

        var reason = RunAssessment.Of(state, Settings).Reason;

        Assert.Equal(CurrentState.Failed, CurrentStates.Derive(state, null, Settings));
        Assert.Contains($"gave up after {Settings.MaxRestarts + 1} failures of the job itself (max restarts on errors {Settings.MaxRestarts}), not counted: 2 preempted;", reason);
    }

    [Fact]
    public void GivenInvalidLaunch_WhenReconciled_ThenTerminalFailureNoRetry()
    {
        var state = Given(Created(), LaunchRequested(), new JobLaunchFailed(Id, Job1, SkyFailureKind.InvalidRequest, "Invalid value for '--gpus'", T0, Callers.System));

        var plan = Plan(state, null, T0.AddHours(5));

        Assert.Null(plan.Action);
        Assert.Equal(CurrentState.Failed, CurrentStates.Derive(state, null, Settings));
    }

    [Fact]
    public void GivenRepeatedCapacityFailures_WhenReconciled_ThenBackoffGrowsButBudgetIsNotSpent()
    {
        var state = Given(Created());
        var delays = new List<TimeSpan>();
        var at = T0;
        for (var n = 1; n <= 6; n++)
        {
            state = state.Fold([LaunchRequested(n, attempt: n, at: at), new JobLaunchFailed(Id, Naming.Job(Id, 1, n), SkyFailureKind.NoCapacity, "no A100", at, Callers.System)]);
            var wait = Plan(state, null, at);
            delays.Add(wait.WakeAt!.Value - at);
            at = wait.WakeAt!.Value;
        }

        Assert.True(delays.Zip(delays.Skip(1)).All(p => p.Item2 > p.Item1), string.Join(", ", delays));
        Assert.IsType<SkyCommand.Launch>(Plan(state, null, at).Action);
    }

    [Fact]
    public void GivenRunningJob_WhenDesiredStopped_ThenCancelThenStopThenConfirmedByObservation()
    {
        var state = Given(Created(), LaunchRequested(), Launched(), Status(SkyJobStatus.Running),
            new DesiredStateChanged(Id, DesiredState.Stopped, T0.AddMinutes(10), "bob", null));
        var now = T0.AddMinutes(10);

        var cancelPlan = Plan(state, null, now);
        Assert.IsType<JobCancelRequested>(Assert.Single(cancelPlan.Events));
        Assert.Equal(new SkyCommand.Cancel(Job1, "skydeck-exp1", 1), cancelPlan.Action);
        state = state.Fold(cancelPlan.Events).Fold([new SkyActionCompleted(Id, SkyActionKind.Cancel, Job1, now.AddSeconds(1), Callers.System)]);

        var waitForCancel = Plan(state, null, now.AddSeconds(1));
        Assert.Null(waitForCancel.Action);
        Assert.Equal(now.AddSeconds(1) + Settings.ConfirmWindow, waitForCancel.WakeAt);

        var stopPlan = Plan(state, Up(now.AddSeconds(1), Job(Job1, 1, SkyJobStatus.Cancelled)), now.AddSeconds(1));
        Assert.Contains(stopPlan.Events, e => e is JobStatusChanged { Status: SkyJobStatus.Cancelled });
        Assert.Single(stopPlan.Events.OfType<ClusterActionRequested>());
        Assert.Equal(new SkyCommand.Stop("skydeck-exp1"), stopPlan.Action);
        state = state.Fold(stopPlan.Events).Fold([new SkyActionCompleted(Id, SkyActionKind.Stop, "skydeck-exp1", now.AddSeconds(20), Callers.System)]);
        Assert.Equal(CurrentState.Stopping, CurrentStates.Derive(state, null, Settings));

        var waiting = Plan(state, null, now.AddSeconds(21));
        Assert.True(waiting.Action is null, $"unexpected {waiting.Action}");

        var confirmed = Plan(state, Stopped(now.AddSeconds(30)), now.AddSeconds(31));
        Assert.Contains(confirmed.Events, e => e is ClusterStatusChanged { Status: SkyClusterStatus.Stopped });
        Assert.Null(confirmed.Action);
        var final = state.Fold(confirmed.Events);
        Assert.Equal(CurrentState.Stopped, CurrentStates.Derive(final, null, Settings));
        Assert.Equal(SkyJobStatus.Cancelled, final.Jobs[0].Status);
        Assert.False(final.Jobs[0].CountsAsFailure);
    }

    [Fact]
    public void GivenCancelNeverConfirmed_WhenConfirmWindowPasses_ThenTheClusterIsStoppedAnyway()
    {
        var now = T0.AddMinutes(10);
        var state = Given(Created(), LaunchRequested(), Launched(), Status(SkyJobStatus.Running),
            new DesiredStateChanged(Id, DesiredState.Stopped, now, "bob", null),
            new JobCancelRequested(Id, Job1, now, Callers.System, "x"),
            new SkyActionCompleted(Id, SkyActionKind.Cancel, Job1, now, Callers.System));

        Assert.Null(Plan(state, null, now + Settings.ConfirmWindow - TimeSpan.FromSeconds(1)).Action);
        Assert.IsType<SkyCommand.Stop>(Plan(state, null, now + Settings.ConfirmWindow).Action);
    }

    [Fact]
    public void GivenStopReturnedOkButClusterStillUp_WhenConfirmWindowPasses_ThenStopIsReissued()
    {
        var stoppedAt = T0.AddMinutes(10);
        var state = Given(Created(DesiredState.Stopped), new ClusterStatusChanged(Id, "skydeck-exp1", SkyClusterStatus.Up, T0, Callers.System),
            new ClusterActionRequested(Id, "skydeck-exp1", ClusterAction.Stop, stoppedAt, Callers.System, "x"),
            new SkyActionCompleted(Id, SkyActionKind.Stop, "skydeck-exp1", stoppedAt, Callers.System));

        Assert.Null(Plan(state, Up(stoppedAt.AddSeconds(30)), stoppedAt.AddSeconds(31)).Action);
        Assert.IsType<SkyCommand.Stop>(Plan(state, Up(stoppedAt + Settings.ConfirmWindow), stoppedAt + Settings.ConfirmWindow).Action);
    }

    [Fact]
    public void GivenAClusterSkyPilotCannotStop_WhenTheStopIsSkipped_ThenItIsTornDownInsteadAndTheIntentSaysWhy()
    {
        var at = T0.AddMinutes(1);
        var state = Given(Created(DesiredState.Stopped), new ClusterStatusChanged(Id, "skydeck-exp1", SkyClusterStatus.Up, T0, Callers.System));
        var stop = Plan(state, null, at);
        Assert.Equal(new SkyCommand.Stop("skydeck-exp1"), stop.Action);
        state = state.Fold(stop.Events).Fold([new SkyActionFailed(Id, SkyActionKind.Stop, "skydeck-exp1", SkyFailureKind.StopUnsupported,
            "Stopping is currently not supported for Kubernetes.", at.AddSeconds(5), Callers.System)]);

        var plan = Plan(state, Up(at.AddSeconds(10)), at.AddSeconds(10));

        Assert.Equal(new SkyCommand.Down("skydeck-exp1"), plan.Action);
        var intent = Assert.Single(plan.Events.OfType<ClusterActionRequested>());
        Assert.Equal(ClusterAction.Down, intent.Action);
        Assert.Contains("Stopping is currently not supported for Kubernetes.", intent.Reason);
        Assert.Contains("torn down instead", intent.Reason);
        state = state.Fold(plan.Events).Fold([new SkyActionCompleted(Id, SkyActionKind.Down, "skydeck-exp1", at.AddSeconds(20), Callers.System)]);
        var gone = state.Fold(Plan(state, Absent(at.AddSeconds(30)), at.AddSeconds(30)).Events);
        Assert.Equal(CurrentState.Stopped, CurrentStates.Derive(gone, null, Settings));
        Assert.True(Reconciler.IsAtRest(gone, Settings));
        Assert.False(gone.Cluster.CannotStop);
    }

    [Theory]
    [InlineData(2, 4, null, false)]
    [InlineData(1, 8, null, false)]
    [InlineData(1, 4, "H100", false)]
    [InlineData(1, 4, null, true)]
    public void GivenResourcesChangedOnAnExistingCluster_WhenTheNextRunLaunches_ThenTheClusterIsTornDownFirstWithARecordedIntent(int nodes, int gpus, string? accelerator, bool spot)
    {
        var at = T0.AddMinutes(5);
        var state = Given(Created(), LaunchRequested(), Launched(), Status(SkyJobStatus.Succeeded),
            new SpecUpdated(Id, Spec(nodes: nodes, gpus: gpus) with { Accelerator = accelerator, UseSpot = spot }, 2, at, "bob"),
            new RunRestarted(Id, 2, at, "bob", "restart requested"));

        var plan = Plan(state, Up(at), at);

        Assert.Equal(new SkyCommand.Down("skydeck-exp1"), plan.Action);
        var intent = Assert.Single(plan.Events.OfType<ClusterActionRequested>());
        Assert.Contains("resources changed from 1x A100:4", intent.Reason);
        Assert.DoesNotContain(plan.Events, e => e is JobLaunchRequested);

        var down = state.Fold(plan.Events).Fold([new SkyActionCompleted(Id, SkyActionKind.Down, "skydeck-exp1", at.AddSeconds(20), Callers.System)]);
        Assert.Null(Plan(down, Up(at.AddSeconds(30)), at.AddSeconds(30)).Action);
        var launch = Assert.IsType<SkyCommand.Launch>(Plan(down, Absent(at.AddSeconds(40)), at.AddSeconds(40)).Action);
        Assert.Equal(nodes, launch.Resources.Nodes);
    }

    [Fact]
    public void GivenOnlyFlagsChanged_WhenTheNextRunLaunches_ThenItReusesTheCluster()
    {
        var at = T0.AddMinutes(5);
        var state = Given(Created(), LaunchRequested(), Launched(), Status(SkyJobStatus.Succeeded),
            new SpecUpdated(Id, Spec(layers: 8), 2, at, "bob"), new RunRestarted(Id, 2, at, "bob", "restart requested"));

        Assert.IsType<SkyCommand.Launch>(Plan(state, Up(at), at).Action);
    }

    [Fact]
    public void GivenSkyPilotRefusedALaunchAsMismatched_WhenRetried_ThenTheClusterIsTornDownBeforeTheRetry()
    {
        var state = Given(Created(), LaunchRequested(), new ClusterStatusChanged(Id, "skydeck-exp1", SkyClusterStatus.Up, T0.AddSeconds(1), Callers.System),
            new JobLaunchFailed(Id, Job1, SkyFailureKind.ResourcesMismatch, "sky.exceptions.ResourcesMismatchError: Requested resources do not match the existing cluster.", T0.AddSeconds(2), Callers.System));

        var plan = Plan(state, Up(T0.AddMinutes(5)), T0.AddMinutes(5));

        Assert.Equal(new SkyCommand.Down("skydeck-exp1"), plan.Action);
        Assert.Contains("SkyPilot refused to relaunch", Assert.Single(plan.Events.OfType<ClusterActionRequested>()).Reason);
    }

    [Fact]
    public void GivenACancelThatFindsNoCluster_WhenRecorded_ThenTheJobIsLostNotRetriedForever()
    {
        var state = Given(Created(), LaunchRequested(), Launched(), Status(SkyJobStatus.Running),
            new DesiredStateChanged(Id, DesiredState.Stopped, T0.AddMinutes(1), "bob", null),
            new JobCancelRequested(Id, Job1, T0.AddMinutes(1), Callers.System, "desired state is STOPPED"));

        var decision = ExperimentDecider.Decide(state, new ExperimentCommands.RecordActionOutcome(Id, SkyActionKind.Cancel, Job1,
            SkyOutcome.Failed(SkyFailureKind.ClusterNotFound, "Error: Cluster 'skydeck-exp1' does not exist."), T0.AddMinutes(2)));
        var after = state.Fold(decision.Events);

        Assert.Contains(decision.Events, e => e is JobLost);
        Assert.False(after.Jobs[0].IsLive);
        Assert.Equal(SkyJobStatus.Cancelled, after.Jobs[0].Status);
        Assert.False(after.Jobs[0].CountsAsFailure);
    }

    [Fact]
    public void GivenARunningJobSetToStopped_WhenTheClusterIsSeenStoppedBeforeTheCancelWasConfirmed_ThenTheJobShowsCancelledNotRunning()
    {
        var at = T0.AddMinutes(1);
        var state = Given(Created(), LaunchRequested(), Launched(), Status(SkyJobStatus.Running),
            new DesiredStateChanged(Id, DesiredState.Stopped, at, "bob", null),
            new JobCancelRequested(Id, Job1, at, Callers.System, "desired state is STOPPED"),
            new SkyActionFailed(Id, SkyActionKind.Cancel, Job1, SkyFailureKind.Timeout, "sky cancel did not finish within 300 s and was killed", at.AddMinutes(5), Callers.System));

        var after = state.Fold(Plan(state, Stopped(at.AddMinutes(6)), at.AddMinutes(6)).Events);

        var summary = ExperimentSummary.From(after, null, Settings);
        Assert.Equal(CurrentState.Stopped, summary.Current);
        Assert.Equal(SkyJobStatus.Cancelled, summary.CurrentJob!.Status);
        Assert.False(summary.CurrentJob.IsLive);
    }

    [Fact]
    public void GivenALaunchKilledAtItsTimeout_WhileWaitingToAdoptIt_ThenTheSummarySaysWhatItWaitsForAndUntilWhen()
    {
        var state = Given(Created(), LaunchRequested());
        var timedOut = ExperimentDecider.Decide(state, new ExperimentCommands.RecordLaunchOutcome(Id, Job1,
            SkyOutcome.Failed(SkyFailureKind.Timeout, "sky launch did not finish within 1800 s and was killed"), T0.AddMinutes(30))).Events;

        var summary = ExperimentSummary.From(state.Fold(timedOut), null, Settings);

        Assert.Equal(CurrentState.Launching, summary.Current);
        Assert.Equal($"sky launch did not finish within 1800 s and was killed; the job is adopted if SkyPilot went on to submit it; waiting until {T0 + Settings.AdoptGrace:yyyy-MM-dd HH:mm:ss} UTC for the job to appear before relaunching", summary.Message);
        var adopted = state.Fold(timedOut).Fold(Plan(state.Fold(timedOut), Up(T0.AddMinutes(31), Job(Job1, 1, SkyJobStatus.Running)), T0.AddMinutes(31)).Events);
        Assert.Null(ExperimentSummary.From(adopted, null, Settings).Message);
        Assert.Null(adopted.Jobs[0].Reason);
    }

    [Fact]
    public void GivenALostJobThatReappearsWhileItsReplacementRuns_WhenObserved_ThenTheStrayIsCancelledWithARecordedIntent()
    {
        // CrashTests seed 3126853 ended with crash-001-g3-1 and -g3-2 both live: the lost -1 came back and nothing cancelled it.
        var lostAt = T0 + Settings.AdoptGrace + TimeSpan.FromSeconds(1);
        var state = Given(Created(), LaunchRequested());
        state = state.Fold(Plan(state, Up(lostAt), lostAt).Events);
        Assert.Equal(JobPhase.Lost, state.FindJob(Job1)!.Phase);
        state = state.Fold([LaunchRequested(2, attempt: 2, at: lostAt.AddSeconds(20)), Launched(2, skyJobId: 2, at: lostAt.AddSeconds(25))]);
        Assert.Equal(Job2, Assert.Single(state.LiveJobs).JobId);

        var at = lostAt.AddMinutes(1);
        var plan = Plan(state, Up(at, Job(Job1, 1, SkyJobStatus.Running), Job(Job2, 2, SkyJobStatus.Running)), at);

        Assert.Equal(new SkyCommand.Cancel(Job1, "skydeck-exp1", 1), plan.Action);
        var intent = Assert.Single(plan.Events.OfType<JobCancelRequested>());
        Assert.Equal(Job1, intent.JobId);
        Assert.Contains("recorded as lost", intent.Reason);
        var after = state.Fold(plan.Events);
        Assert.Equal(Job2, Assert.Single(after.LiveJobs).JobId);
        Assert.Equal(JobPhase.Lost, after.FindJob(Job1)!.Phase);
        Assert.Equal(RunAssessment.Of(state, Settings).Failures, RunAssessment.Of(after, Settings).Failures);

        var sent = after.Fold([new SkyActionCompleted(Id, SkyActionKind.Cancel, Job1, at.AddSeconds(2), Callers.System)]);
        Assert.Null(Plan(sent, Up(at, Job(Job1, 1, SkyJobStatus.Running), Job(Job2, 2, SkyJobStatus.Running)), at.AddSeconds(3)).Action);
        Assert.Null(Plan(sent, Up(at.AddSeconds(30), Job(Job1, 1, SkyJobStatus.Cancelled), Job(Job2, 2, SkyJobStatus.Running)), at.AddSeconds(30)).Action);
    }

    [Fact]
    public void GivenAJobOfThisExperimentWithNoRecord_WhenSeenRunning_ThenItIsCancelledButOtherNamesAreLeftAlone()
    {
        var state = Given(Created(), LaunchRequested(), Launched(), Status(SkyJobStatus.Running));
        var unknown = Naming.Job(Id, 1, 7);

        var plan = Plan(state, Up(T0.AddMinutes(1), Job(Job1, 1, SkyJobStatus.Running), Job(unknown, 7, SkyJobStatus.Pending), Job("manual-debug", 8, SkyJobStatus.Running)), T0.AddMinutes(1));

        Assert.Equal(new SkyCommand.Cancel(unknown, "skydeck-exp1", 7), plan.Action);
        Assert.Contains("with no record", Assert.Single(plan.Events.OfType<JobCancelRequested>()).Reason);
    }

    [Fact]
    public void GivenTheRunsLostJobReappearsAndNothingElseIsLive_WhenObserved_ThenItIsAdoptedAgainNotRelaunched()
    {
        var lostAt = T0.AddMinutes(3);
        var state = Given(Created(), LaunchRequested(), Launched(), Status(SkyJobStatus.Running),
            new JobLost(Id, Job1, "SkyPilot's job queue no longer lists the job", lostAt, Callers.System));

        var plan = Plan(state, Up(lostAt.AddSeconds(1), Job(Job1, 1, SkyJobStatus.Running)), lostAt.AddSeconds(1));

        var recovered = Assert.Single(plan.Events.OfType<JobRecovered>());
        Assert.Equal((Job1, 1L, SkyJobStatus.Running), (recovered.JobId, recovered.SkyJobId, recovered.Status));
        Assert.Null(plan.Action);
        Assert.DoesNotContain(plan.Events, e => e is JobLaunchRequested or JobCancelRequested);
        var after = state.Fold(plan.Events);
        Assert.Equal(Job1, Assert.Single(after.LiveJobs).JobId);
        Assert.Equal(CurrentState.Running, CurrentStates.Derive(after, null, Settings));
    }

    [Fact]
    public void GivenStopKeepsFailing_WhenReconciledOften_ThenBackoffNotAStorm()
    {
        var state = Given(Created(DesiredState.Stopped), new ClusterStatusChanged(Id, "skydeck-exp1", SkyClusterStatus.Up, T0, Callers.System));
        var at = T0.AddMinutes(1);
        var issued = 0;
        for (var minute = 0; minute < 30; minute++, at = at.AddMinutes(1))
        {
            var plan = Plan(state, null, at);
            if (plan.Action is null) continue;
            issued++;
            state = state.Fold(plan.Events).Fold([new SkyActionFailed(Id, SkyActionKind.Stop, "skydeck-exp1", SkyFailureKind.CliUnavailable, "no sky", at, Callers.System)]);
        }

        Assert.InRange(issued, 3, 8);
    }

    [Fact]
    public void GivenTerminated_WhenClusterAbsent_ThenTerminated()
    {
        var state = Given(Created(), LaunchRequested(), Launched(), Status(SkyJobStatus.Succeeded),
            new DesiredStateChanged(Id, DesiredState.Terminated, T0.AddMinutes(10), "bob", null));

        var down = Plan(state, null, T0.AddMinutes(10));
        Assert.Equal(new SkyCommand.Down("skydeck-exp1"), down.Action);
        state = state.Fold(down.Events);
        Assert.Equal(CurrentState.Terminating, CurrentStates.Derive(state, null, Settings));

        var gone = Plan(state, Absent(T0.AddMinutes(11)), T0.AddMinutes(11));
        Assert.Null(gone.Action);
        Assert.Equal(CurrentState.Terminated, CurrentStates.Derive(state.Fold(gone.Events), null, Settings));
    }

    [Fact]
    public void GivenDeleted_WhenReconciled_ThenTornDownLikeTerminated()
    {
        var state = Given(Created(), LaunchRequested(), Launched(), new ExperimentDeleted(Id, T0.AddMinutes(1), "bob"));

        var plan = Plan(state, null, T0.AddMinutes(1));

        Assert.IsType<SkyCommand.Cancel>(plan.Action);
        Assert.Equal("experiment deleted", Assert.IsType<JobCancelRequested>(Assert.Single(plan.Events)).Reason);
    }

    [Fact]
    public void GivenRunningJob_WhenClusterVanishes_ThenLostAndRelaunched()
    {
        var state = Given(Created(), LaunchRequested(), Launched(), Status(SkyJobStatus.Running));

        var plan = Plan(state, Absent(T0.AddMinutes(5)), T0.AddMinutes(5));

        Assert.Contains(plan.Events, e => e is JobLost { Reason: "the cluster no longer exists" });
        Assert.Null(plan.Action);
        var retry = Plan(state.Fold(plan.Events), null, T0.AddMinutes(6));
        Assert.Equal(Job2, Assert.IsType<SkyCommand.Launch>(retry.Action).JobId);
    }

    [Fact]
    public void GivenRunningJob_WhenClusterVanishes_ThenTheRowSaysTheAttemptWasPreemptedAndWhenItRetries()
    {
        var state = Given(Created(), LaunchRequested(), Launched(), Status(SkyJobStatus.Running));
        state = state.Fold(Plan(state, Absent(T0.AddMinutes(5)), T0.AddMinutes(5)).Events);

        var summary = ExperimentSummary.From(state, null, Settings);
        var note = Assert.Single(NotificationRules.ForChange(summary with { Current = CurrentState.Running }, summary));

        Assert.Equal(CurrentState.Retrying, summary.Current);
        Assert.Equal($"attempt 1 ended — preempted: the cluster no longer exists; retrying at {summary.RetryAt:yyyy-MM-dd HH:mm:ss} UTC", summary.Message);
        Assert.Equal($"⚠️ exp1: {summary.Message}", note.Text);
    }

    [Fact]
    public void GivenRunningJob_WhenQueueCouldNotBeRead_ThenUnknownNotFailed()
    {
        var state = Given(Created(), LaunchRequested(), Launched(), Status(SkyJobStatus.Running));
        var blind = new ClusterObservation("skydeck-exp1", T0.AddMinutes(5), true, SkyClusterStatus.Up, false, [], "job queue unavailable");

        var plan = Plan(state, blind, T0.AddMinutes(5));

        Assert.Empty(plan.Events);
        Assert.Null(plan.Action);
        Assert.Equal(CurrentState.Unknown, CurrentStates.Derive(state, blind, Settings));
    }

    [Fact]
    public void GivenRunningJob_WhenFlagsChange_ThenKeepsRunningAndSaysRestartToApply()
    {
        var state = Given(Created(), LaunchRequested(), Launched(), Status(SkyJobStatus.Running),
            new SpecUpdated(Id, Spec(layers: 8), 2, T0.AddMinutes(1), "bob"));

        var plan = Plan(state, null, T0.AddMinutes(2));
        var summary = ExperimentSummary.From(state, null, Settings);

        Assert.Null(plan.Action);
        Assert.True(summary.NeedsRestart);
        Assert.Equal("flags changed while running — restart to apply", summary.Message);
    }

    [Fact]
    public void GivenUserCancelledJob_WhenDesiredStillRunning_ThenCancelThenFreshLaunchWithoutSpendingBudget()
    {
        var state = Given(Created(), LaunchRequested(), Launched(), Status(SkyJobStatus.Running),
            new JobCancelRequested(Id, Job1, T0.AddMinutes(1), "carol", "cancel requested"));

        var cancel = Plan(state, null, T0.AddMinutes(1));
        Assert.Empty(cancel.Events);
        Assert.IsType<SkyCommand.Cancel>(cancel.Action);

        state = state.Fold([new SkyActionCompleted(Id, SkyActionKind.Cancel, Job1, T0.AddMinutes(1), Callers.System), Status(SkyJobStatus.Cancelled, at: T0.AddMinutes(2))]);
        var relaunch = Plan(state, null, T0.AddMinutes(2));
        Assert.IsType<SkyCommand.Launch>(relaunch.Action);
        Assert.Equal(0, RunAssessment.Of(state, Settings).Failures);
    }

    [Fact]
    public void GivenARunningJob_WhenTheRunIsRestarted_ThenTheOldJobIsCancelledFirstAndTheNewRunLaunchesOnceItEnded()
    {
        var at = T0.AddMinutes(5);
        var state = Given(Created(), LaunchRequested(), Launched(), Status(SkyJobStatus.Running), new RunRestarted(Id, 2, at, "bob", "restart requested"));

        var cancel = Plan(state, null, at);
        Assert.Equal(Job1, Assert.IsType<SkyCommand.Cancel>(cancel.Action).JobId);
        var cancelling = state.Fold(cancel.Events).Fold([new SkyActionCompleted(Id, SkyActionKind.Cancel, Job1, at.AddSeconds(1), Callers.System)]);
        var waiting = Plan(cancelling, null, at.AddSeconds(2));
        Assert.Null(waiting.Action);

        var ended = Plan(cancelling, Up(at.AddSeconds(30), Job(Job1, 1, SkyJobStatus.Cancelled)), at.AddSeconds(30));
        var relaunch = Assert.Single(ended.Events.OfType<JobLaunchRequested>());
        Assert.Equal(2, relaunch.Run);
        Assert.Equal(Job2, relaunch.JobId);
        Assert.Equal(0, RunAssessment.Of(state.Fold(cancel.Events).Fold(ended.Events), Settings).Failures);
    }

    public static TheoryData<string, bool> RestCases => new()
    {
        { "stopped, never launched", true },
        { "running, no job yet", false },
        { "launch requested", false },
        { "job running", false },
        { "job succeeded, cluster down", true },
        { "job succeeded, cluster up", false },
        { "job succeeded, cluster stopped", true },
        { "job failed, backing off", false },
        { "gave up after max restarts", false },
        { "gave up after max restarts, cluster stopped, not yet recorded", false },
        { "gave up after max restarts, cluster stopped", true },
        { "stop requested, cluster still up", false },
        { "stopped, cluster stopped", true },
        { "terminated, cluster stopped", false },
        { "terminated, cluster gone", true },
        { "stop failed, backing off", false },
    };

    [Theory]
    [MemberData(nameof(RestCases))]
    public void GivenAnExperiment_WhenAtRest_ThenItPlansNothingAtAnyLaterTime(string name, bool atRest)
    {
        var state = RestCase(name);

        Assert.Equal(atRest, Reconciler.IsAtRest(state, Settings));
        if (!atRest) return;
        foreach (var later in new[] { TimeSpan.Zero, TimeSpan.FromMinutes(5), TimeSpan.FromHours(3), TimeSpan.FromDays(30) })
        {
            var plan = Plan(state, null, T0.AddHours(1) + later);
            Assert.Empty(plan.Events);
            Assert.Null(plan.Action);
            Assert.Null(plan.WakeAt);
        }
    }

    [Fact]
    public void GivenAFinishedJobOnAClusterKnownGone_WhenSummarised_ThenThePollerNeedNotReportItsAbsence()
    {
        var finished = RestCase("job succeeded, cluster down");
        var up = RestCase("job succeeded, cluster up");

        Assert.False(ExperimentSummary.From(finished, null, Settings).Watching);
        Assert.True(ExperimentSummary.From(up, null, Settings).Watching);
        Assert.True(ExperimentSummary.From(RestCase("job running"), null, Settings).Watching);
    }

    private static ExperimentState RestCase(string name)
    {
        var t = T0.AddMinutes(10);
        ClusterStatusChanged Cluster(SkyClusterStatus? status) => new(Id, Naming.Cluster(Id), status, t, Callers.System);
        DesiredStateChanged Desire(DesiredState desired) => new(Id, desired, t, "alice", null);
        var running = new IExperimentEvent[] { Created(), LaunchRequested(), Launched(), Status(SkyJobStatus.Running) };
        IExperimentEvent[] Failed(int n) => [LaunchRequested(n, attempt: n), Launched(n, skyJobId: n), Status(SkyJobStatus.Failed, n, skyJobId: n, at: t)];
        return name switch
        {
            "stopped, never launched" => Given(Created(DesiredState.Stopped)),
            "running, no job yet" => Given(Created()),
            "launch requested" => Given(Created(), LaunchRequested()),
            "job running" => Given(running),
            "job succeeded, cluster down" => Given([.. running, Status(SkyJobStatus.Succeeded, at: t), Cluster(null)]),
            "job succeeded, cluster up" => Given([.. running, Status(SkyJobStatus.Succeeded, at: t)]),
            "job succeeded, cluster stopped" => Given([.. running, Status(SkyJobStatus.Succeeded, at: t), Cluster(SkyClusterStatus.Stopped)]),
            "job failed, backing off" => Given([Created(), .. Failed(1)]),
            "gave up after max restarts" => Given([Created(), .. Failed(1), .. Failed(2), .. Failed(3), .. Failed(4)]),
            "gave up after max restarts, cluster stopped, not yet recorded" => Given([Created(), .. Failed(1), .. Failed(2), .. Failed(3), .. Failed(4), Cluster(SkyClusterStatus.Stopped)]),
            "gave up after max restarts, cluster stopped" => Given([Created(), .. Failed(1), .. Failed(2), .. Failed(3), .. Failed(4), Cluster(SkyClusterStatus.Stopped),
                new RetriesStopped(Id, 1, "max_restarts", "gave up", t, Callers.System)]),
            "stop requested, cluster still up" => Given([.. running, Desire(DesiredState.Stopped)]),
            "stopped, cluster stopped" => Given([.. running, Status(SkyJobStatus.Cancelled, at: t), Desire(DesiredState.Stopped), Cluster(SkyClusterStatus.Stopped)]),
            "terminated, cluster stopped" => Given([.. running, Status(SkyJobStatus.Cancelled, at: t), Desire(DesiredState.Terminated), Cluster(SkyClusterStatus.Stopped)]),
            "terminated, cluster gone" => Given([.. running, Status(SkyJobStatus.Cancelled, at: t), Desire(DesiredState.Terminated), Cluster(null)]),
            "stop failed, backing off" => Given([Created(DesiredState.Stopped), LaunchRequested(), Launched(), Status(SkyJobStatus.Cancelled, at: t), Cluster(SkyClusterStatus.Up),
                new ClusterActionRequested(Id, Naming.Cluster(Id), ClusterAction.Stop, t, Callers.System, "desired state is STOPPED"),
                new SkyActionFailed(Id, SkyActionKind.Stop, Naming.Cluster(Id), SkyFailureKind.Unknown, "boom", t, Callers.System)]),
            _ => throw new ArgumentOutOfRangeException(nameof(name)),
        };
    }
}
