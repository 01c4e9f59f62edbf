using System.Buffers;
using System.IO.Pipelines;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.Extensions.Options;

namespace SkyDeck.Host.Api;

/// <summary>
/// <c>GET /api/stream</c>: server-sent events of every read-model change. Events: <c>snapshot</c> (all experiments,
/// when starting fresh), <c>experiment</c> (one changed experiment), <c>ping</c> (keep-alive every 15 s), <c>resync</c>
/// (this subscriber fell too far behind; the stream ends and the client reconnects). Every data event has an id;
/// reconnecting with <c>Last-Event-ID</c> resumes after it. Streams end when the server shuts down, and beyond
/// <see cref="LiveFeedOptions.MaxClients"/> open streams a new one is refused with 503 and Retry-After.
/// <para>
/// <c>?snapshot=false</c> (the dashboard's paged table, which never holds the whole list): instead of the snapshot a
/// <c>start</c> event (with an id to resume from) says that changes follow from here and earlier ones are not replayed,
/// so the client reloads what it shows; a resumed stream replays the missed changes as usual.
/// </para>
/// </summary>
public static class StreamEndpoints
{
    public static readonly TimeSpan Heartbeat = TimeSpan.FromSeconds(15);

    /// <summary>Seconds a refused subscriber is asked to wait.</summary>
    public const int RetryAfterSeconds = 10;

    public static IEndpointRouteBuilder MapStreamEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/stream", Stream).WithTags("Experiments").WithName("Stream").ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        return app;
    }

    public static Results<LiveStream, ValidationProblem, ProblemHttpResult> Stream(
        HttpContext http, LiveFeed feed, Experiments experiments, ExperimentListCache cache, IHostApplicationLifetime lifetime,
        IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions> json, [Microsoft.AspNetCore.Mvc.FromQuery] string? snapshot)
    {
        var (withSnapshot, badSnapshot) = QueryParameters.Bool(snapshot, "snapshot");
        if (badSnapshot is not null) return badSnapshot;
        var lastEventId = http.Request.Headers["Last-Event-ID"].ToString() is { Length: > 0 } header ? header : http.Request.Query["last_event_id"].ToString();
        if (lifetime.ApplicationStopping.IsCancellationRequested) return Unavailable(http, "SkyDeck is shutting down");
        if (feed.TrySubscribe(lastEventId) is not { } subscription)
            return Unavailable(http, $"the live stream has its maximum of {feed.Options.MaxClients} subscribers (SKYDECK_MAX_STREAM_CLIENTS); poll GET /api/experiments meanwhile");
        return new LiveStream(subscription, feed, experiments, cache, lifetime.ApplicationStopping, json.Value.SerializerOptions, withSnapshot ?? true);
    }

    private static ProblemHttpResult Unavailable(HttpContext http, string detail)
    {
        http.Response.Headers.RetryAfter = RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return Problems.Unavailable(detail);
    }

    /// <summary>
    /// Writes the stream itself rather than through <c>TypedResults.ServerSentEvents</c>: that formatter copies each
    /// event whole into a buffer of its own before writing, which for the snapshot (the list, ~19 MiB at 10,000
    /// experiments) meant a private copy per subscriber. Here the snapshot is the list endpoint's cached body and each
    /// change the cache's row, shared by every subscriber, and both go out in slices that wait for the socket, so a
    /// subscriber costs its socket buffers, not a copy of the table. Event data is compact JSON: one line, no framing
    /// needed beyond <c>data: </c>.
    /// </summary>
    public sealed class LiveStream(
        LiveFeed.Subscription subscription, LiveFeed feed, Experiments experiments, ExperimentListCache cache, CancellationToken stopping, JsonSerializerOptions json,
        bool withSnapshot = true)
        : IResult, IEndpointMetadataProvider
    {
        /// <summary>200 with <c>text/event-stream</c>: each event's data is JSON (the list, an experiment, a ping).</summary>
        public static void PopulateMetadata(System.Reflection.MethodInfo method, EndpointBuilder builder) =>
            builder.Metadata.Add(new ProducesResponseTypeMetadata(StatusCodes.Status200OK, typeof(string), ["text/event-stream"]));

        private const int Slice = 32 * 1024;

        public async Task ExecuteAsync(HttpContext http)
        {
            using var _ = subscription;
            http.Response.ContentType = "text/event-stream";
            http.Response.Headers.CacheControl = "no-cache";
            http.Response.Headers["X-Accel-Buffering"] = "no";
            http.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
            // Ends at shutdown (an open dashboard must not hold `skydeck stop` for the whole drain timeout) or when the
            // client leaves; a write waiting on the socket also ends when the subscriber is cut off for falling behind.
            using var ended = CancellationTokenSource.CreateLinkedTokenSource(http.RequestAborted, stopping);
            using var writes = CancellationTokenSource.CreateLinkedTokenSource(ended.Token, subscription.CutOff);
            try
            {
                // The snapshot before the response starts: a manager too busy to answer is still a 503 ProblemDetails.
                var snapshot = subscription.Replay is null && withSnapshot
                    ? await cache.GetAsync(await experiments.ListWithRevisionAsync(ended.Token), includeDeleted: true, ended.Token)
                    : null;
                await http.Response.StartAsync(ended.Token);
                await RunAsync(http.Response.BodyWriter, snapshot, ended.Token, writes.Token);
            }
            catch (OperationCanceledException) when (writes.IsCancellationRequested)
            {
                // Cut off while a write waited on the socket: the event in flight is incomplete, so the response cannot
                // end cleanly. The client reconnects with its last complete id.
                if (!ended.IsCancellationRequested) http.Abort();
            }
        }

        private async Task RunAsync(PipeWriter body, ExperimentListCache.Body? snapshot, CancellationToken ct, CancellationToken writing)
        {
            if (snapshot is not null)
            {
                await WriteAsync(body, "snapshot", feed.EventId(subscription.At), snapshot.Bytes, writing);
            }
            else if (subscription.Replay is null)
            {
                // Changes only: nothing before this point is replayed, so the client reloads what it shows.
                await WriteAsync(body, "start", feed.EventId(subscription.At), """{"snapshot":false}"""u8.ToArray(), writing);
            }
            else
            {
                foreach (var change in subscription.Replay ?? [])
                    await WriteAsync(body, "experiment", feed.EventId(change.Sequence), cache.Row(change.Summary), writing);
            }

            var reader = subscription.Changes;
            while (true)
            {
                bool more;
                using (var beat = CancellationTokenSource.CreateLinkedTokenSource(ct))
                {
                    beat.CancelAfter(Heartbeat);
                    try
                    {
                        more = await reader.WaitToReadAsync(beat.Token);
                    }
                    catch (OperationCanceledException) when (!ct.IsCancellationRequested)
                    {
                        await WriteAsync(body, "ping", null, JsonSerializer.SerializeToUtf8Bytes(new { at = experiments.Now }, json), writing);
                        continue;
                    }
                    catch (SlowSubscriberException)
                    {
                        more = false;
                    }
                }

                if (!more)
                {
                    // Cut off for falling behind: say so, briefly, and end; the client reconnects and resumes or resyncs.
                    if (reader.Completion.IsFaulted)
                    {
                        using var grace = CancellationTokenSource.CreateLinkedTokenSource(ct);
                        grace.CancelAfter(TimeSpan.FromSeconds(5));
                        await WriteAsync(body, "resync", null, """{"reason":"this subscriber fell too far behind; reconnect to resume"}"""u8.ToArray(), grace.Token);
                    }

                    return;
                }

                while (reader.TryRead(out var change))
                    await WriteAsync(body, "experiment", feed.EventId(change.Sequence), cache.Row(change.Summary), writing);
            }
        }

        private static async ValueTask WriteAsync(PipeWriter body, string type, string? id, ReadOnlyMemory<byte> data, CancellationToken ct)
        {
            body.Write(Encoding.UTF8.GetBytes(id is null ? $"event: {type}\ndata: " : $"event: {type}\nid: {id}\ndata: "));
            for (var at = 0; at < data.Length; at += Slice)
            {
                body.Write(data.Span.Slice(at, Math.Min(Slice, data.Length - at)));
                if (data.Length > Slice) await body.FlushAsync(ct);
            }

            body.Write("\n\n"u8);
            await body.FlushAsync(ct);
        }
    }
}
