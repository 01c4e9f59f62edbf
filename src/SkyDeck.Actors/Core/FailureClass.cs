namespace SkyDeck.Actors.Core;

/// <summary>Why an attempt ended without success, derived from what SkyPilot reported (<see cref="AttemptCause.Of"/>).</summary>
public enum FailureClass
{
    /// <summary>The cluster vanished or was stopped under a submitted job (spot reclaimed, cluster deleted outside SkyDeck).</summary>
    Preempted,
    /// <summary><c>sky launch</c> failed for resources or quota.</summary>
    NoCapacity,
    /// <summary>SkyPilot reported FAILED_SETUP.</summary>
    SetupFailed,
    /// <summary>SkyPilot reported FAILED: the program exited non-zero (the exit code, when its log tail was kept).</summary>
    UserError,
    /// <summary>SkyPilot reported FAILED_DRIVER.</summary>
    DriverFailed,
    /// <summary>Cancelled, by SkyDeck on someone's behalf or outside SkyDeck.</summary>
    Cancelled,
    /// <summary>The launch was never confirmed (interrupted, or withdrawn before it started).</summary>
    Lost,
    /// <summary>Nothing recorded says why (e.g. a job that left SkyPilot's queue, or a launch failure of another kind).</summary>
    Unknown,
}

/// <summary>What SkyDeck saw when a job disappeared: typed on <see cref="JobLost"/> so the cause is never parsed from prose.</summary>
public enum LossCause
{
    /// <summary>The job's cluster no longer exists.</summary>
    ClusterGone,
    /// <summary>The job's cluster was found STOPPED.</summary>
    ClusterStopped,
    /// <summary>The cluster is up and its queue answered, without the job.</summary>
    DroppedFromQueue,
    /// <summary>An interrupted launch never showed up within the adoption grace.</summary>
    LaunchInterrupted,
    /// <summary>A launch queued for a process slot that never started was withdrawn.</summary>
    Withdrawn,
}

/// <summary>Whether a preempted run is relaunched (SkyPilot's own words: <c>always</c> / <c>never</c>).</summary>
public enum PreemptionPolicy { Always, Never }

/// <summary>The cause of one finished attempt: its class, the exit code when known, and who cancelled it (null: outside SkyDeck).</summary>
public sealed record AttemptCause(FailureClass Class, int? ExitCode, string? CancelledBy)
{
    /// <summary>Null for a live or succeeded job; otherwise why it ended, from the recorded facts only.</summary>
    public static AttemptCause? Of(JobRecord j)
    {
        if (j.IsLive || j.Succeeded) return null;
        if (j.CancelRequestedAt is not null) return new(FailureClass.Cancelled, null, j.CancelledBy);
        return j.Phase switch
        {
            JobPhase.LaunchFailed => new(j.FailureKind == SkyFailureKind.NoCapacity ? FailureClass.NoCapacity : FailureClass.Unknown, null, null),
            JobPhase.Lost when j.SubmittedAt is null || j.LossCause is LossCause.LaunchInterrupted or LossCause.Withdrawn => new(FailureClass.Lost, null, null),
            JobPhase.Lost when j.LossCause is LossCause.ClusterGone or LossCause.ClusterStopped => new(FailureClass.Preempted, null, null),
            JobPhase.Submitted => j.Status switch
            {
                SkyJobStatus.Failed => new(FailureClass.UserError, j.ExitCode, null),
                SkyJobStatus.FailedSetup => new(FailureClass.SetupFailed, null, null),
                SkyJobStatus.FailedDriver => new(FailureClass.DriverFailed, null, null),
                SkyJobStatus.Cancelled => new(FailureClass.Cancelled, null, null),
                _ => new(FailureClass.Unknown, null, null),
            },
            _ => new(FailureClass.Unknown, null, null),
        };
    }

    /// <summary>The API's spelling: <c>no_capacity</c>, <c>user_error</c>, …</summary>
    public static string ToApi(FailureClass c) => c switch
    {
        FailureClass.Preempted => "preempted",
        FailureClass.NoCapacity => "no_capacity",
        FailureClass.SetupFailed => "setup_failed",
        FailureClass.UserError => "user_error",
        FailureClass.DriverFailed => "driver_failed",
        FailureClass.Cancelled => "cancelled",
        FailureClass.Lost => "lost",
        _ => "unknown",
    };

    /// <summary>Short words for reasons and the audit log, e.g. <c>user error (exit 1)</c>, <c>cancelled by alice</c>.</summary>
    public string Describe() => Class switch
    {
        FailureClass.UserError => ExitCode is { } code ? $"user error (exit {code})" : "user error (exit code unknown)",
        FailureClass.Cancelled => CancelledBy is { } who ? $"cancelled by {who}" : "cancelled outside SkyDeck",
        FailureClass.NoCapacity => "no capacity",
        FailureClass.SetupFailed => "setup failed",
        FailureClass.DriverFailed => "driver failed",
        var c => ToApi(c),
    };
}
