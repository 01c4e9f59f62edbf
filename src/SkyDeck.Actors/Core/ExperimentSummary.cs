using System.Collections.Immutable;

namespace SkyDeck.Actors.Core;

/// <summary>A job as the table and the API show it.</summary>
public sealed record JobView(
    string JobId,
    long? SkyJobId,
    string Cluster,
    int Generation,
    int Run,
    int Attempt,
    string Command,
    JobPhase Phase,
    SkyJobStatus? Status,
    string? Reason,
    DateTimeOffset RequestedAt,
    DateTimeOffset? SubmittedAt,
    DateTimeOffset? StartedAt,
    DateTimeOffset? EndedAt,
    DateTimeOffset? CancelRequestedAt,
    string? CancelledBy,
    LaunchResources? Resources = null,
    string? Who = null,
    AttemptCause? Cause = null,
    LogKeeping Log = LogKeeping.None,
    string? LogUnavailable = null,
    LossCause? LossCause = null)
{
    /// <summary>SkyPilot's JobExitCode for the job's status (0 succeeded, 100 failed, 101 not finished, 103 cancelled); SkyPilot does not report the process's own exit code.</summary>
    public int? SkyExitCode => Status switch
    {
        null => null,
        SkyJobStatus.Succeeded => 0,
        SkyJobStatus.Cancelled => 103,
        { } s when s.IsFailure() => 100,
        _ => 101,
    };

    /// <summary>Requested, or submitted and not finished: as <see cref="JobRecord.IsLive"/>.</summary>
    public bool IsLive => JobRecord.IsLiveIn(Phase, Status);

    public static JobView From(JobRecord j) => new(
        j.JobId, j.SkyJobId, j.Cluster, j.Generation, j.Run, j.Attempt, j.Command, j.Phase, j.Status, j.Reason,
        j.RequestedAt, j.SubmittedAt, j.StartedAt, j.EndedAt, j.CancelRequestedAt, j.CancelledBy, j.Resources, j.LaunchedBy, j.Cause, j.Log, j.LogUnavailable, j.LossCause);
}

/// <summary>One attempt of a run in the table's strip: <c>succeeded</c>, <c>live</c>, or a failure class (with its exit code).</summary>
public sealed record AttemptMark(int Attempt, string Outcome, int? ExitCode, bool SpentRestart);

/// <summary>The current run's attempts, oldest first (at most <see cref="MaxMarks"/>, the newest), compared by content.</summary>
public sealed record AttemptStrip(ImmutableArray<AttemptMark> Marks)
{
    public const int MaxMarks = 12;

    public static readonly AttemptStrip Empty = new(ImmutableArray<AttemptMark>.Empty);

    public ImmutableArray<AttemptMark> Marks { get; init; } = Marks.IsDefault ? [] : Marks;

    public static AttemptStrip Of(ExperimentState s)
    {
        var policy = s.Spec?.ResolvedRetry ?? RetryPolicy.Default;
        var jobs = s.JobsOfCurrentRun.ToList();
        return new([.. jobs.Skip(Math.Max(0, jobs.Count - MaxMarks)).Select(j => new AttemptMark(
            j.Attempt,
            j.Cause is { } cause ? AttemptCause.ToApi(cause.Class) : j.Succeeded ? "succeeded" : "live",
            j.Cause?.ExitCode,
            RunAssessment.SpendsRestart(j, policy)))]);
    }

    public bool Equals(AttemptStrip? other) => other is not null && Marks.SequenceEqual(other.Marks);

    public override int GetHashCode() => Marks.Length;
}

/// <summary>
/// One row of the read model: everything the table shows about an experiment. Experiment actors push a new one on
/// every change, so listing never asks thousands of actors.
/// </summary>
public sealed record ExperimentSummary(
    string Id,
    ExperimentSpec Spec,
    DesiredState Desired,
    CurrentState Current,
    int Generation,
    int Run,
    bool Deleted,
    JobView? CurrentJob,
    SkyClusterStatus? ClusterStatus,
    bool ClusterKnown,
    bool NeedsRestart,
    string? Message,
    DateTimeOffset? RetryAt,
    int JobCount,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    long Version,
    AttemptStrip? Attempts = null,
    int RestartsUsed = 0,
    int MaxRestarts = 0)
{
    /// <summary>
    /// Whether news that the cluster is absent matters (so the manager fans it out): the cluster may exist, or a job may
    /// be live. A finished job on a cluster known to be gone needs no word every poll.
    /// </summary>
    public bool Watching => ClusterKnown ? ClusterStatus is not null || CurrentJob is { IsLive: true } : JobCount > 0;

    /// <summary><see cref="Reconciler.IsAtRest"/> when the summary was made: the experiment needs no actor until a message comes.</summary>
    public bool AtRest { get; init; }

    /// <summary>Every job and cluster span: the all-jobs list and the cost totals read them here, never from the actors.</summary>
    public UsageLedger Ledger { get; init; } = UsageLedger.Empty;

    /// <summary>Set while STOPPED by the budget.</summary>
    public BudgetStop? BudgetStop { get; init; }

    public static ExperimentSummary From(ExperimentState s, ClusterObservation? observation, ReconcileSettings settings)
    {
        var current = CurrentStates.Derive(s, observation, settings);
        var run = RunAssessment.Of(s, settings);
        var latest = s.LatestJob;
        var liveCurrent = s.LiveJobs.LastOrDefault();
        var job = liveCurrent ?? latest;
        // The current job is one of the ledger's: the same instance, not a copy.
        ImmutableArray<JobView> ledger = [.. s.Jobs.Select(JobView.From)];
        var jobIndex = job is null ? -1 : s.Jobs.FindLastIndex(j => ReferenceEquals(j, job));
        var needsRestart = liveCurrent is not null && liveCurrent.Generation < s.Generation;
        string? message = current switch
        {
            CurrentState.Unknown => $"SkyPilot could not be asked about {s.ClusterName}: {observation?.Error}",
            CurrentState.Retrying => $"attempt {run.Attempts} ended — {run.Reason}; retrying at {run.RetryAt:yyyy-MM-dd HH:mm:ss} UTC",
            CurrentState.Failed => run.Reason,
            CurrentState.Launching when liveCurrent is { Phase: JobPhase.Requested, Reason: { } waitingWhy } =>
                $"{waitingWhy}; waiting until {liveCurrent.RequestedAt + settings.AdoptGrace:yyyy-MM-dd HH:mm:ss} UTC for the job to appear before relaunching",
            _ when s.BudgetStop is { } stop && s.Desired == DesiredState.Stopped && !s.Deleted => stop.Describe(),
            _ when needsRestart => "flags changed while running — restart to apply",
            _ => null,
        };
        return new ExperimentSummary(
            s.Id, s.Spec!, s.Desired, current, s.Generation, s.Run, s.Deleted,
            jobIndex >= 0 ? ledger[jobIndex] : job is null ? null : JobView.From(job),
            s.Cluster.Status, s.Cluster.Known, needsRestart, message,
            current == CurrentState.Retrying ? run.RetryAt : null,
            s.Jobs.Count, s.CreatedAt, s.UpdatedAt, s.Version,
            AttemptStrip.Of(s), run.Failures, (s.Spec?.ResolvedRetry ?? RetryPolicy.Default).ResolvedMaxRestarts(settings.MaxRestarts))
        {
            AtRest = Reconciler.IsAtRest(s, settings),
            Ledger = new UsageLedger(ledger, [.. s.ClusterSpans]),
            BudgetStop = s.Desired == DesiredState.Stopped ? s.BudgetStop : null,
        };
    }
}

/// <summary>
/// Every job of an experiment (oldest first) and every span its cluster may have cost money, compared by value, so a
/// summary rebuilt with nothing changed stays equal to the one pushed before (the actor pushes only changes).
/// </summary>
public sealed record UsageLedger(ImmutableArray<JobView> Jobs, ImmutableArray<ClusterSpan> ClusterSpans)
{
    public static readonly UsageLedger Empty = new([], []);

    public ImmutableArray<JobView> Jobs { get; init; } = Jobs.IsDefault ? [] : Jobs;

    public ImmutableArray<ClusterSpan> ClusterSpans { get; init; } = ClusterSpans.IsDefault ? [] : ClusterSpans;

    public bool Equals(UsageLedger? other) =>
        other is not null && Jobs.SequenceEqual(other.Jobs) && ClusterSpans.SequenceEqual(other.ClusterSpans);

    public override int GetHashCode() => HashCode.Combine(Jobs.Length, ClusterSpans.Length);
}

/// <summary>The full answer about one experiment: its summary plus its job history, newest first.</summary>
public sealed record ExperimentDetail(ExperimentSummary Summary, ImmutableArray<JobView> Jobs);
