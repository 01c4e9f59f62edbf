using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using SkyDeck.Actors.Core;

namespace SkyDeck.Host.Api;

/// <summary>
/// GPU-hours and dollars summed over every experiment (deleted ones too: their money was spent), grouped by experiment,
/// user (who started the run) or UTC day, within an optional window. Read from the summaries, like the jobs list.
/// </summary>
public static class CostEndpoints
{
    /// <summary>Groupings that cut usage itself; the experiment-level ones come from <see cref="ExperimentDimensions"/>.</summary>
    private static readonly string[] SliceGroupings = ["user", "day"];

    public static IReadOnlyList<string> GroupBys => [.. ExperimentDimensions.All.Keys, .. SliceGroupings];

    public static IEndpointRouteBuilder MapCostEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/costs", Report).WithTags("Costs").WithName("Costs");
        return app;
    }

    /// <summary>
    /// <c>group_by</c> (default <c>experiment</c>); <c>from</c> and <c>to</c> are ISO-8601 dates (UTC midnight) or times,
    /// <c>from</c> inclusive, <c>to</c> exclusive. Groups are largest first (days in order).
    /// </summary>
    public static async Task<Results<Ok<CostReportDto>, ValidationProblem>> Report(
        Experiments experiments, [FromQuery(Name = "group_by")] string? groupBy, [FromQuery] string? from, [FromQuery] string? to, CancellationToken ct)
    {
        var grouping = groupBy ?? "experiment";
        if (!GroupBys.Contains(grouping))
            return Problems.Invalid("group_by", $"must be one of {string.Join(", ", GroupBys)} (got '{FieldReader.DisplayName(grouping)}')");
        var (start, badFrom) = Time(from, "from");
        if (badFrom is not null) return badFrom;
        var (end, badTo) = Time(to, "to");
        if (badTo is not null) return badTo;
        if (start is { } a && end is { } b && a >= b) return Problems.Invalid("from", "must be before to");

        var list = await experiments.ListAsync(ct);
        var costs = experiments.Costs;
        var now = costs.Now;
        var experimentKey = ExperimentDimensions.All.GetValueOrDefault(grouping);
        var pieces = list.SelectMany(s => Metering.Slices(s.Ledger.Jobs, s.Ledger.ClusterSpans, now, costs.Prices, start, end)
            .Select(slice => (Key: experimentKey is not null ? experimentKey(s) ?? "" : grouping == "user" ? slice.Who : slice.Day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), Slice: slice)));
        var groups = pieces
            .GroupBy(p => p.Key, StringComparer.Ordinal)
            .Select(g => CostGroupDto.From(g.Key, Usage.Sum(g.Select(p => p.Slice))))
            .ToList();
        var ordered = grouping == "day"
            ? groups.OrderBy(g => g.Key, StringComparer.Ordinal)
            : groups.OrderByDescending(g => g.GpuHours).ThenBy(g => g.Key, StringComparer.Ordinal);
        var total = CostGroupDto.From("total", Usage.Sum(list.SelectMany(s => Metering.Slices(s.Ledger.Jobs, s.Ledger.ClusterSpans, now, costs.Prices, start, end))));
        return TypedResults.Ok(new CostReportDto(grouping, start, end, now, [.. ordered], total));
    }

    private static (DateTimeOffset? Value, ValidationProblem? Error) Time(string? raw, string name)
    {
        if (raw is null) return (null, null);
        if (DateOnly.TryParseExact(raw, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
            return (new DateTimeOffset(day.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero), null);
        if (raw.Contains('T') && DateTimeOffset.TryParse(raw, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time))
            return (time.ToUniversalTime(), null);
        return (null, Problems.Invalid(name, $"must be an ISO-8601 date or time, e.g. 2026-12-01 or 2026-12-01T12:00:00Z (got '{FieldReader.DisplayName(raw)}')"));
    }
}

/// <summary>One group's totals: <see cref="GpuHours"/> = job GPU-hours + cluster overhead (provisioning, idle); <see cref="Usd"/> null when nothing in it had a price.</summary>
public sealed record CostGroupDto(string Key, double GpuHours, double JobGpuHours, double OverheadGpuHours, double? Usd, double UnpricedGpuHours, double SpotGpuHours)
{
    public static CostGroupDto From(string key, Usage u) => new(
        key, Math.Round(u.GpuHours, 6), Math.Round(u.JobGpuHours, 6), Math.Round(u.OverheadGpuHours, 6),
        u.KnownUsd is { } usd ? Math.Round(usd, 6) : null, Math.Round(u.UnpricedGpuHours, 6), Math.Round(u.SpotGpuHours, 6));
}

public sealed record CostReportDto(string GroupBy, DateTimeOffset? From, DateTimeOffset? To, DateTimeOffset AsOf, IReadOnlyList<CostGroupDto> Groups, CostGroupDto Total);
