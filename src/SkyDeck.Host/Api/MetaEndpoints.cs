using SkyDeck.Actors.Core;

namespace SkyDeck.Host.Api;

/// <summary>A pattern as the page uses it: ECMAScript source, anchored (<c>new RegExp(pattern)</c>), and its length limit.</summary>
public sealed record PatternDto(string Pattern, int MaxLength);

/// <summary>The experiment id rules: <see cref="ExperimentId.Validate"/>'s, as data.</summary>
public sealed record IdRulesDto(string Pattern, int MaxLength, string Reserved, IReadOnlyList<string> ForbiddenSuffixes);

/// <summary>The numeric limits a spec is validated against.</summary>
public sealed record SpecLimitsDto(
    int MaxNodes,
    int MaxGpus,
    int MaxFlags,
    int MaxAutostopMinutes,
    int MaxRestartsOnErrors,
    int MaxExitCodes,
    int MinExitCode,
    int MaxExitCode,
    int MaxNameLength,
    int MaxBaseCommandLength);

/// <summary>
/// Which jobs are live (might be using a cluster), <see cref="JobRecord.IsLiveIn"/> as data: a job in one of
/// <c>live_phases</c> is live whatever its status; one in <c>live_until_terminal_phases</c> is live until SkyPilot
/// reports one of <c>terminal_statuses</c>; any other phase is over. <c>statuses</c> is every status a job shows:
/// SkyPilot's, else SkyDeck's phase.
/// </summary>
public sealed record JobLivenessDto(
    IReadOnlyList<string> LivePhases,
    IReadOnlyList<string> LiveUntilTerminalPhases,
    IReadOnlyList<string> TerminalStatuses,
    IReadOnlyList<string> Statuses);

/// <summary>
/// How the dashboard loads the table: the whole list up to <c>paged_above</c> experiments, beyond that one page at a
/// time from <c>GET /api/experiments?q=…&amp;sort=…&amp;offset=…</c> with a live stream of changes only.
/// </summary>
public sealed record DashboardDto(int PagedAbove);

/// <summary>What the dashboard would otherwise copy by hand: the validation rules, job liveness and the state order.</summary>
public sealed record MetaDto(
    IdRulesDto Id,
    PatternDto FlagKey,
    string ResourceNamePattern,
    SpecLimitsDto Limits,
    JobLivenessDto Jobs,
    IReadOnlyList<string> CurrentStates,
    IReadOnlyList<string> DesiredStates,
    DashboardDto? Dashboard = null);

/// <summary>
/// The dashboard's settings: above <see cref="PagedAbove"/> experiments (<c>SkyDeck:Dashboard:PagedAbove</c>,
/// <c>SKYDECK_DASHBOARD_PAGED_ABOVE</c>) the table pages through the server instead of loading the whole list.
/// </summary>
public sealed record DashboardOptions(int PagedAbove = DashboardOptions.DefaultPagedAbove)
{
    public const int DefaultPagedAbove = 5_000;
}

/// <summary><c>GET /api/meta</c>: the rules the server validates with, from the same constants, for clients to check as you type.</summary>
public static class MetaEndpoints
{
    public static IEndpointRouteBuilder MapMetaEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/meta", Meta).WithTags("System").WithName("GetMeta");
        return app;
    }

    /// <summary>Validation patterns and limits, job liveness, the order of current states and the dashboard's paging
    /// threshold; the same for every caller.</summary>
    public static Microsoft.AspNetCore.Http.HttpResults.Ok<MetaDto> Meta(DashboardOptions dashboard) =>
        TypedResults.Ok(Value with { Dashboard = new DashboardDto(dashboard.PagedAbove) });

    private static string Anchored(string body) => "^" + body + "$";

    private static string PhaseText(JobPhase phase) => phase == JobPhase.LaunchFailed ? "LAUNCH_FAILED" : phase.ToString().ToUpperInvariant();

    public static readonly MetaDto Value = new(
        new IdRulesDto(Anchored(ExperimentId.PatternBody), ExperimentId.MaxLength, ExperimentId.Reserved, ExperimentId.FileLikeSuffixes),
        new PatternDto(Anchored(ExperimentSpec.FlagKeyPatternBody), ExperimentSpec.MaxFlagKeyLength),
        Anchored(ExperimentSpec.ResourceNamePatternBody),
        new SpecLimitsDto(
            ExperimentSpec.MaxNodes, ExperimentSpec.MaxGpus, ExperimentSpec.MaxFlags, ExperimentSpec.MaxAutostopMinutes,
            RetryPolicy.MaxRestartsLimit, RetryPolicy.MaxExitCodes, RetryPolicy.MinExitCode, RetryPolicy.MaxExitCode,
            ExperimentSpec.MaxNameLength, ExperimentSpec.MaxBaseCommandLength),
        new JobLivenessDto(
            [.. Enum.GetValues<JobPhase>().Where(p => Enum.GetValues<SkyJobStatus>().All(s => JobRecord.IsLiveIn(p, s))).Select(PhaseText)],
            [.. Enum.GetValues<JobPhase>().Where(p => JobRecord.IsLiveIn(p, null) && !Enum.GetValues<SkyJobStatus>().All(s => JobRecord.IsLiveIn(p, s))).Select(PhaseText)],
            [.. Enum.GetValues<SkyJobStatus>().Where(s => s.IsTerminal()).Select(s => s.ToSkyString())],
            JobEndpoints.Statuses),
        [.. StateNames.DisplayOrder.Select(s => s.ToApi())],
        [.. Enum.GetValues<DesiredState>().Select(s => s.ToApi())]);
}
