using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using SkyDeck.Actors.Core;
using static SkyDeck.Actors.Core.ExperimentCommands;

namespace SkyDeck.Host.Api;

/// <summary>Jobs by their SkyDeck job id (<c>skydeck-{id}-g{generation}-{n}</c>); an experiment's own list is under its resource.</summary>
public static class JobEndpoints
{
    public static IEndpointRouteBuilder MapJobEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/jobs/{jobId}/cancel", CancelJob).WithTags("Jobs").WithName("CancelJob");
        return app;
    }

    /// <summary>202: the cancel is recorded and will be sent; an already finished job answers 202 too, saying so.</summary>
    public static async Task<Results<Accepted<AcceptedDto>, ValidationProblem, NotFoundProblem, CommandProblem>> CancelJob(
        string jobId, HttpContext http, Experiments experiments, CancellationToken ct)
    {
        if (Caller.Of(http) is not { } who) return Caller.BadHeader();
        if (Naming.ExperimentOfJob(jobId) is not { } id) return Problems.NotFound($"job '{FieldReader.DisplayName(jobId)}' not found");
        var result = await experiments.SendAsync(new CancelJob(id, jobId, experiments.Now, who), ct);
        if (!result.IsSuccess) return CommandProblem.From(result, $"job '{FieldReader.DisplayName(jobId)}' not found");
        return TypedResults.Accepted(
            $"/api/experiments/{id}/jobs", new AcceptedDto(result.Code == ResultCode.NoOp ? "already finished or cancelling" : "cancelling"));
    }
}
