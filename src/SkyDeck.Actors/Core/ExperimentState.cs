using System.Collections.Immutable;

namespace SkyDeck.Actors.Core;

/// <summary>What SkyDeck last recorded about the experiment's cluster.</summary>
/// <param name="Known">False until a launch or an observation told us anything.</param>
/// <param name="Status">Null with <paramref name="Known"/>: the cluster does not exist.</param>
/// <param name="CannotStop">SkyPilot skipped a <c>sky stop</c> of this cluster (its cloud cannot stop it): only a teardown releases it. Forgotten once the cluster is gone.</param>
public sealed record ClusterState(bool Known, SkyClusterStatus? Status, DateTimeOffset? Since, bool CannotStop = false)
{
    public static readonly ClusterState Unknown = new(false, null, null);

    /// <summary>Could be costing money: up, starting, stopping, or not known to be gone.</summary>
    public bool MayBeRunning => Status is SkyClusterStatus.Up or SkyClusterStatus.Init or SkyClusterStatus.Pending or SkyClusterStatus.Autostopping;

    public bool MayExist => !Known || Status is not null;
}

/// <summary>The last cancel / stop / down SkyDeck ran: when it last started or ended, and how many in a row have failed.</summary>
public sealed record PendingAction(SkyActionKind Action, string Target, DateTimeOffset At, bool InProgress, int Failures, string? LastFailure);

/// <summary>The budget stop in force: when it happened and what had been used of which budget.</summary>
public sealed record BudgetStop(DateTimeOffset At, Budget Budget, double GpuHours, double? Usd)
{
    public string Describe() => $"budget reached: {Budget.DescribeUse(GpuHours, Usd)}";
}

/// <summary>The fold of an experiment's events. Immutable; <see cref="Evolve"/> is the only way to a new one.</summary>
public sealed record ExperimentState(
    string Id,
    bool Exists,
    ExperimentSpec? Spec,
    DesiredState Desired,
    DateTimeOffset DesiredSince,
    int Generation,
    int Run,
    bool Deleted,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    ImmutableList<JobRecord> Jobs,
    ClusterState Cluster,
    PendingAction? LastAction,
    int LaunchCount,
    long Version,
    int StoppedRun = 0) : ISkyDeckJournaled
{
    /// <summary>Who started the current run (created it running, set it RUNNING, or restarted it): the user its jobs are for.</summary>
    public string? RunBy { get; init; }

    /// <summary>Every time the cluster may have cost money, oldest first (see <see cref="ClusterSpan"/>).</summary>
    public ImmutableList<ClusterSpan> ClusterSpans { get; init; } = [];

    /// <summary>Set while the experiment is STOPPED because it reached its budget.</summary>
    public BudgetStop? BudgetStop { get; init; }

    public static ExperimentState Empty(string id) =>
        new(id, false, null, DesiredState.Stopped, default, 0, 0, false, default, default, [], ClusterState.Unknown, null, 0, 0);

    public string ClusterName => Naming.Cluster(Id);

    public DesiredState EffectiveDesired => Deleted ? DesiredState.Terminated : Desired;

    public JobRecord? LatestJob => Jobs.IsEmpty ? null : Jobs[^1];

    public IEnumerable<JobRecord> LiveJobs => Jobs.Where(j => j.IsLive);

    public IEnumerable<JobRecord> JobsOfCurrentRun => Jobs.Where(j => j.Run == Run);

    public JobRecord? FindJob(string jobId) => Jobs.FirstOrDefault(j => j.JobId == jobId);

    public static ExperimentState Evolve(ExperimentState s, IExperimentEvent e)
    {
        var next = e switch
        {
            ExperimentCreated x => s with
            {
                Exists = true, Spec = x.Spec, Desired = x.Desired, DesiredSince = x.At, Generation = 1,
                Run = x.Desired == DesiredState.Running ? 1 : 0, CreatedAt = x.At, RunBy = x.Who,
            },
            SpecUpdated x => s with { Spec = x.Spec, Generation = x.Generation },
            DesiredStateChanged x => s with
            {
                Desired = x.Desired,
                DesiredSince = x.At,
                Run = x.Desired == DesiredState.Running && s.Desired != DesiredState.Running ? s.Run + 1 : s.Run,
                RunBy = x.Desired == DesiredState.Running && s.Desired != DesiredState.Running ? x.Who : s.RunBy,
                BudgetStop = x.Desired == DesiredState.Running ? null : s.BudgetStop,
            },
            RunRestarted x => s with { Run = x.Run, DesiredSince = x.At, RunBy = x.Who, BudgetStop = null },
            BudgetReached x => s with
            {
                Desired = DesiredState.Stopped, DesiredSince = x.At, BudgetStop = new BudgetStop(x.At, x.Budget, x.GpuHours, x.Usd),
            },
            ExperimentDeleted x => s with { Deleted = true, DesiredSince = x.At },
            ExperimentRestored x => s with { Deleted = false, DesiredSince = x.At },
            JobLaunchRequested x => s with
            {
                LaunchCount = s.LaunchCount + 1,
                Jobs = s.Jobs.Add(new JobRecord(x.JobId, x.Cluster, x.Generation, x.Run, x.Attempt, x.Command, x.Resources, JobPhase.Requested, x.At, LaunchedBy: s.RunBy)),
                Cluster = s.Cluster.MayBeRunning ? s.Cluster : s.Cluster with { Known = true, Status = SkyClusterStatus.Init, Since = x.At },
            },
            JobLaunchQueued x => WithJob(s, x.JobId, j => j with { WaitingForSlot = true }),
            JobLaunchDispatched x => WithJob(s, x.JobId, j => j with { WaitingForSlot = false }),
            JobLaunchResumed x => WithJob(s, x.JobId, j => j with { WaitingForSlot = false }),
            JobLaunched x => WithJob(s, x.JobId, j => j with
            {
                Phase = JobPhase.Submitted,
                SkyJobId = x.SkyJobId ?? j.SkyJobId,
                SubmittedAt = j.SubmittedAt ?? x.At,
                Status = j.Status ?? SkyJobStatus.Pending,
                Reason = j.Phase == JobPhase.Requested ? null : j.Reason,
            }) with { Cluster = s.Cluster.Status == SkyClusterStatus.Up ? s.Cluster : s.Cluster with { Known = true, Status = SkyClusterStatus.Up, Since = x.At } },
            JobLaunchFailed x => WithJob(s, x.JobId, j => j with { Phase = JobPhase.LaunchFailed, FailureKind = x.Kind, Reason = x.Reason, EndedAt = x.At }),
            JobStatusChanged x => WithJob(s, x.JobId, j => j with
            {
                Phase = JobPhase.Submitted,
                SkyJobId = x.SkyJobId,
                Status = x.Status,
                SubmittedAt = j.SubmittedAt ?? x.At,
                StartedAt = x.StartedAt ?? j.StartedAt,
                EndedAt = x.EndedAt ?? (x.Status.IsTerminal() ? j.EndedAt ?? x.At : null),
                Reason = x.Status.IsFailure() ? $"SkyPilot reported {x.Status.ToSkyString()}" : j.Reason,
            }),
            // The last status SkyPilot reported no longer holds: a job cancelled by SkyDeck went with its cluster, any other is unknown.
            JobLost x => WithJob(s, x.JobId, j => j with
            {
                Phase = JobPhase.Lost, Reason = x.Reason, EndedAt = j.EndedAt ?? x.At, LossCause = x.Cause,
                Status = j.Status is not { } last || last.IsTerminal() ? j.Status : j.CancelRequestedAt is not null ? SkyJobStatus.Cancelled : null,
            }),
            // A cancel of a job SkyDeck no longer counts as live (a lost job still in SkyPilot's queue) leaves its record as it ended.
            JobCancelRequested x => WithJob(s, x.JobId, j => j.IsLive ? j with { CancelRequestedAt = x.At, CancelledBy = j.CancelledBy ?? x.Who } : j),
            JobRecovered x => WithJob(s, x.JobId, j => j with
            {
                Phase = JobPhase.Submitted, SkyJobId = x.SkyJobId, Status = x.Status, EndedAt = null, Reason = null, FailureKind = null, LossCause = null,
                SubmittedAt = j.SubmittedAt ?? x.At,
            }),
            ClusterActionRequested x => s with
            {
                LastAction = new PendingAction(
                    x.Action == ClusterAction.Stop ? SkyActionKind.Stop : SkyActionKind.Down, x.Cluster, x.At, true,
                    Same(s.LastAction, x.Action == ClusterAction.Stop ? SkyActionKind.Stop : SkyActionKind.Down, x.Cluster) ? s.LastAction!.Failures : 0,
                    s.LastAction?.LastFailure),
            },
            SkyActionCompleted x => CancelSent(s, x.Action, x.Target, x.At) with { LastAction = new PendingAction(x.Action, x.Target, x.At, false, 0, null) },
            // A launch killed at its timeout stays requested (it may still appear); the job says why it waits.
            SkyActionFailed { Action: SkyActionKind.Launch } x => WithJob(s, x.Target, j => j.Phase == JobPhase.Requested ? j with { Reason = x.Reason } : j),
            SkyActionFailed x => CancelSent(s, x.Action, x.Target, x.At) with
            {
                LastAction = new PendingAction(x.Action, x.Target, x.At, false, (Same(s.LastAction, x.Action, x.Target) ? s.LastAction!.Failures : 0) + 1, x.Reason),
                Cluster = x is { Action: SkyActionKind.Stop, Kind: SkyFailureKind.StopUnsupported } ? s.Cluster with { CannotStop = true } : s.Cluster,
            },
            JobLogCaptured x => WithJob(s, x.JobId, j => j with
            {
                Log = x.Unavailable is null ? LogKeeping.Kept : LogKeeping.Unavailable,
                LogUnavailable = x.Unavailable,
                ExitCode = x.ExitCode ?? j.ExitCode,
            }),
            RetriesStopped x => s with { StoppedRun = x.Run },
            ClusterStatusChanged x => s with { Cluster = new ClusterState(true, x.Status, x.At, x.Status is not null && s.Cluster.CannotStop) },
            ClusterSpanCorrected x when x.Span >= 0 && x.Span < s.ClusterSpans.Count => CorrectSpan(s, x),
            ClusterSpanCorrected => s,
            _ => throw new InvalidOperationException($"Evolve does not know {e.GetType().Name}"),
        };
        return TrackClusterSpans(next, e.At) with { UpdatedAt = e.At > s.UpdatedAt ? e.At : s.UpdatedAt, Version = s.Version + 1 };
    }

    /// <summary>A span opens when the cluster starts to maybe cost money (with the latest launch's resources) and closes when it stops.</summary>
    private static ExperimentState TrackClusterSpans(ExperimentState after, DateTimeOffset at)
    {
        var open = after.ClusterSpans.LastOrDefault() is { To: null };
        if (after.Cluster.MayBeRunning && !open && after.LatestJob is { } job)
            return after with { ClusterSpans = after.ClusterSpans.Add(new ClusterSpan(at, null, job.Resources, job.LaunchedBy ?? after.RunBy ?? Callers.System)) };
        if (!after.Cluster.MayBeRunning && open)
            return after with { ClusterSpans = after.ClusterSpans.SetItem(after.ClusterSpans.Count - 1, after.ClusterSpans[^1] with { To = at }) };
        return after;
    }

    /// <summary>
    /// The span as SkyPilot recorded it (an open one stays open). A span that ended before SkyDeck saw it end also ends
    /// the jobs lost with it there: no job ran on after its cluster was gone (one that began within SkyPilot's whole
    /// second of the end ends as it began).
    /// </summary>
    private static ExperimentState CorrectSpan(ExperimentState s, ClusterSpanCorrected x)
    {
        var span = s.ClusterSpans[x.Span];
        var corrected = span with { From = x.From, To = span.To is null ? null : x.To ?? span.To };
        if (corrected.To is not { } end || span.To is not { } seen || end >= seen)
            return s with { ClusterSpans = s.ClusterSpans.SetItem(x.Span, corrected) };
        var jobs = s.Jobs.Select(j => j is { Phase: JobPhase.Lost, LossCause: LossCause.ClusterGone or LossCause.ClusterStopped, EndedAt: { } ended }
                                      && ended > end && (j.StartedAt ?? j.SubmittedAt ?? j.RequestedAt) is var began && began >= span.From
                                      && began < end + ClusterLifetimes.Resolution
            ? j with { EndedAt = began > end ? began : end }
            : j);
        return s with { ClusterSpans = s.ClusterSpans.SetItem(x.Span, corrected), Jobs = [.. jobs] };
    }

    private static bool Same(PendingAction? action, SkyActionKind kind, string target) =>
        action is not null && action.Action == kind && action.Target == target;

    private static ExperimentState CancelSent(ExperimentState s, SkyActionKind action, string target, DateTimeOffset at) =>
        action == SkyActionKind.Cancel ? WithJob(s, target, j => j with { CancelSentAt = at }) : s;

    private static ExperimentState WithJob(ExperimentState s, string jobId, Func<JobRecord, JobRecord> change)
    {
        var index = s.Jobs.FindLastIndex(j => j.JobId == jobId);
        return index < 0 ? s : s with { Jobs = s.Jobs.SetItem(index, change(s.Jobs[index])) };
    }
}
