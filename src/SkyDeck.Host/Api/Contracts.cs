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
    string? Sweep)
{
    public static ExperimentDto From(ExperimentSummary s) => new(
        s.Id, s.Spec.Name, s.Spec.Description, s.Spec.BaseCommand, s.Spec.RunName, s.Spec.Flags, s.Spec.Nodes, s.Spec.Gpus,
        s.Spec.Accelerator, s.Spec.Cloud, s.Spec.Region, s.Spec.UseSpot, s.Spec.Tags, s.Spec.Group,
        s.Spec.AutostopMinutes, s.Spec.AutostopDown,
        s.Desired.ToApi(), s.Current.ToApi(), s.Generation, s.Run, s.Deleted, s.NeedsRestart, s.Message, s.RetryAt,
        RemoteCommand.Build(s.Spec),
        new ClusterDto(Naming.Cluster(s.Id), s.ClusterKnown ? s.ClusterStatus?.ToSkyString() ?? "ABSENT" : "UNKNOWN"),
        s.CurrentJob is null ? null : JobDto.From(s.CurrentJob),
        s.JobCount, s.CreatedAt, s.UpdatedAt, s.Version, s.Spec.Sweep);
}

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
    string? CancelledBy)
{
    public static JobDto From(JobView j) => new(
        j.JobId, j.SkyJobId, j.Cluster, j.Generation, j.Run, j.Attempt, j.Command, j.Phase switch { JobPhase.LaunchFailed => "LAUNCH_FAILED", var p => p.ToString().ToUpperInvariant() },
        j.Status?.ToSkyString(), j.SkyExitCode, j.Reason, j.RequestedAt, j.SubmittedAt, j.StartedAt, j.EndedAt,
        j.StartedAt is { } started && j.EndedAt is { } ended ? (ended - started).TotalSeconds : null,
        j.CancelRequestedAt, j.CancelledBy);
}

public sealed record ExperimentListDto(IReadOnlyList<ExperimentDto> Experiments);

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
