using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using SkyDeck.Actors.Audit;
using SkyDeck.Actors.Core;
using SkyDeck.Actors.SkyPilot;

namespace SkyDeck.Host.Api;

/// <summary>
/// <c>GET /api/experiments/{id}/jobs/{job_id}/logs?tail=N[&amp;follow=true]</c>: the last lines of one job's output.
/// A finished job whose tail SkyDeck kept is answered from the journal (no <c>sky</c> call); otherwise
/// <c>sky logs --no-follow --tail N</c> through the gateway (the process cap, the query timeout), falling back to the kept
/// tail. <c>follow=true</c> streams server-sent events while the job runs: SkyDeck polls <c>sky logs --tail</c> every
/// <see cref="FollowInterval"/> and sends the lines it had not sent (<c>lines</c> events), then one <c>end</c> event
/// when the job has finished. At most <see cref="MaxFollowers"/> streams at once (each costs a <c>sky</c> call per poll).
/// </summary>
public static class LogEndpoints
{
    public const int DefaultTail = 200;
    public const int MaxFollowers = 8;
    public static readonly TimeSpan FollowInterval = TimeSpan.FromSeconds(2);
    private static int _followers;

    public static IEndpointRouteBuilder MapLogEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/experiments/{id}/jobs/{jobId}/logs", Logs).WithTags("Jobs").WithName("JobLogs");
        return app;
    }

    public static async Task<Results<Ok<JobLogDto>, ServerSentEventsResult<LogChunkDto>, ValidationProblem, NotFoundProblem, ProblemHttpResult>> Logs(
        string id, string jobId, [FromQuery] string? tail, [FromQuery] string? follow, HttpContext http,
        Experiments experiments, AuditLog audit, ISkyGateway sky, IHostApplicationLifetime lifetime, CancellationToken ct)
    {
        var (lines, badTail) = QueryParameters.Int(tail, "tail", 1, LogTail.MaxKeptLines);
        if (badTail is not null) return badTail;
        var (following, badFollow) = QueryParameters.Bool(follow, "follow");
        if (badFollow is not null) return badFollow;
        if (await experiments.GetAsync(id, ct) is not { } detail) return Problems.NotFound($"experiment '{FieldReader.DisplayName(id)}' not found");
        if (detail.Jobs.FirstOrDefault(j => j.JobId == jobId) is not { } job)
            return Problems.NotFound($"job '{FieldReader.DisplayName(jobId)}' not found in experiment '{FieldReader.DisplayName(id)}'");
        var take = lines ?? DefaultTail;

        if (following == true)
        {
            if (Interlocked.Increment(ref _followers) > MaxFollowers)
            {
                Interlocked.Decrement(ref _followers);
                http.Response.Headers.RetryAfter = "10";
                return Problems.Unavailable($"at most {MaxFollowers} log streams at once; read the tail without follow meanwhile");
            }

            var stream = CancellationTokenSource.CreateLinkedTokenSource(ct, lifetime.ApplicationStopping);
            return TypedResults.ServerSentEvents(Follow(id, job, take, experiments, audit, sky, stream));
        }

        return TypedResults.Ok(await ReadAsync(id, job, detail.Summary, take, audit, sky, ct));
    }

    private static async Task<JobLogDto> ReadAsync(string id, JobView job, ExperimentSummary summary, int take, AuditLog audit, ISkyGateway sky, CancellationToken ct)
    {
        string? liveFailure = null;
        if (job.Log != LogKeeping.Kept && job.SkyJobId is { } skyJobId && job.Phase == JobPhase.Submitted && summary.ClusterStatus == SkyClusterStatus.Up)
        {
            var call = await sky.LogsAsync(job.Cluster, skyJobId, take, ct);
            if (call.Report is { } live) return Dto(job.JobId, "live", live, take, null);
            liveFailure = call.Failure?.Reason;
        }

        if (await audit.KeptLogAsync(id, job.JobId, ct) is { Unavailable: null } kept)
            return Dto(job.JobId, "kept", new LogTail(kept.Lines, kept.Truncated, kept.ExitCodes, kept.ExitCode), take,
                liveFailure is null ? null : $"SkyPilot could not be asked ({liveFailure}); showing the tail kept when the job finished");

        var why = liveFailure is not null ? $"sky logs failed: {liveFailure}"
            : job.LogUnavailable is { } unavailable ? unavailable
            : job.LossCause is LossCause.ClusterGone or LossCause.ClusterStopped ? "the cluster went away under the job (preempted); its logs went with it"
            : job.SkyJobId is null ? "the job never reached SkyPilot, so it has no output"
            : summary.ClusterStatus != SkyClusterStatus.Up ? $"the cluster is {(summary.ClusterStatus?.ToSkyString() ?? "gone")} and no tail was kept"
            : "no output is available";
        return new JobLogDto(job.JobId, "none", [], false, [], null, why);
    }

    private static JobLogDto Dto(string jobId, string source, LogTail tail, int take, string? message)
    {
        var lines = tail.Lines.Skip(Math.Max(0, tail.Lines.Length - take)).ToList();
        return new JobLogDto(jobId, source, lines, tail.Truncated || lines.Count < tail.Lines.Length, [.. tail.ExitCodes], tail.ExitCode, message);
    }

    private static async IAsyncEnumerable<SseItem<LogChunkDto>> Follow(
        string id, JobView job, int take, Experiments experiments, AuditLog audit, ISkyGateway sky, CancellationTokenSource stream)
    {
        try
        {
            var ct = stream.Token;
            IReadOnlyList<string> sent = [];
            var first = true;
            while (!ct.IsCancellationRequested)
            {
                var detail = await TryAsync(() => experiments.GetAsync(id, ct));
                var current = detail?.Jobs.FirstOrDefault(j => j.JobId == job.JobId) ?? job;
                var dto = detail is null ? null : await TryAsync<JobLogDto>(async () => await ReadAsync(id, current, detail.Summary, first ? take : Math.Max(take, DefaultTail), audit, sky, ct));
                if (dto is not null)
                {
                    var fresh = first ? dto.Lines : NewLines(sent, dto.Lines);
                    if (fresh.Count > 0 || first) yield return new SseItem<LogChunkDto>(new LogChunkDto(dto.Source, fresh, dto.ExitCode, dto.Message), "lines");
                    if (dto.Lines.Count > 0) sent = dto.Lines;
                    first = false;
                }

                if (!current.IsLive)
                {
                    yield return new SseItem<LogChunkDto>(new LogChunkDto(dto?.Source ?? "none", [], dto?.ExitCode, current.Status?.ToSkyString() ?? current.Phase.ToString().ToUpperInvariant()), "end");
                    yield break;
                }

                try
                {
                    await Task.Delay(FollowInterval, ct);
                }
                catch (OperationCanceledException)
                {
                    yield break;
                }
            }
        }
        finally
        {
            Interlocked.Decrement(ref _followers);
            stream.Dispose();
        }
    }

    private static async Task<T?> TryAsync<T>(Func<Task<T?>> read) where T : class
    {
        try
        {
            return await read();
        }
        catch (Exception e) when (e is OperationCanceledException or TimeoutException or Akka.Actor.AskTimeoutException)
        {
            return null;
        }
    }

    /// <summary>
    /// The lines of <paramref name="current"/> (a later tail of the same log) not yet in <paramref name="previous"/>: the
    /// longest end of the previous tail that <paramref name="current"/> starts with is skipped. No overlap at all (more
    /// new lines than the tail holds) sends the whole tail.
    /// </summary>
    public static IReadOnlyList<string> NewLines(IReadOnlyList<string> previous, IReadOnlyList<string> current)
    {
        for (var start = 0; start < previous.Count; start++)
        {
            var overlap = previous.Count - start;
            if (overlap > current.Count) continue;
            var same = true;
            for (var i = 0; i < overlap && same; i++) same = previous[start + i] == current[i];
            if (same) return [.. current.Skip(overlap)];
        }

        return current;
    }
}

/// <summary>One server-sent event of a followed log: new <see cref="Lines"/>, or (event <c>end</c>) the job's final status in <see cref="Message"/>.</summary>
public sealed record LogChunkDto(string Source, IReadOnlyList<string> Lines, int? ExitCode, string? Message);
