using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;

namespace SkyDeck.Host.Api;

/// <summary>
/// <c>GET /api/stream</c>: server-sent events of every read-model change. Events: <c>snapshot</c> (all experiments,
/// when starting fresh), <c>experiment</c> (one changed experiment), <c>ping</c> (keep-alive every 15 s). Every event has
/// an id; reconnecting with <c>Last-Event-ID</c> resumes after it.
/// </summary>
public static class StreamEndpoints
{
    public static readonly TimeSpan Heartbeat = TimeSpan.FromSeconds(15);

    public static IEndpointRouteBuilder MapStreamEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/stream", Stream).WithTags("Experiments").WithName("Stream");
        return app;
    }

    public static IResult Stream(HttpContext http, LiveFeed feed, Experiments experiments, CancellationToken ct)
    {
        var lastEventId = http.Request.Headers["Last-Event-ID"].ToString() is { Length: > 0 } header ? header : http.Request.Query["last_event_id"].ToString();
        http.Response.Headers.CacheControl = "no-cache";
        http.Response.Headers["X-Accel-Buffering"] = "no";
        return TypedResults.ServerSentEvents(Events(feed, experiments, lastEventId, ct));
    }

    private enum Wait { Ready, Heartbeat, Closed }

    private static async Task<Wait> WaitAsync(System.Threading.Channels.ChannelReader<FeedEvent> reader, CancellationToken beat, CancellationToken ct)
    {
        try
        {
            return await reader.WaitToReadAsync(beat) ? Wait.Ready : Wait.Closed;
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return Wait.Heartbeat;
        }
    }

    private static async IAsyncEnumerable<SseItem<object>> Events(LiveFeed feed, Experiments experiments, string? lastEventId, [EnumeratorCancellation] CancellationToken ct)
    {
        using var subscription = feed.Subscribe(lastEventId);
        if (subscription.Replay is { } missed)
        {
            foreach (var change in missed)
                yield return new SseItem<object>(ExperimentDto.From(change.Summary), "experiment") { EventId = feed.EventId(change.Sequence) };
        }
        else
        {
            var all = await experiments.ListAsync(ct);
            yield return new SseItem<object>(new ExperimentListDto([.. all.Select(ExperimentDto.From)]), "snapshot") { EventId = feed.EventId(subscription.At) };
        }

        var reader = subscription.Changes;
        while (!ct.IsCancellationRequested)
        {
            using var beat = CancellationTokenSource.CreateLinkedTokenSource(ct);
            beat.CancelAfter(Heartbeat);
            var wait = await WaitAsync(reader, beat.Token, ct);
            if (wait == Wait.Heartbeat)
            {
                yield return new SseItem<object>(new { at = experiments.Now }, "ping");
                continue;
            }

            if (wait == Wait.Closed) yield break;
            while (reader.TryRead(out var change))
                yield return new SseItem<object>(ExperimentDto.From(change.Summary), "experiment") { EventId = feed.EventId(change.Sequence) };
        }
    }
}
