using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.OpenApi;
using SkyDeck.Actors.Audit;
using SkyDeck.Actors.Core;
using SkyDeck.Actors.Hosting;

namespace SkyDeck.Host.Api;

/// <summary>The audit log of every experiment, in order, with a stable cursor (one experiment's: <see cref="ExperimentEndpoints.Events"/>).</summary>
public static class AuditEndpoints
{
    public static IEndpointRouteBuilder MapAuditEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/events", Global).WithTags("Audit").WithName("Events")
            .Query("after", JsonSchemaType.Integer, "the cursor of the last event already seen (from a previous page; default 0)", "int64")
            .Query("limit", JsonSchemaType.Integer, "events to return, 1 to 1000 (default 100)", "int32");
        return app;
    }

    public static async Task<Results<Ok<AuditPageDto>, ValidationProblem>> Global(AuditLog audit, [FromQuery] string? after, [FromQuery] string? limit, CancellationToken ct)
    {
        var (cursor, badCursor) = QueryParameters.Cursor(after, "after");
        if (badCursor is not null) return badCursor;
        var (take, badLimit) = QueryParameters.Int(limit, "limit", 1, 1000);
        if (badLimit is not null) return badLimit;
        var entries = await audit.AfterAsync(cursor ?? 0, take ?? 100, ct);
        return TypedResults.Ok(new AuditPageDto([.. entries.Select(AuditEntryDto.From)], entries.Count == 0 ? cursor ?? 0 : entries[^1].Cursor));
    }
}
