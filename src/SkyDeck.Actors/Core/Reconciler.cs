using System.Collections.Immutable;

namespace SkyDeck.Actors.Core;

/// <summary>
/// Pure: compares what the researcher wants with what SkyPilot was last seen doing and plans the next step.
/// Observations become transition events; at most one <c>sky</c> command is planned, and never while one is in flight.
/// </summary>
public static class Reconciler
{
    public static ReconcilePlan Plan(
        ExperimentState state,
        ClusterObservation? observation,
        DateTimeOffset now,
        ReconcileSettings settings,
        SkyActionKind? inFlight = null)
    {
        if (!state.Exists) return new([], null, null);
        var events = new List<IExperimentEvent>();
        var s = observation is null ? state : Observe(state, observation, inFlight, now, settings, events);
        if (inFlight is not null) return new(events, null, null);
        if (Budgets.Stop(s, now, settings.Prices) is { } overBudget)
        {
            events.Add(overBudget);
            s = ExperimentState.Evolve(s, overBudget);
        }

        s = WithdrawStaleQueuedLaunches(s, now, events);
        if (PlanStrayCancel(s, observation, now, settings, events) is { } stray) return new(events, stray.Action, stray.WakeAt);
        if (LogToKeep(s, settings) is { } keep) return new(events, keep, null);
        var (action, wakeAt) = s.EffectiveDesired == DesiredState.Running
            ? PlanRunning(s, now, settings, events)
            : PlanShutdown(s, now, settings, events);
        // Wake when the budget would be used up at the present rate, whatever else is (not) planned.
        if (s.EffectiveDesired == DesiredState.Running && action is null && Budgets.Check(s, now, settings.Prices)?.CrossesAt is { } crosses)
            wakeAt = Budgets.Earlier(wakeAt, crosses);
        return new(events, action, wakeAt);
    }

    /// <summary>
    /// Nothing to do until something changes — a command, or news about its cluster: no job or cluster action in
    /// progress or backing off, and the desired state reached (or, for a run, succeeded or given up on). An experiment
    /// at rest plans nothing at any time, so it needs no actor until a message arrives for it.
    /// </summary>
    public static bool IsAtRest(ExperimentState s, ReconcileSettings settings)
    {
        if (!s.Exists || s.LiveJobs.Any() || s.LastAction is { InProgress: true } or { Failures: > 0 }) return false;
        if (LogToKeep(s, settings) is not null) return false;
        if (s.EffectiveDesired == DesiredState.Running)
        {
            var run = RunAssessment.Of(s, settings).Status;
            return (run == RunStatus.Succeeded || run == RunStatus.Failed && s.StoppedRun == s.Run) && !HasIdleCluster(s, settings);
        }

        if (!s.Cluster.Known) return s.Jobs.IsEmpty;
        return s.EffectiveDesired == DesiredState.Terminated
            ? s.Cluster.Status is null
            : s.Cluster.Status is null or SkyClusterStatus.Stopped;
    }

    private static ExperimentState Observe(
        ExperimentState s, ClusterObservation o, SkyActionKind? inFlight, DateTimeOffset now, ReconcileSettings settings, List<IExperimentEvent> events)
    {
        void Emit(IExperimentEvent e)
        {
            events.Add(e);
            s = ExperimentState.Evolve(s, e);
        }

        if (o.ClusterKnown && (s.Cluster.Since is not { } clusterSince || o.At > clusterSince) && (!s.Cluster.Known || s.Cluster.Status != o.ClusterStatus))
            Emit(new ClusterStatusChanged(s.Id, s.ClusterName, o.ClusterStatus, now, Callers.System));

        var clusterGone = o.ClusterKnown && o.ClusterStatus is null or SkyClusterStatus.Stopped;
        var queueAnswered = o.QueueKnown && o.ClusterKnown && o.ClusterStatus == SkyClusterStatus.Up;
        foreach (var job in s.Jobs.Where(j => j.IsLive).ToList())
        {
            var seen = o.Jobs.FirstOrDefault(x => x.Name == job.JobId)
                       ?? (job.SkyJobId is { } id ? o.Jobs.FirstOrDefault(x => x.JobId == id && x.Name is "" or "-") : null);
            if (seen is not null)
            {
                if (job.Phase == JobPhase.Requested)
                    Emit(new JobLaunched(s.Id, job.JobId, seen.JobId, inFlight != SkyActionKind.Launch, now, Callers.System));
                if (seen.Status is { } status && (status != job.Status || job.SkyJobId != seen.JobId))
                    Emit(new JobStatusChanged(s.Id, job.JobId, seen.JobId, status, seen.StartedAt, status.IsTerminal() ? seen.EndedAt ?? now : null, now, Callers.System));
                continue;
            }

            if (job.Phase == JobPhase.Requested)
            {
                // A launch still queued for a process slot never started: the plan resumes or withdraws it.
                if (job.NeverStarted) continue;
                // An interrupted launch: adopt it if it shows up within the grace; after that it is lost whatever state
                // it left the cluster in (INIT included — `sky launch -c` on an INIT cluster provisions it again).
                if (inFlight == SkyActionKind.Launch || !o.ClusterKnown || o.At < job.RequestedAt + settings.AdoptGrace) continue;
                Emit(new JobLost(s.Id, job.JobId, o.ClusterStatus switch
                {
                    null => "the launch was interrupted and no cluster exists",
                    SkyClusterStatus.Up => "the launch was interrupted and SkyPilot never received the job",
                    var status => $"the launch was interrupted and left the cluster {status.Value.ToSkyString()}",
                }, now, Callers.System, LossCause.LaunchInterrupted));
                continue;
            }

            if (o.At <= (job.SubmittedAt ?? job.RequestedAt)) continue;
            if (clusterGone)
                Emit(new JobLost(s.Id, job.JobId, o.ClusterStatus is null ? "the cluster no longer exists" : "the cluster was stopped", now, Callers.System,
                    o.ClusterStatus is null ? LossCause.ClusterGone : LossCause.ClusterStopped));
            else if (queueAnswered)
                Emit(new JobLost(s.Id, job.JobId,
                    "SkyPilot's job queue no longer lists the job",
                    now, Callers.System, LossCause.DroppedFromQueue));
        }

        // The run's last job, given up as lost, is running after all and nothing else is live: adopt it again.
        if (queueAnswered && s.EffectiveDesired == DesiredState.Running && !s.LiveJobs.Any()
            && s.LatestJob is { Phase: JobPhase.Lost, CancelRequestedAt: null } latest && latest.Run == s.Run && latest.Generation == s.Generation
            && o.At > (latest.EndedAt ?? latest.RequestedAt)
            && o.Jobs.FirstOrDefault(x => x.Name == latest.JobId && x.Status is { } st && !st.IsTerminal()) is { Status: { } backStatus } back)
            Emit(new JobRecovered(s.Id, latest.JobId, back.JobId, backStatus, now, Callers.System,
                $"SkyPilot lists the job as {backStatus.ToSkyString()} after it was recorded lost ({latest.Reason}); adopted again"));
        return s;
    }

    /// <summary>
    /// Never two live jobs: a job of this experiment that SkyPilot runs on its cluster but SkyDeck does not count as live
    /// (lost, superseded, or never recorded) is cancelled, with a recorded intent. Jobs under other names are left alone.
    /// </summary>
    private static (SkyCommand? Action, DateTimeOffset? WakeAt)? PlanStrayCancel(
        ExperimentState s, ClusterObservation? o, DateTimeOffset now, ReconcileSettings settings, List<IExperimentEvent> events)
    {
        if (o is not { ClusterKnown: true, QueueKnown: true, ClusterStatus: SkyClusterStatus.Up }) return null;
        foreach (var seen in o.Jobs.Where(j => j.Status is { } st && !st.IsTerminal() && Naming.ExperimentOfJob(j.Name) == s.Id))
        {
            if (s.LiveJobs.Any(j => j.JobId == seen.Name || j.SkyJobId == seen.JobId)) continue;
            if (Gate(s.LastAction, SkyActionKind.Cancel, seen.Name, null, now, s.Id, settings) is { } waitUntil) return (null, waitUntil);
            var recorded = s.FindJob(seen.Name) is { } record ? $"recorded as {record.Phase.ToString().ToLowerInvariant()}" : "with no record";
            events.Add(new JobCancelRequested(s.Id, seen.Name, now, Callers.System,
                $"SkyPilot runs job {seen.JobId} ({seen.Status!.Value.ToSkyString()}), which SkyDeck has {recorded}: cancelled so that no second job runs"));
            return (new SkyCommand.Cancel(seen.Name, s.ClusterName, seen.JobId), null);
        }

        return null;
    }

    private static (SkyCommand?, DateTimeOffset?) PlanRunning(ExperimentState s, DateTimeOffset now, ReconcileSettings settings, List<IExperimentEvent> events)
    {
        foreach (var job in s.LiveJobs.Where(j => j.Run != s.Run || j.CancelRequestedAt is not null))
        {
            var reason = job.CancelRequestedAt is null ? "superseded by a new run" : "cancel requested";
            var cancel = PlanCancel(s, job, now, settings, events, reason);
            if (cancel.Action is not null || cancel.WakeAt is not null) return cancel;
        }

        var requested = s.LiveJobs.FirstOrDefault(j => j.Phase == JobPhase.Requested);
        if (requested is { NeverStarted: true })
        {
            // Plan is only asked with nothing in flight, so a launch still marked queued was cut off by a restart.
            events.Add(new JobLaunchResumed(s.Id, requested.JobId, now, Callers.System, "sky launch never started: SkyDeck stopped while it waited for a sky process slot"));
            return (new SkyCommand.Launch(requested.JobId, requested.Cluster, requested.Command, requested.Resources), null);
        }

        if (requested is not null)
        {
            // Adoption (or loss) is decided by the next observation; past the grace there is nothing to wake up for.
            var graceEnds = requested.RequestedAt + settings.AdoptGrace;
            return (null, graceEnds > now ? graceEnds : null);
        }
        if (s.LiveJobs.Any()) return (null, null);

        var run = RunAssessment.Of(s, settings);
        switch (run.Status)
        {
            case RunStatus.BackingOff when run.RetryAt > now:
                return (null, run.RetryAt);
            case RunStatus.Failed when s.StoppedRun != s.Run:
                events.Add(new RetriesStopped(s.Id, s.Run, run.StopCause ?? "max_restarts", run.Reason ?? "gave up", now, Callers.System));
                return PlanIdleCluster(s with { StoppedRun = s.Run }, run, now, settings, events);
            case RunStatus.Succeeded or RunStatus.Failed:
                return PlanIdleCluster(s, run, now, settings, events);
            case RunStatus.Active:
                return (null, null);
        }

        var spec = s.Spec!;
        var launchNumber = s.LaunchCount + 1;
        var jobId = Naming.Job(s.Id, s.Generation, launchNumber);
        var command = RemoteCommand.Build(spec);
        var autostop = spec.ResolvedAutostopMinutes(settings.AutostopMinutes);
        var resources = new LaunchResources(
            spec.Nodes,
            Gpus: null,
            Infra: null,
            spec.UseSpot,
            spec.Cloud,
            spec.Cloud is null ? null : spec.Region,
            autostop,
            autostop > 0 && spec.AutostopDown,
            spec.Gpus > 0 ? spec.Accelerator ?? settings.DefaultAccelerator : null,
            spec.Gpus);

        // SkyPilot refuses to relaunch an existing cluster with other resources (ResourcesMismatchError): tear it down first.
        if (ClusterResourcesChange(s, resources) is { } change)
            return PlanClusterAction(s, down: true, ClusterLaunchedAt(s), change, now, settings, events);

        var attempt = run.Attempts + 1;
        var why = attempt == 1 ? "desired state is RUNNING" : $"attempt {attempt} after: {s.JobsOfCurrentRun.Last().Reason}";
        var intent = new JobLaunchRequested(s.Id, jobId, s.ClusterName, s.Generation, s.Run, attempt, command, resources, now, Callers.System, why);
        events.Add(intent);
        return (new SkyCommand.Launch(jobId, s.ClusterName, command, resources), null);
    }

    /// <summary>
    /// The newest finished job whose output has not been kept yet, while its cluster is up: read its tail before anything
    /// else (a relaunch, a stop or a teardown) so that it survives the cluster, and so that the exit code is known before
    /// the retry policy decides. A job that was lost (its cluster preempted) has no logs left to read.
    /// </summary>
    public static SkyCommand? LogToKeep(ExperimentState s, ReconcileSettings settings)
    {
        if (settings.LogTailLines <= 0 || s.Cluster.Status != SkyClusterStatus.Up) return null;
        return s.LatestJob is { Phase: JobPhase.Submitted, Log: LogKeeping.None, SkyJobId: { } skyJobId, Status: { } status } job && status.IsTerminal()
            ? new SkyCommand.Logs(job.JobId, job.Cluster, skyJobId, settings.LogTailLines)
            : null;
    }

    /// <summary>
    /// The run is over (succeeded or given up on): once the cluster has been idle for the autostop time, stop it (or tear
    /// it down), so it stops costing money even where SkyPilot's own autostop was not set.
    /// </summary>
    private static (SkyCommand?, DateTimeOffset?) PlanIdleCluster(
        ExperimentState s, RunAssessment run, DateTimeOffset now, ReconcileSettings settings, List<IExperimentEvent> events)
    {
        if (!HasIdleCluster(s, settings) || s.JobsOfCurrentRun.Select(j => j.FinishedAt).Max() is not { } finishedAt) return (null, null);
        var minutes = s.Spec!.ResolvedAutostopMinutes(settings.AutostopMinutes);
        var idleUntil = finishedAt + TimeSpan.FromMinutes(minutes);
        if (now < idleUntil) return (null, idleUntil);
        var outcome = run.Status == RunStatus.Succeeded ? "the run succeeded" : "the run was given up on";
        var down = s.Spec.AutostopDown;
        return PlanClusterAction(s, down, idleUntil, $"{outcome} and the cluster has been idle for {minutes} min (autostop{(down ? " --down" : "")})", now, settings, events);
    }

    /// <summary>Autostop is on and a cluster that SkyPilot really ran a job on (not just a launch intent) may still be up.</summary>
    private static bool HasIdleCluster(ExperimentState s, ReconcileSettings settings) =>
        s.Spec!.ResolvedAutostopMinutes(settings.AutostopMinutes) > 0 && s.Cluster.MayBeRunning && s.Jobs.Any(j => j.SubmittedAt is not null);

    /// <summary>
    /// Why the cluster must go before <paramref name="next"/> can launch on it: it exists and its last launch asked for
    /// other resources, or SkyPilot just refused a launch on it as mismatched. Null: launch on it as it is.
    /// </summary>
    private static string? ClusterResourcesChange(ExperimentState s, LaunchResources next)
    {
        if (!s.Cluster.Known || s.Cluster.Status is null) return null;
        if (s.JobsOfCurrentRun.LastOrDefault() is { Phase: JobPhase.LaunchFailed, FailureKind: SkyFailureKind.ResourcesMismatch } refused)
            return $"SkyPilot refused to relaunch the cluster with other resources ({refused.Reason}); tearing it down before launching {next.Describe()}";
        var last = s.Jobs.LastOrDefault(j => j.SubmittedAt is not null)?.Resources;
        return last is not null && !last.SameClusterAs(next)
            ? $"resources changed from {last.Describe()} to {next.Describe()}: SkyPilot cannot relaunch the cluster with other resources, so it is torn down first"
            : null;
    }

    /// <summary>When the cluster was last launched on (the intent time of a teardown that must follow it).</summary>
    private static DateTimeOffset ClusterLaunchedAt(ExperimentState s) =>
        s.Jobs.LastOrDefault(j => j.SubmittedAt is not null)?.RequestedAt ?? s.Cluster.Since ?? DateTimeOffset.MinValue;

    /// <summary>
    /// A launch cut off while queued (it never started) that is no longer wanted as it is — the run or the spec moved
    /// on, or the experiment should not run — is withdrawn: cancelled by SkyDeck (so it costs no attempt) and lost.
    /// </summary>
    private static ExperimentState WithdrawStaleQueuedLaunches(ExperimentState s, DateTimeOffset now, List<IExperimentEvent> events)
    {
        foreach (var job in s.Jobs.Where(j => j.NeverStarted).ToList())
        {
            var why = s.EffectiveDesired != DesiredState.Running ? ShutdownReason(s)
                : job.Run != s.Run ? "superseded by a new run"
                : job.Generation != s.Generation ? $"the spec changed to generation {s.Generation}"
                : null;
            if (why is null) continue;
            foreach (var e in new IExperimentEvent[]
                     {
                         new JobCancelRequested(s.Id, job.JobId, now, Callers.System, why),
                         new JobLost(s.Id, job.JobId, $"sky launch never started (SkyDeck stopped while it waited for a sky process slot); withdrawn: {why}", now, Callers.System, LossCause.Withdrawn),
                     })
            {
                events.Add(e);
                s = ExperimentState.Evolve(s, e);
            }
        }
        return s;
    }

    private static (SkyCommand?, DateTimeOffset?) PlanShutdown(ExperimentState s, DateTimeOffset now, ReconcileSettings settings, List<IExperimentEvent> events)
    {
        var reason = ShutdownReason(s);
        foreach (var job in s.LiveJobs.Where(j => j.SkyJobId is not null && (j.CancelRequestedAt is null || j.CancelOutstanding)))
        {
            if (job.CancelRequestedAt is null) events.Add(new JobCancelRequested(s.Id, job.JobId, now, Callers.System, reason));
            return (new SkyCommand.Cancel(job.JobId, job.Cluster, job.SkyJobId!.Value), null);
        }

        // Give SkyPilot a moment to confirm the cancel (so the job ends CANCELLED, not lost); the cluster action kills it anyway.
        var clusterStillUp = s.Cluster.Status is SkyClusterStatus.Up;
        var unconfirmed = s.LiveJobs.Where(j => j.CancelSentAt is { } sent && now < sent + settings.ConfirmWindow).Select(j => j.CancelSentAt!.Value).ToList();
        if (clusterStillUp && unconfirmed.Count > 0) return (null, unconfirmed.Min() + settings.ConfirmWindow);

        var down = s.EffectiveDesired == DesiredState.Terminated;
        var reached = s.Cluster.Known
            ? down ? s.Cluster.Status is null : s.Cluster.Status is null or SkyClusterStatus.Stopped
            : s.Jobs.IsEmpty;
        if (reached && !s.LiveJobs.Any()) return (null, null);

        return PlanClusterAction(s, down, s.DesiredSince, reason, now, settings, events);
    }

    /// <summary>
    /// Stop (or, with <paramref name="down"/>, tear down) the cluster, gated on the last such action. A cluster SkyPilot
    /// refused to stop (its cloud cannot) is torn down instead, and the intent says so.
    /// </summary>
    private static (SkyCommand?, DateTimeOffset?) PlanClusterAction(
        ExperimentState s, bool down, DateTimeOffset intentAt, string reason, DateTimeOffset now, ReconcileSettings settings, List<IExperimentEvent> events)
    {
        if (!down && s.Cluster.CannotStop)
        {
            down = true;
            reason = $"{reason}; SkyPilot cannot stop this cluster ({s.LastAction?.LastFailure ?? "stop not supported"}), so it is torn down instead";
        }

        var kind = down ? SkyActionKind.Down : SkyActionKind.Stop;
        if (Gate(s.LastAction, kind, s.ClusterName, intentAt, now, s.Id, settings) is { } waitUntil) return (null, waitUntil);
        events.Add(new ClusterActionRequested(s.Id, s.ClusterName, down ? ClusterAction.Down : ClusterAction.Stop, now, Callers.System, reason));
        return (down ? new SkyCommand.Down(s.ClusterName) : new SkyCommand.Stop(s.ClusterName), null);
    }

    private static string ShutdownReason(ExperimentState s) =>
        s.Deleted ? "experiment deleted"
        : s.BudgetStop is { } stop && s.Desired == DesiredState.Stopped ? stop.Describe()
        : $"desired state is {s.EffectiveDesired.ToApi()}";

    private static (SkyCommand? Action, DateTimeOffset? WakeAt) PlanCancel(
        ExperimentState s, JobRecord job, DateTimeOffset now, ReconcileSettings settings, List<IExperimentEvent> events, string reason)
    {
        if (job.SkyJobId is not { } skyJobId) return (null, null);
        if (Gate(s.LastAction, SkyActionKind.Cancel, job.JobId, job.CancelRequestedAt, now, s.Id, settings) is { } waitUntil) return (null, waitUntil);
        var retry = s.LastAction is { Action: SkyActionKind.Cancel } a && a.Target == job.JobId && job.CancelRequestedAt is { } asked && a.At >= asked;
        if (job.CancelRequestedAt is null || retry)
            events.Add(new JobCancelRequested(s.Id, job.JobId, now, Callers.System, retry ? "cancel not confirmed by SkyPilot; retrying" : reason));
        return (new SkyCommand.Cancel(job.JobId, job.Cluster, skyJobId), null);
    }

    /// <summary>
    /// Null: run the action now. Otherwise wait until the returned time: it ran after the latest intent and awaits
    /// confirmation by observation, or it failed and is backing off.
    /// </summary>
    private static DateTimeOffset? Gate(PendingAction? last, SkyActionKind kind, string target, DateTimeOffset? intentAt, DateTimeOffset now, string id, ReconcileSettings settings)
    {
        if (last is null || last.Action != kind || last.Target != target) return null;
        if (intentAt is { } intent && last.At < intent) return null;
        var until = last.Failures > 0 && !last.InProgress
            ? last.At + Backoff.Delay(last.Failures, id, settings)
            : last.At + settings.ConfirmWindow;
        return now < until ? until : null;
    }
}
