
namespace SkyDeck.Actors.Core;

/// <summary>Commands ask an experiment to change; each carries its time and its caller, stamped at the edge.</summary>
public interface IExperimentCommand : IWithExperimentId
{
    DateTimeOffset At { get; }
    string Who { get; }
}

public static class ExperimentCommands
{
    public sealed record CreateExperiment(string ExperimentId, ExperimentSpec Spec, DesiredState Desired, DateTimeOffset At, string Who) : IExperimentCommand;

    public sealed record UpdateSpec(string ExperimentId, ExperimentSpec Spec, DateTimeOffset At, string Who) : IExperimentCommand;

    /// <summary>Change some fields of the spec (merged by the actor, atomically) and optionally the desired state.</summary>
    public sealed record PatchExperiment(string ExperimentId, SpecPatch Patch, DesiredState? Desired, DateTimeOffset At, string Who) : IExperimentCommand;

    public sealed record SetDesiredState(string ExperimentId, DesiredState Desired, DateTimeOffset At, string Who, string? Reason = null) : IExperimentCommand;

    /// <summary>
    /// Run again with the current spec: a new run with a fresh restart budget. A live job of the old run is cancelled
    /// first and the new one launches once it has ended; a stopped or terminated experiment simply starts.
    /// </summary>
    /// <remarks><paramref name="IfRun"/>: restart only while the experiment is still on that run (a repeat after the restart is a no-op; sweeps send it).</remarks>
    public sealed record RestartRun(string ExperimentId, DateTimeOffset At, string Who, int? IfRun = null) : IExperimentCommand;

    public sealed record DeleteExperiment(string ExperimentId, DateTimeOffset At, string Who) : IExperimentCommand;

    public sealed record RestoreExperiment(string ExperimentId, DateTimeOffset At, string Who) : IExperimentCommand;

    public sealed record CancelJob(string ExperimentId, string JobId, DateTimeOffset At, string Who) : IExperimentCommand;

    /// <summary>The outcome of a <c>sky launch</c> the actor started (internal, sent by the actor to itself).</summary>
    public sealed record RecordLaunchOutcome(string ExperimentId, string JobId, SkyOutcome Outcome, DateTimeOffset At, string Who = Callers.System) : IExperimentCommand;

    /// <summary>The outcome of a cancel / stop / down the actor started (internal).</summary>
    /// <summary>
    /// The launch had to wait for a <c>sky</c> process slot (<paramref name="Queued"/>), or has its slot and is about to
    /// start: recorded before the process can start, so a restart knows whether it ever did.
    /// </summary>
    public sealed record RecordLaunchDispatch(string ExperimentId, string JobId, bool Queued, DateTimeOffset At, string Who = Callers.System) : IExperimentCommand;

    /// <summary>What <c>sky logs</c> gave for a finished job (internal): its tail, or why there is none.</summary>
    public sealed record RecordLogTail(string ExperimentId, string JobId, LogTail? Tail, string? Unavailable, int MaxLines, DateTimeOffset At, string Who = Callers.System) : IExperimentCommand;

    /// <summary>
    /// SkyPilot's record of when the experiment's cluster was up (<c>sky cost-report</c>'s usage intervals, every
    /// incarnation, oldest first), read by the poller (internal).
    /// </summary>
    public sealed record RecordClusterLifetime(string ExperimentId, System.Collections.Immutable.ImmutableArray<UsageInterval> Intervals, DateTimeOffset At, string Who = Callers.System) : IExperimentCommand;

    public sealed record RecordActionOutcome(string ExperimentId, SkyActionKind Action, string Target, SkyOutcome Outcome, DateTimeOffset At, string Who = Callers.System) : IExperimentCommand;
}

/// <summary>The typed result of one <c>sky</c> call: success (with the job id for a launch) or a classified failure.</summary>
public sealed record SkyOutcome(bool Succeeded, long? SkyJobId = null, SkyFailureKind FailureKind = SkyFailureKind.Unknown, string? Reason = null)
{
    public static SkyOutcome Ok(long? skyJobId = null) => new(true, skyJobId);

    public static SkyOutcome Failed(SkyFailureKind kind, string reason) => new(false, null, kind, reason);
}
