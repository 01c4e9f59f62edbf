using System.Threading.Channels;
using Akka.Actor;
using SkyDeck.Actors.Core;
using SkyDeck.Actors.Experiments;

namespace SkyDeck.Host.Api;

/// <summary>One change of the read model, numbered in the order this process saw it.</summary>
public sealed record FeedEvent(long Sequence, ExperimentSummary Summary);

/// <summary>How many live-stream subscribers the server takes and how far behind one may fall.</summary>
/// <param name="MaxClients">Beyond this many open streams a new one is refused with 503 and Retry-After
/// (<c>SKYDECK_MAX_STREAM_CLIENTS</c>); the page falls back to polling and tries again.</param>
/// <param name="ClientBuffer">Changes queued for one subscriber; one that falls further behind is told to resync
/// and disconnected.</param>
public sealed record LiveFeedOptions(int MaxClients = LiveFeedOptions.DefaultMaxClients, int ClientBuffer = LiveFeedOptions.DefaultClientBuffer)
{
    public const int DefaultMaxClients = 256;
    public const int DefaultClientBuffer = 4_096;
}

/// <summary>
/// Fans summary changes out to server-sent-event clients. Keeps the most recent changes so that a client that
/// reconnects with <c>Last-Event-ID</c> resumes exactly where it left off; one that fell too far behind (or saw another
/// process) gets a fresh snapshot instead. Each subscriber has a bounded queue: one too slow to keep up is cut off
/// (its queue completes with <see cref="SlowSubscriberException"/>) rather than silently skipped or left to grow.
/// </summary>
public sealed class LiveFeed(LiveFeedOptions options)
{
    public const int Retained = 10_000;

    private readonly Lock _gate = new();
    private readonly Queue<FeedEvent> _recent = new();
    private readonly List<Subscription> _clients = [];
    private long _sequence;

    public LiveFeed()
        : this(new LiveFeedOptions())
    {
    }

    public LiveFeedOptions Options { get; } = options;

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
                if (_clients[i].Offer(change)) continue;
                _clients.RemoveAt(i);
            }
        }
    }

    /// <summary>
    /// Starts following, or null when <see cref="LiveFeedOptions.MaxClients"/> streams are open already.
    /// <see cref="Subscription.Replay"/> holds the missed changes when <paramref name="lastEventId"/> can be resumed
    /// from; null means the client needs a snapshot (taken after subscribing, so nothing is lost).
    /// </summary>
    public Subscription? TrySubscribe(string? lastEventId)
    {
        lock (_gate)
        {
            if (_clients.Count >= Options.MaxClients) return null;
            IReadOnlyList<FeedEvent>? replay = null;
            if (TryParse(lastEventId) is { } resumeAfter && resumeAfter <= _sequence && (_recent.Count == 0 ? resumeAfter == _sequence : resumeAfter >= _recent.Peek().Sequence - 1))
                replay = [.. _recent.Where(e => e.Sequence > resumeAfter)];
            var subscription = new Subscription(this, Options.ClientBuffer, replay, _sequence);
            _clients.Add(subscription);
            return subscription;
        }
    }

    private long? TryParse(string? lastEventId) =>
        lastEventId is { } id && id.StartsWith(Boot + "-", StringComparison.Ordinal) && long.TryParse(id[(Boot.Length + 1)..], out var sequence) ? sequence : null;

    private void Unsubscribe(Subscription subscription)
    {
        lock (_gate) _clients.Remove(subscription);
    }

    public sealed class Subscription : IDisposable
    {
        private readonly LiveFeed _feed;
        private readonly Channel<FeedEvent> _channel;
        private readonly CancellationTokenSource _cutOff = new();

        internal Subscription(LiveFeed feed, int buffer, IReadOnlyList<FeedEvent>? replay, long at)
        {
            _feed = feed;
            _channel = Channel.CreateBounded<FeedEvent>(new BoundedChannelOptions(buffer) { SingleReader = true, SingleWriter = true, FullMode = BoundedChannelFullMode.Wait });
            Replay = replay;
            At = at;
        }

        public IReadOnlyList<FeedEvent>? Replay { get; }

        /// <summary>The feed position when subscribing: the id of a snapshot taken now.</summary>
        public long At { get; }

        public ChannelReader<FeedEvent> Changes => _channel.Reader;

        /// <summary>Cancelled when this subscriber fell too far behind and was cut off.</summary>
        public CancellationToken CutOff => _cutOff.Token;

        /// <summary>Queues a change; false (and cut off) when the queue is full.</summary>
        internal bool Offer(FeedEvent change)
        {
            if (_channel.Writer.TryWrite(change)) return true;
            _channel.Writer.TryComplete(new SlowSubscriberException());
            // Asynchronously: Publish holds the feed's lock, and the stream's cancellation callbacks must not run under it.
            _ = _cutOff.CancelAsync();
            return false;
        }

        public void Dispose()
        {
            _feed.Unsubscribe(this);
            _channel.Writer.TryComplete();
        }
    }
}

/// <summary>A subscriber did not read its changes fast enough and was cut off; it must resync.</summary>
public sealed class SlowSubscriberException() : Exception("the subscriber fell too far behind");

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
