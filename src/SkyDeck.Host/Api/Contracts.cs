using System.Collections.Immutable;
using SkyDeck.Actors.Core;
using SkyDeck.Actors.Experiments;
using SkyDeck.Actors.SkyPilot;

namespace SkyDeck.Host.Api;

/// <summary>
/// An experiment as the API returns it (snake_case JSON). <see cref="AutostopMinutes"/> null: SkyDeck's default
/// (<c>SKYDECK_AUTOSTOP</c>); 0: never stopped for idleness.
/// </summary>
public sealed record ExperimentDto(
    string Id,
    string Name,
    string? Description,
    string BaseCommand,
    string RunName,
    ImmutableSortedDictionary<string, FlagValue> Flags,
    int Nodes,
    int Gpus,
    string? Accelerator,
    string? Cloud,
    string? Region,
    bool UseSpot,
    ImmutableArray<string> Tags,
    string? Group,
    int? AutostopMinutes,
    bool AutostopDown,
    string DesiredState,
    string CurrentState,
    int Generation,
    int Run,
    bool Deleted,
    bool NeedsRestart,
    string? Message,
    DateTimeOffset? RetryAt,
    string Command,
    ClusterDto Cluster,
    JobDto? CurrentJob,
    int JobCount,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    long Version,
    RetryDto? Retry,
    IReadOnlyList<AttemptDto> Attempts,
    int RestartsUsed,
    int MaxRestarts,
    string? Sweep,
    BudgetDto? Budget = null,
    CostDto? Cost = null,
    bool BudgetReached = false)
{
    /// <summary>With <paramref name="cost"/> (from <see cref="CostMeter"/>) when the caller has a clock and prices.</summary>
    public static ExperimentDto From(ExperimentSummary s, CostDto? cost = null) => new(
        s.Id, s.Spec.Name, s.Spec.Description, s.Spec.BaseCommand, s.Spec.RunName, s.Spec.Flags, s.Spec.Nodes, s.Spec.Gpus,
        s.Spec.Accelerator, s.Spec.Cloud, s.Spec.Region, s.Spec.UseSpot, s.Spec.Tags, s.Spec.Group,
        s.Spec.AutostopMinutes, s.Spec.AutostopDown,
        s.Desired.ToApi(), s.Current.ToApi(), s.Generation, s.Run, s.Deleted, s.NeedsRestart, s.Message, s.RetryAt,
        RemoteCommand.Build(s.Spec),
        new ClusterDto(Naming.Cluster(s.Id), s.ClusterKnown ? s.ClusterStatus?.ToSkyString() ?? "ABSENT" : "UNKNOWN"),
        s.CurrentJob is null ? null : JobDto.From(s.CurrentJob),
        s.JobCount, s.CreatedAt, s.UpdatedAt, s.Version,
        RetryDto.From(s.Spec.Retry),
        [.. (s.Attempts ?? AttemptStrip.Empty).Marks.Select(m => new AttemptDto(m.Attempt, m.Outcome, m.ExitCode, m.SpentRestart))],
        s.RestartsUsed, s.MaxRestarts, s.Spec.Sweep, BudgetDto.From(s.Spec.Budget), cost, s.BudgetStop is not null);
}

/// <summary>
/// The experiment's retry policy as set (null: SkyDeck's defaults). <see cref="MaxRestartsOnErrors"/> null: the global
/// <c>SKYDECK_MAX_RESTARTS</c>; <see cref="OnPreemption"/>: <c>always</c> or <c>never</c>.
/// </summary>
public sealed record RetryDto(int? MaxRestartsOnErrors, IReadOnlyList<int> RecoverOnExitCodes, string OnPreemption)
{
    public static RetryDto? From(RetryPolicy? p) => p is null ? null
        : new(p.MaxRestartsOnErrors, [.. p.RecoverOnExitCodes], p.OnPreemption == PreemptionPolicy.Never ? "never" : "always");
}

/// <summary>One attempt of the current run: <see cref="Outcome"/> is <c>succeeded</c>, <c>live</c> or its failure class.</summary>
public sealed record AttemptDto(int Attempt, string Outcome, int? ExitCode, bool SpentRestart);

/// <summary><see cref="Status"/>: SkyPilot's cluster status, <c>ABSENT</c> (no cluster) or <c>UNKNOWN</c> (never observed).</summary>
public sealed record ClusterDto(string Name, string Status);

/// <summary>A job (one launch) as the API returns it.</summary>
public sealed record JobDto(
    string JobId,
    long? SkyJobId,
    string Cluster,
    int Generation,
    int Run,
    int Attempt,
    string Command,
    string Phase,
    string? Status,
    int? SkyExitCode,
    string? Reason,
    DateTimeOffset RequestedAt,
    DateTimeOffset? SubmittedAt,
    DateTimeOffset? StartedAt,
    DateTimeOffset? EndedAt,
    double? DurationSeconds,
    DateTimeOffset? CancelRequestedAt,
    string? CancelledBy,
    string? FailureClass,
    int? ExitCode,
    string? Cause,
    string Log,
    string? LogUnavailable,
    string? ExperimentId = null,
    int? Nodes = null,
    string? Accelerator = null,
    int? GpusPerNode = null,
    bool UseSpot = false,
    string? LaunchedBy = null,
    CostDto? Cost = null)
{
    /// <summary>With <paramref name="cost"/>: the job's own GPU-hours and dollars (from <see cref="CostMeter"/>).</summary>
    public static JobDto From(JobView j) => From(j, null);

    public static JobDto From(JobView j, CostDto? cost) => new(
        j.JobId, j.SkyJobId, j.Cluster, j.Generation, j.Run, j.Attempt, j.Command, j.Phase switch { JobPhase.LaunchFailed => "LAUNCH_FAILED", var p => p.ToString().ToUpperInvariant() },
        j.Status?.ToSkyString(), j.SkyExitCode, j.Reason, j.RequestedAt, j.SubmittedAt, j.StartedAt, j.EndedAt,
        j.StartedAt is { } started && j.EndedAt is { } ended ? (ended - started).TotalSeconds : null,
        j.CancelRequestedAt, j.Cause?.CancelledBy ?? j.CancelledBy,
        j.Cause is { } cause ? AttemptCause.ToApi(cause.Class) : null, j.Cause?.ExitCode, j.Cause?.Describe(),
        j.Log switch { LogKeeping.Kept => "kept", LogKeeping.Unavailable => "unavailable", _ => j.LossCause is LossCause.ClusterGone or LossCause.ClusterStopped ? "unavailable" : "none" },
        j.LogUnavailable ?? (j.LossCause is LossCause.ClusterGone or LossCause.ClusterStopped ? "the cluster went away under the job (preempted); its logs went with it" : null),
        Naming.ExperimentOfJob(j.JobId), j.Resources?.Nodes, j.Resources?.GpuRequest().Accelerator,
        j.Resources?.GpuRequest().PerNode, j.Resources?.UseSpot ?? false, j.Who, cost);
}

/// <summary>
/// The last lines of a job's output. <see cref="Source"/>: <c>live</c> (read from SkyPilot now), <c>kept</c> (the
/// tail SkyDeck kept when the job finished) or <c>none</c> (<see cref="Message"/> says why).
/// </summary>
public sealed record JobLogDto(string JobId, string Source, IReadOnlyList<string> Lines, bool Truncated, IReadOnlyList<int> ExitCodes, int? ExitCode, string? Message);

public sealed record ExperimentListDto(IReadOnlyList<ExperimentDto> Experiments);

/// <summary>
/// <c>GET /api/experiments</c>'s answer. <see cref="Next"/> and <see cref="Total"/> are there only when the request
/// pages (<c>q</c>, <c>sort</c>, <c>limit</c> or <c>after</c>): <see cref="Next"/> is the <c>after</c> of the next
/// page (null on the last), <see cref="Total"/> how many experiments match in all. Without those parameters the
/// answer is <c>{"experiments": […]}</c> alone, every experiment, as it always was.
/// </summary>
public sealed record ExperimentPageDto(IReadOnlyList<ExperimentDto> Experiments, string? Next = null, int? Total = null);

public sealed record ExperimentStatusDto(ExperimentDto Experiment, JobDto? CurrentJob, IReadOnlyList<JobDto> RecentJobs);

public sealed record JobListDto(IReadOnlyList<JobDto> Jobs);

public sealed record FlagSchemaDto(string Key, IReadOnlyList<string> Types, IReadOnlyList<FlagValue> Examples, int Experiments);

public sealed record FlagSchemaListDto(IReadOnlyList<FlagSchemaDto> Flags);

public sealed record AuditEntryDto(long Cursor, long Sequence, DateTimeOffset At, string ExperimentId, string Type, string Who, string? Reason, System.Text.Json.JsonElement Change)
{
    public static AuditEntryDto From(SkyDeck.Actors.Audit.AuditEntry e) => new(e.Cursor, e.Sequence, e.At, e.ExperimentId, e.Type, e.Who, e.Reason, e.Change);
}

public sealed record AuditPageDto(IReadOnlyList<AuditEntryDto> Events, long Cursor);

public sealed record HistoryDto(DateTimeOffset At, ExperimentDto Experiment, IReadOnlyList<JobDto> Jobs);

public sealed record AcceptedDto(string Status, string? Message = null);

// Request bodies. Handlers read bodies strictly through JsonBody and FieldReader (unknown fields, duplicate keys and
// invalid Unicode are refused, each named); these records are only the schemas OpenAPI shows for them (AcceptsJson<T>).
// Keep each in step with the fields its handler reads.

/// <summary>
/// A new experiment: <see cref="Id"/> and <see cref="BaseCommand"/> are required, everything else has a default
/// (<c>name</c> and <c>run_name</c>: the id; 1 node, 0 GPUs, no flags; <c>desired_state</c>: STOPPED).
/// </summary>
public sealed record CreateExperimentRequest(
    [property: System.ComponentModel.DataAnnotations.Required] string Id,
    [property: System.ComponentModel.DataAnnotations.Required] string BaseCommand,
    string? Name = null,
    string? Description = null,
    string? RunName = null,
    IReadOnlyDictionary<string, FlagValue>? Flags = null,
    int? Nodes = null,
    int? Gpus = null,
    string? Accelerator = null,
    string? Cloud = null,
    string? Region = null,
    bool? UseSpot = null,
    IReadOnlyList<string>? Tags = null,
    string? Group = null,
    int? AutostopMinutes = null,
    bool? AutostopDown = null,
    RetryDto? Retry = null,
    BudgetDto? Budget = null,
    DesiredState? DesiredState = null);

/// <summary>The fields to change (the generation is bumped); an explicit <c>null</c> clears an optional field.</summary>
public sealed record UpdateExperimentRequest(
    string? Name = null,
    string? Description = null,
    string? BaseCommand = null,
    string? RunName = null,
    IReadOnlyDictionary<string, FlagValue>? Flags = null,
    int? Nodes = null,
    int? Gpus = null,
    string? Accelerator = null,
    string? Cloud = null,
    string? Region = null,
    bool? UseSpot = null,
    IReadOnlyList<string>? Tags = null,
    string? Group = null,
    int? AutostopMinutes = null,
    bool? AutostopDown = null,
    RetryDto? Retry = null,
    BudgetDto? Budget = null,
    DesiredState? DesiredState = null);

/// <summary>A sweep: its template (every experiment field but the id), axes (flag key → values), grid or zip.</summary>
public sealed record CreateSweepRequest(
    [property: System.ComponentModel.DataAnnotations.Required] string Id,
    [property: System.ComponentModel.DataAnnotations.Required] UpdateExperimentRequest Template,
    [property: System.ComponentModel.DataAnnotations.Required] IReadOnlyDictionary<string, IReadOnlyList<FlagValue>> Axes,
    string? Name = null,
    string? Mode = null,
    DesiredState? DesiredState = null,
    BudgetDto? Budget = null);

/// <summary>A sweep's changes: template fields (merged), axes (replacing), mode, name, desired state or budget (null or <c>{}</c> clears it).</summary>
public sealed record UpdateSweepRequest(
    UpdateExperimentRequest? Template = null,
    IReadOnlyDictionary<string, IReadOnlyList<FlagValue>>? Axes = null,
    string? Name = null,
    string? Mode = null,
    DesiredState? DesiredState = null,
    BudgetDto? Budget = null);

/// <summary>The desired state for every cell of a sweep.</summary>
public sealed record SetSweepStateRequest([property: System.ComponentModel.DataAnnotations.Required] DesiredState DesiredState);

/// <summary><see cref="Reason"/> (at most 500 characters) is recorded on the event, so the audit log says why.</summary>
public sealed record SetDesiredStateRequest(
    [property: System.ComponentModel.DataAnnotations.Required] DesiredState DesiredState,
    [property: System.ComponentModel.DataAnnotations.MaxLength(500)] string? Reason = null);

/// <summary>The complete new set of flags (keys not given are removed).</summary>
public sealed record ReplaceFlagsRequest([property: System.ComponentModel.DataAnnotations.Required] IReadOnlyDictionary<string, FlagValue> Flags);

/// <summary>What <c>POST /api/login</c> answers: who the token belongs to, and whether this server needs one at all.</summary>
public sealed record LoginResultDto(string User, bool Required);
