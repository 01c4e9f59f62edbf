
namespace SkyDeck.Actors.Core;

/// <summary>Where a job is in SkyDeck's own lifecycle (SkyPilot's view is <see cref="JobRecord.Status"/>).</summary>
public enum JobPhase
{
    /// <summary>Launch intent persisted; <c>sky launch</c> running or interrupted.</summary>
    Requested,
    /// <summary>SkyPilot accepted the job.</summary>
    Submitted,
    /// <summary><c>sky launch</c> failed; nothing runs.</summary>
    LaunchFailed,
    /// <summary>SkyPilot no longer knows the job.</summary>
    Lost,
}

/// <summary>Whether the tail of a finished job's output was kept (<see cref="JobLogCaptured"/>).</summary>
public enum LogKeeping { None, Kept, Unavailable }

/// <summary>One launch of an experiment: the job history row.</summary>
public sealed record JobRecord(
    string JobId,
    string Cluster,
    int Generation,
    int Run,
    int Attempt,
    string Command,
    LaunchResources Resources,
    JobPhase Phase,
    DateTimeOffset RequestedAt,
    long? SkyJobId = null,
    SkyJobStatus? Status = null,
    DateTimeOffset? SubmittedAt = null,
    DateTimeOffset? StartedAt = null,
    DateTimeOffset? EndedAt = null,
    SkyFailureKind? FailureKind = null,
    string? Reason = null,
    DateTimeOffset? CancelRequestedAt = null,
    string? CancelledBy = null,
    DateTimeOffset? CancelSentAt = null,
    bool WaitingForSlot = false,
    string? LaunchedBy = null,
    LossCause? LossCause = null,
    int? ExitCode = null,
    LogKeeping Log = LogKeeping.None,
    string? LogUnavailable = null)
{
    /// <summary>Why the attempt ended (null: live or succeeded).</summary>
    public AttemptCause? Cause => AttemptCause.Of(this);

    /// <summary>
    /// Requested and still queued behind the <c>sky</c> process cap when last recorded: its process certainly never
    /// started (a launch that found a free slot at once records nothing more, and may have started).
    /// </summary>
    public bool NeverStarted => Phase == JobPhase.Requested && WaitingForSlot;

    /// <summary>Might be consuming a cluster: requested, or submitted and not yet terminal.</summary>
    public bool IsLive => IsLiveIn(Phase, Status);

    /// <summary>The liveness rule, shared with <see cref="JobView.IsLive"/>.</summary>
    public static bool IsLiveIn(JobPhase phase, SkyJobStatus? status) => phase switch
    {
        JobPhase.Requested => true,
        JobPhase.Submitted => status is not { } s || !s.IsTerminal(),
        _ => false,
    };

    public bool IsFinished => !IsLive;

    public bool Succeeded => Phase == JobPhase.Submitted && Status == SkyJobStatus.Succeeded;

    /// <summary>Ended in a way that costs an attempt: a failed status, lost, a launch failure, or cancelled by someone other than SkyDeck.</summary>
    public bool CountsAsFailure => Phase switch
    {
        JobPhase.LaunchFailed or JobPhase.Lost => CancelRequestedAt is null,
        JobPhase.Submitted => Status is { } s && (s.IsFailure() || s == SkyJobStatus.Cancelled && CancelRequestedAt is null),
        _ => false,
    };

    /// <summary>A cancel was requested and no <c>sky cancel</c> has run since.</summary>
    public bool CancelOutstanding => CancelRequestedAt is { } asked && (CancelSentAt is not { } sent || sent < asked);


    public DateTimeOffset? FinishedAt => IsLive ? null : EndedAt ?? SubmittedAt ?? RequestedAt;
}
