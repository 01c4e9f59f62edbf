using System.Threading.Channels;
using Akka.Actor;
using SkyDeck.Actors.Core;
using SkyDeck.Actors.Experiments;

namespace SkyDeck.Host.Api;

/// <summary>One change of the read model, numbered in the order this process saw it.</summary>
public sealed record FeedEvent(long Sequence, ExperimentSummary Summary);

/// <summary>
/// Fans summary changes out to server-sent-event clients. Keeps the most recent changes so that a client that
/// reconnects with <c>Last-Event-ID</c> resumes exactly where it left off; one that fell too far behind (or saw another
/// process) gets a fresh snapshot instead. A client too slow to keep up is disconnected rather than silently skipped.
/// </summary>
public sealed class LiveFeed
{
    public const int Retained = 10_000;
    public const int ClientBuffer = 4_096;

    private readonly Lock _gate = new();
    private readonly Queue<FeedEvent> _recent = new();
    private readonly List<Channel<FeedEvent>> _clients = [];
    private long _sequence;

    /// <summary>Distinguishes this process's event ids from a previous run's.</summary>
    public string Boot { get; } = Guid.NewGuid().ToString("N")[..8];

    public string EventId(long sequence) => $"{Boot}-{sequence}";

    public int Clients
    {
        get { lock (_gate) return _clients.Count; }
    }

    public void Publish(ExperimentSummary summary)
    {
        lock (_gate)
        {
            var change = new FeedEvent(++_sequence, summary);
            _recent.Enqueue(change);
            if (_recent.Count > Retained) _recent.Dequeue();
            for (var i = _clients.Count - 1; i >= 0; i--)
            {
                if (_clients[i].Writer.TryWrite(change)) continue;
                _clients[i].Writer.TryComplete();
                _clients.RemoveAt(i);
            }
        }
    }

    /// <summary>
    /// Starts following. <see cref="Subscription.Replay"/> holds the missed changes when <paramref name="lastEventId"/>
    /// can be resumed from; null means the client needs a snapshot (taken after subscribing, so nothing is lost).
    /// </summary>
    public Subscription Subscribe(string? lastEventId)
    {
        var channel = Channel.CreateBounded<FeedEvent>(new BoundedChannelOptions(ClientBuffer) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });
        lock (_gate)
        {
            _clients.Add(channel);
            IReadOnlyList<FeedEvent>? replay = null;
            if (TryParse(lastEventId) is { } resumeAfter && resumeAfter <= _sequence && (_recent.Count == 0 ? resumeAfter == _sequence : resumeAfter >= _recent.Peek().Sequence - 1))
                replay = [.. _recent.Where(e => e.Sequence > resumeAfter)];
            return new Subscription(this, channel, replay, _sequence);
        }
    }

    private long? TryParse(string? lastEventId) =>
        lastEventId is { } id && id.StartsWith(Boot + "-", StringComparison.Ordinal) && long.TryParse(id[(Boot.Length + 1)..], out var sequence) ? sequence : null;

    private void Unsubscribe(Channel<FeedEvent> channel)
    {
        lock (_gate) _clients.Remove(channel);
    }

    public sealed class Subscription(LiveFeed feed, Channel<FeedEvent> channel, IReadOnlyList<FeedEvent>? replay, long at) : IDisposable
    {
        public IReadOnlyList<FeedEvent>? Replay { get; } = replay;

        /// <summary>The feed position when subscribing: the id of a snapshot taken now.</summary>
        public long At { get; } = at;

        public ChannelReader<FeedEvent> Changes => channel.Reader;

        public void Dispose() => feed.Unsubscribe(channel);
    }
}

/// <summary>Subscribes to the manager's summary changes and hands them to the <see cref="LiveFeed"/>.</summary>
public sealed class LiveFeedBridgeActor : ReceiveActor
{
    private readonly IActorRef _manager;

    public LiveFeedBridgeActor(IActorRef manager, LiveFeed feed)
    {
        _manager = manager;
        Receive<SummaryChanged>(changed => feed.Publish(changed.Summary));
    }

    public static Props Props(IActorRef manager, LiveFeed feed) => Akka.Actor.Props.Create(() => new LiveFeedBridgeActor(manager, feed));

    protected override void PreStart() => _manager.Tell(new SubscribeToSummaries(Self));
}
