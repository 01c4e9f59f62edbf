
namespace SkyDeck.Actors.Core;

/// <summary>
/// Events are facts: the permanent, journaled history of an experiment. Only ever add to this file; to change an
/// event, add a new one and teach <see cref="ExperimentState.Evolve"/> both. Each event says when it happened and
/// who caused it (a user name, or <see cref="Callers.System"/> for the reconciler and the poller).
/// </summary>
public interface IExperimentEvent : IWithExperimentId, ISkyDeckJournaled
{
    DateTimeOffset At { get; }
    string Who { get; }
}

public static class Callers
{
    public const string System = "system";
}

public sealed record ExperimentCreated(string ExperimentId, ExperimentSpec Spec, DesiredState Desired, DateTimeOffset At, string Who) : IExperimentEvent;

/// <summary>The spec was replaced; <paramref name="Generation"/> is the new generation.</summary>
public sealed record SpecUpdated(string ExperimentId, ExperimentSpec Spec, int Generation, DateTimeOffset At, string Who) : IExperimentEvent;

public sealed record DesiredStateChanged(string ExperimentId, DesiredState Desired, DateTimeOffset At, string Who, string? Reason) : IExperimentEvent;

/// <summary>The researcher asked to run again (after success, failure or giving up): a new run with a fresh restart budget.</summary>
public sealed record RunRestarted(string ExperimentId, int Run, DateTimeOffset At, string Who, string? Reason) : IExperimentEvent;

public sealed record ExperimentDeleted(string ExperimentId, DateTimeOffset At, string Who) : IExperimentEvent;

public sealed record ExperimentRestored(string ExperimentId, DateTimeOffset At, string Who) : IExperimentEvent;

/// <summary>Intent, persisted before <c>sky launch</c> runs; <paramref name="JobId"/> is the deterministic SkyPilot job name.</summary>
public sealed record JobLaunchRequested(
    string ExperimentId,
    string JobId,
    string Cluster,
    int Generation,
    int Run,
    int Attempt,
    string Command,
    LaunchResources Resources,
    DateTimeOffset At,
    string Who,
    string Reason) : IExperimentEvent;

/// <summary>
/// The launch had to wait for a free <c>sky</c> process slot (the cap). Until <see cref="JobLaunchDispatched"/> follows,
/// its process has certainly not started, so a restart can launch it at once instead of waiting to adopt it.
/// </summary>
public sealed record JobLaunchQueued(string ExperimentId, string JobId, DateTimeOffset At, string Who) : IExperimentEvent;

/// <summary>A queued launch got its slot; persisted just before its <c>sky launch</c> process starts.</summary>
public sealed record JobLaunchDispatched(string ExperimentId, string JobId, DateTimeOffset At, string Who) : IExperimentEvent;

/// <summary>
/// A launch that never started (the server stopped while it was queued) is run again under the same job name;
/// persisted before <c>sky launch</c>, so from here on it may have started.
/// </summary>
public sealed record JobLaunchResumed(string ExperimentId, string JobId, DateTimeOffset At, string Who, string Reason) : IExperimentEvent;

/// <summary><c>sky launch</c> submitted the job, or (<paramref name="Adopted"/>) SkyPilot was found running it after a restart.</summary>
public sealed record JobLaunched(string ExperimentId, string JobId, long? SkyJobId, bool Adopted, DateTimeOffset At, string Who) : IExperimentEvent;

public sealed record JobLaunchFailed(string ExperimentId, string JobId, SkyFailureKind Kind, string Reason, DateTimeOffset At, string Who) : IExperimentEvent;

/// <summary>SkyPilot reported a new status for one of our jobs (a transition, never a repeat).</summary>
public sealed record JobStatusChanged(
    string ExperimentId,
    string JobId,
    long SkyJobId,
    SkyJobStatus Status,
    DateTimeOffset? StartedAt,
    DateTimeOffset? EndedAt,
    DateTimeOffset At,
    string Who) : IExperimentEvent;

/// <summary>
/// A job SkyPilot no longer knows about (cluster gone or stopped, or absent from an answered queue).
/// <paramref name="Cause"/> says which, typed (null in journals written before it existed).
/// </summary>
public sealed record JobLost(string ExperimentId, string JobId, string Reason, DateTimeOffset At, string Who, LossCause? Cause = null) : IExperimentEvent;

/// <summary>
/// A job recorded as lost reappeared in SkyPilot's queue, still running, while nothing else of the run was live: it is
/// adopted again rather than cancelled and launched anew.
/// </summary>
public sealed record JobRecovered(string ExperimentId, string JobId, long SkyJobId, SkyJobStatus Status, DateTimeOffset At, string Who, string Reason) : IExperimentEvent;

public sealed record JobCancelRequested(string ExperimentId, string JobId, DateTimeOffset At, string Who, string Reason) : IExperimentEvent;

/// <summary>Intent, persisted before <c>sky stop</c> / <c>sky down</c> runs.</summary>
public sealed record ClusterActionRequested(string ExperimentId, string Cluster, ClusterAction Action, DateTimeOffset At, string Who, string Reason) : IExperimentEvent;

/// <summary>A cancel / stop / down call returned success (confirmed later by observation: SkyPilot exits 0 on some failures).</summary>
public sealed record SkyActionCompleted(string ExperimentId, SkyActionKind Action, string Target, DateTimeOffset At, string Who) : IExperimentEvent;

public sealed record SkyActionFailed(string ExperimentId, SkyActionKind Action, string Target, SkyFailureKind Kind, string Reason, DateTimeOffset At, string Who) : IExperimentEvent;

/// <summary><paramref name="Status"/> null: the cluster does not exist (absent from a successful <c>sky status</c>).</summary>
public sealed record ClusterStatusChanged(string ExperimentId, string Cluster, SkyClusterStatus? Status, DateTimeOffset At, string Who) : IExperimentEvent;

/// <summary>
/// The experiment used up its budget (<paramref name="GpuHours"/>, <paramref name="Usd"/> as of <paramref name="At"/>,
/// jobs and cluster overhead over every run): the reconciler set it STOPPED. Starting it again clears the mark.
/// </summary>
public sealed record BudgetReached(string ExperimentId, Budget Budget, double GpuHours, double? Usd, DateTimeOffset At, string Who, string Reason) : IExperimentEvent;

/// <summary>
/// The tail of a finished job's output, read with <c>sky logs --no-follow --tail N</c> before its cluster could go, so
/// it survives the teardown. <paramref name="ExitCodes"/>: SkyPilot's <c>failed with return code list</c> (one per
/// node), <paramref name="ExitCode"/> the one that failed the job. <paramref name="Unavailable"/>: why nothing was kept
/// (then <paramref name="Lines"/> is empty).
/// </summary>
public sealed record JobLogCaptured(
    string ExperimentId,
    string JobId,
    System.Collections.Immutable.ImmutableArray<string> Lines,
    bool Truncated,
    System.Collections.Immutable.ImmutableArray<int> ExitCodes,
    int? ExitCode,
    string? Unavailable,
    DateTimeOffset At,
    string Who) : IExperimentEvent
{
    public bool Equals(JobLogCaptured? other) =>
        other is not null && ExperimentId == other.ExperimentId && JobId == other.JobId && Lines.SequenceEqual(other.Lines)
        && Truncated == other.Truncated && ExitCodes.SequenceEqual(other.ExitCodes) && ExitCode == other.ExitCode
        && Unavailable == other.Unavailable && At == other.At && Who == other.Who;

    public override int GetHashCode() => HashCode.Combine(ExperimentId, JobId, Lines.Length, At);
}

/// <summary>
/// SkyDeck gave up on the run and stops retrying: <paramref name="Cause"/> is <c>max_restarts</c>, <c>crash_loop</c>,
/// <c>preempted</c> (on_preemption never) or <c>rejected</c> (SkyPilot refused the launch).
/// </summary>
public sealed record RetriesStopped(string ExperimentId, int Run, string Cause, string Reason, DateTimeOffset At, string Who) : IExperimentEvent;

/// <summary>
/// SkyPilot's own record of when the cluster was up (<c>sky cost-report</c>) corrected span <paramref name="Span"/>
/// (an index into <see cref="ExperimentState.ClusterSpans"/>): it now runs from <paramref name="From"/> to
/// <paramref name="To"/> (null: still open). An open span is never closed by it, nor a closed one opened.
/// </summary>
public sealed record ClusterSpanCorrected(string ExperimentId, int Span, DateTimeOffset From, DateTimeOffset? To, DateTimeOffset At, string Who, string Reason) : IExperimentEvent;

public enum ClusterAction { Stop, Down }

public enum SkyActionKind { Launch, Cancel, Stop, Down, Logs }

/// <summary>
/// What <c>sky launch</c> is asked for, resolved from the spec and defaults at request time, in SkyDeck's terms: the
/// gateway spells them for the installed SkyPilot (<c>--gpus A100:4</c>, <c>--infra aws/us-east-1</c> or
/// <c>--cloud/--region</c>). <paramref name="Accelerator"/> × <paramref name="GpusPerNode"/> are the GPUs;
/// <paramref name="Gpus"/> and <paramref name="Infra"/> are the SkyPilot texts (<c>A100:4</c>, <c>aws/us-east-1</c>)
/// that launches recorded before, read through <see cref="GpuRequest()"/> and <see cref="Placement()"/>.
/// <paramref name="AutostopMinutes"/> 0: no autostop; <paramref name="AutostopDown"/>: tear down rather than stop.
/// </summary>
public sealed record LaunchResources(
    int Nodes,
    string? Gpus,
    string? Infra,
    bool UseSpot,
    string? Cloud = null,
    string? Region = null,
    int AutostopMinutes = 0,
    bool AutostopDown = false,
    string? Accelerator = null,
    int GpusPerNode = 0)
{
    public (string? Cloud, string? Region) Placement() => Cloud is not null || Infra is null
        ? (Cloud, Region)
        : Infra.Split('/', 2) is [var cloud, var region] ? (cloud, region) : (Infra, null);

    /// <summary>The accelerator and GPUs per node asked for; (null, 0) for CPU only.</summary>
    public (string? Accelerator, int PerNode) GpuRequest() =>
        Accelerator is not null && GpusPerNode > 0 ? (Accelerator, GpusPerNode)
        : Gpus?.Split(':', 2) is [var name, var count] && int.TryParse(count, System.Globalization.CultureInfo.InvariantCulture, out var n) ? (name, n)
        : Gpus is { Length: > 0 } ? (Gpus, 1)
        : (null, 0);

    /// <summary>Whether a cluster launched with these resources serves <paramref name="other"/> as asked (autostop aside).</summary>
    public bool SameClusterAs(LaunchResources other) =>
        Nodes == other.Nodes && UseSpot == other.UseSpot
        && string.Equals(GpuRequest().Accelerator, other.GpuRequest().Accelerator, StringComparison.OrdinalIgnoreCase)
        && GpuRequest().PerNode == other.GpuRequest().PerNode
        && string.Equals(Placement().Cloud, other.Placement().Cloud, StringComparison.OrdinalIgnoreCase)
        && string.Equals(Placement().Region, other.Placement().Region, StringComparison.OrdinalIgnoreCase);

    /// <summary>e.g. <c>2x A100:8 on aws/us-east-1, spot</c>, for reasons in the audit log.</summary>
    public string Describe() =>
        $"{Nodes}x {(GpuRequest() is ({ } accelerator, var perNode) ? $"{accelerator}:{perNode}" : "CPU")}{(Placement().Cloud is { } c ? $" on {c}{(Placement().Region is { } r ? "/" + r : "")}" : "")}{(UseSpot ? ", spot" : "")}";
}
