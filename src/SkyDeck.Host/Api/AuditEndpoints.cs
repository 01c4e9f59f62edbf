using Microsoft.AspNetCore.Mvc;
using SkyDeck.Actors.Audit;
using SkyDeck.Actors.Core;
using SkyDeck.Actors.Hosting;

namespace SkyDeck.Host.Api;

/// <summary>The audit log and replay, read from the journal.</summary>
public static class AuditEndpoints
{
    public static IEndpointRouteBuilder MapAuditEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/experiments/{id}/events", ForExperiment).WithTags("Audit").WithName("ExperimentEvents");
        app.MapGet("/api/events", Global).WithTags("Audit").WithName("Events");
        app.MapGet("/api/experiments/{id}/history", History).WithTags("Audit").WithName("ExperimentHistory");
        return app;
    }

    public static async Task<IResult> ForExperiment(string id, Experiments experiments, AuditLog audit, CancellationToken ct)
    {
        if (await experiments.GetAsync(id, ct) is null) return Problems.NotFound($"experiment '{id}' not found");
        var entries = await audit.ForExperimentAsync(id, ct);
        return TypedResults.Ok(new AuditPageDto([.. entries.Select(ToDto)], entries.Count == 0 ? 0 : entries[^1].Cursor));
    }

    public static async Task<IResult> Global(AuditLog audit, [FromQuery] string? after, [FromQuery] string? limit, CancellationToken ct)
    {
        var (cursor, badCursor) = QueryParameters.Cursor(after, "after");
        if (badCursor is not null) return badCursor;
        var (take, badLimit) = QueryParameters.Int(limit, "limit", 1, 1000);
        if (badLimit is not null) return badLimit;
        var entries = await audit.AfterAsync(cursor ?? 0, take ?? 100, ct);
        return TypedResults.Ok(new AuditPageDto([.. entries.Select(ToDto)], entries.Count == 0 ? cursor ?? 0 : entries[^1].Cursor));
    }

    public static async Task<IResult> History(string id, [FromQuery] string? at, AuditLog audit, SkyDeckOptions options, Experiments experiments, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(at)) return Problems.Invalid("at", "is required: an ISO-8601 time, e.g. 2026-11-28T12:00:00Z");
        if (!DateTimeOffset.TryParse(at, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out var moment))
            return Problems.Invalid("at", $"'{(at.Length > 64 ? at[..64] : at)}' is not an ISO-8601 time");
        if (await experiments.GetAsync(id, ct) is null) return Problems.NotFound($"experiment '{id}' not found");
        var detail = await audit.AsOfAsync(id, moment, options.Reconcile, ct);
        if (detail is null) return Problems.NotFound($"experiment '{id}' did not exist at {moment:O}");
        return TypedResults.Ok(new HistoryDto(moment, ExperimentDto.From(detail.Summary), [.. detail.Jobs.Select(JobDto.From)]));
    }

    private static AuditEntryDto ToDto(AuditEntry e) => new(e.Cursor, e.Sequence, e.At, e.ExperimentId, e.Type, e.Who, e.Reason, e.Change);
}
