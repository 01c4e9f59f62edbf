using System.Collections.Immutable;

namespace SkyDeck.Actors.Core;

/// <summary>SkyPilot's cluster-job status (<c>sky.skylet.job_lib.JobStatus</c>), all nine values, in SkyPilot's order.</summary>
public enum SkyJobStatus
{
    Init,
    Pending,
    SettingUp,
    Running,
    FailedDriver,
    Succeeded,
    Failed,
    FailedSetup,
    Cancelled,
}

/// <summary>SkyPilot's cluster status (<c>sky.utils.status_lib.ClusterStatus</c>), including the newer values.</summary>
public enum SkyClusterStatus
{
    Init,
    Up,
    Stopped,
    Pending,
    Autostopping,
}

/// <summary>One row of <c>sky queue</c> for one cluster.</summary>
/// <param name="Status">Null when SkyPilot printed a status this version does not know; <paramref name="RawStatus"/> keeps the text.</param>
public sealed record ObservedJob(
    long JobId,
    string Name,
    SkyJobStatus? Status,
    string RawStatus,
    DateTimeOffset? SubmittedAt,
    DateTimeOffset? StartedAt,
    DateTimeOffset? EndedAt,
    string? Resources);

/// <summary>One row of <c>sky status</c>.</summary>
public sealed record ObservedCluster(string Name, SkyClusterStatus? Status, string RawStatus);

/// <summary>The parsed answer of one <c>sky queue c1 c2 …</c> call.</summary>
/// <param name="Jobs">Clusters whose queue was read, with their jobs (possibly none).</param>
/// <param name="Failed">Clusters whose queue could not be read, with SkyPilot's reason.</param>
public sealed record QueueReport(
    ImmutableDictionary<string, ImmutableArray<ObservedJob>> Jobs,
    ImmutableDictionary<string, string> Failed);

/// <summary>The parsed answer of one <c>sky status</c> call: every cluster it listed.</summary>
public sealed record StatusReport(ImmutableArray<ObservedCluster> Clusters);

public static class SkyStatusText
{
    public static bool IsTerminal(this SkyJobStatus status) =>
        status is not (SkyJobStatus.Init or SkyJobStatus.Pending or SkyJobStatus.SettingUp or SkyJobStatus.Running);

    public static bool IsFailure(this SkyJobStatus status) =>
        status is SkyJobStatus.Failed or SkyJobStatus.FailedSetup or SkyJobStatus.FailedDriver;

    /// <summary>SkyPilot's spelling, e.g. <c>SETTING_UP</c>.</summary>
    public static string ToSkyString(this SkyJobStatus status) => status switch
    {
        SkyJobStatus.Init => "INIT",
        SkyJobStatus.Pending => "PENDING",
        SkyJobStatus.SettingUp => "SETTING_UP",
        SkyJobStatus.Running => "RUNNING",
        SkyJobStatus.FailedDriver => "FAILED_DRIVER",
        SkyJobStatus.Succeeded => "SUCCEEDED",
        SkyJobStatus.Failed => "FAILED",
        SkyJobStatus.FailedSetup => "FAILED_SETUP",
        SkyJobStatus.Cancelled => "CANCELLED",
        _ => throw new ArgumentOutOfRangeException(nameof(status)),
    };

    public static string ToSkyString(this SkyClusterStatus status) => status switch
    {
        SkyClusterStatus.Init => "INIT",
        SkyClusterStatus.Up => "UP",
        SkyClusterStatus.Stopped => "STOPPED",
        SkyClusterStatus.Pending => "PENDING",
        SkyClusterStatus.Autostopping => "AUTOSTOPPING",
        _ => throw new ArgumentOutOfRangeException(nameof(status)),
    };

    public static SkyJobStatus? ParseJobStatus(string text) => text.Trim().ToUpperInvariant() switch
    {
        "INIT" => SkyJobStatus.Init,
        "PENDING" => SkyJobStatus.Pending,
        "SETTING_UP" => SkyJobStatus.SettingUp,
        "RUNNING" => SkyJobStatus.Running,
        "FAILED_DRIVER" => SkyJobStatus.FailedDriver,
        "SUCCEEDED" => SkyJobStatus.Succeeded,
        "FAILED" => SkyJobStatus.Failed,
        "FAILED_SETUP" => SkyJobStatus.FailedSetup,
        "CANCELLED" => SkyJobStatus.Cancelled,
        _ => null,
    };

    public static SkyClusterStatus? ParseClusterStatus(string text) => text.Trim().ToUpperInvariant() switch
    {
        "INIT" => SkyClusterStatus.Init,
        "UP" => SkyClusterStatus.Up,
        "STOPPED" => SkyClusterStatus.Stopped,
        "PENDING" => SkyClusterStatus.Pending,
        "AUTOSTOPPING" => SkyClusterStatus.Autostopping,
        _ => null,
    };
}
