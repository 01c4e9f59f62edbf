using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using SkyDeck.Actors.Core;
using static SkyDeck.Actors.Core.ExperimentCommands;

namespace SkyDeck.Host.Api;

/// <summary>
/// Jobs by their SkyDeck job id (<c>skydeck-{id}-g{generation}-{n}</c>) and the list of every job (<see cref="JobIndex"/>);
/// an experiment's own list is under its resource.
/// </summary>
public static class JobEndpoints
{
    public const int MaxLimit = 1000;

    /// <summary>What <c>status=</c> matches: SkyPilot's job statuses, and SkyDeck's own phases for jobs SkyPilot never reported.</summary>
    public static readonly IReadOnlyList<string> Statuses =
        [.. Enum.GetValues<SkyJobStatus>().Select(s => s.ToSkyString()), "REQUESTED", "LAUNCH_FAILED", "LOST"];

    public static IEndpointRouteBuilder MapJobEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/jobs", List).WithTags("Jobs").WithName("ListAllJobs");
        app.MapPost("/api/jobs/{jobId}/cancel", CancelJob).WithTags("Jobs").WithName("CancelJob");
        return app;
    }

    /// <summary>
    /// Every job of every experiment (not deleted), newest first, <paramref name="limit"/> (default 100, at most
    /// 1000) at a time; <c>next</c> is the cursor for the following page (null on the last). Filters: <c>status</c>
    /// (comma-separated), <c>cluster</c>, and each of <see cref="ExperimentDimensions"/> (<c>experiment</c>).
    /// </summary>
    public static async Task<Results<Ok<JobPageDto>, ValidationProblem>> List(
        HttpContext http, Experiments experiments, JobIndex index,
        [FromQuery] string? status, [FromQuery] string? cluster, [FromQuery] string? after, [FromQuery] string? limit, CancellationToken ct)
    {
        var (take, badLimit) = QueryParameters.Int(limit, "limit", 1, MaxLimit);
        if (badLimit is not null) return badLimit;
        (DateTimeOffset At, string JobId)? position = null;
        if (after is not null && (position = JobIndex.ParseCursor(after)) is null)
            return Problems.Invalid("after", $"must be the 'next' cursor of a previous page (got '{FieldReader.DisplayName(after)}')");
        HashSet<string>? statuses = null;
        if (status is not null)
        {
            statuses = [.. status.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Select(s => s.ToUpperInvariant())];
            if (statuses.Count == 0 || statuses.Any(s => !Statuses.Contains(s)))
                return Problems.Invalid("status", $"must be one or more (comma-separated) of {string.Join(", ", Statuses)} (got '{FieldReader.DisplayName(status)}')");
        }

        if (cluster is { Length: 0 }) return Problems.Invalid("cluster", "must not be empty");
        var dimensions = new List<(Func<ExperimentSummary, string?> Key, string Value)>();
        foreach (var (name, key) in ExperimentDimensions.All)
        {
            if (http.Request.Query[name] is not { Count: > 0 } values) continue;
            if (values.Count > 1 || string.IsNullOrEmpty(values[0])) return Problems.Invalid(name, "must be given once, not empty");
            dimensions.Add((key, values[0]!));
        }

        var jobs = index.Of(await experiments.ListWithRevisionAsync(ct));
        var start = 0;
        if (position is { } p)
        {
            // Binary search for the first job older than the cursor (the list is sorted newest first).
            int lo = 0, hi = jobs.Length;
            while (lo < hi)
            {
                var mid = (lo + hi) / 2;
                if (JobIndex.Compare(JobIndex.Key(jobs[mid].Job), p) >= 0) lo = mid + 1;
                else hi = mid;
            }
            start = lo;
        }

        var size = take ?? 100;
        var page = new List<JobIndex.Entry>(Math.Min(size, 256));
        var more = false;
        for (var i = start; i < jobs.Length; i++)
        {
            var e = jobs[i];
            if (statuses is not null && !statuses.Contains(StatusOf(e.Job))) continue;
            if (cluster is not null && e.Job.Cluster != cluster) continue;
            if (dimensions.Any(d => d.Key(e.Experiment) != d.Value)) continue;
            if (page.Count == size)
            {
                more = true;
                break;
            }
            page.Add(e);
        }

        var costs = experiments.Costs;
        var now = costs.Now;
        return TypedResults.Ok(new JobPageDto(
            [.. page.Select(e => JobDto.From(e.Job, costs.Of(e.Job, now)))],
            more ? JobIndex.Cursor(page[^1].Job) : null));
    }

    /// <summary>The job's status as <c>status=</c> matches it: SkyPilot's, else SkyDeck's phase.</summary>
    public static string StatusOf(JobView j) => j.Status?.ToSkyString() ?? j.Phase switch
    {
        JobPhase.LaunchFailed => "LAUNCH_FAILED",
        var phase => phase.ToString().ToUpperInvariant(),
    };

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

/// <summary>One page of every job, newest first; <see cref="Next"/> is the <c>after</c> of the next page, null on the last.</summary>
public sealed record JobPageDto(IReadOnlyList<JobDto> Jobs, string? Next);
