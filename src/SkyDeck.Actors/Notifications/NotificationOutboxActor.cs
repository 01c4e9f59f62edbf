using System.Collections.Immutable;
using Akka.Actor;
using Akka.Event;
using Akka.Persistence;
using SkyDeck.Actors.Core;

namespace SkyDeck.Actors.Notifications;

/// <summary>
/// The durable outbox: a notification is journaled (<see cref="NotificationQueued"/>) before it is sent, every attempt's
/// outcome is journaled, and pending deliveries are retried with capped backoff — across restarts, since recovery
/// brings them back. At-least-once: a crash between a 2xx and its record sends again, with the same
/// <c>X-SkyDeck-Delivery</c> id. Sends run off the actor (piped back), at most <see cref="MaxInFlight"/> at a time,
/// each bounded by the sender's timeout, so a dead endpoint delays nothing but its own retries.
/// </summary>
public sealed class NotificationOutboxActor : ReceivePersistentActor, IWithTimers
{
    public const string Id = "notification-outbox";
    private const int MaxInFlight = 8;
    private const int SnapshotEvery = 200;

    private readonly NotificationOptions _options;
    private readonly IWebhookSender _sender;
    private readonly TimeProvider _clock;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly HashSet<string> _inFlight = [];
    private readonly CancellationTokenSource _stopping = new();
    private OutboxState _state;

    public NotificationOutboxActor(NotificationOptions options, IWebhookSender sender, TimeProvider clock)
    {
        _options = options;
        _sender = sender;
        _clock = clock;
        _state = OutboxState.Empty(options.Outbox);

        Recover<SnapshotOffer>(offer =>
        {
            if (offer.Snapshot is OutboxSnapshot s) _state = FromSnapshot(s);
        });
        Recover<INotificationEvent>(e => _state = OutboxState.Evolve(_state, e));
        Recover<RecoveryCompleted>(_ =>
        {
            var pending = _state.Pending.Count();
            if (pending > 0) _log.Info("Notification outbox recovered {0} pending deliveries", pending);
            Dispatch();
        });

        Command<Notify>(Queue);
        Command<AttemptResult>(Finished);
        Command<Wake>(_ => Dispatch());
        Command<GetNotifications>(_ => Sender.Tell(new NotificationsView(
            [.. _state.Deliveries.Values.OrderByDescending(d => d.Status == DeliveryStatus.Pending).ThenByDescending(d => d.FinishedAt ?? d.QueuedAt)])));
        Command<SaveSnapshotSuccess>(_ => { });
        Command<SaveSnapshotFailure>(f => _log.Warning("Notification outbox snapshot failed: {0}", f.Cause.Message));
    }

    public override string PersistenceId => Id;

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(NotificationOptions options, IWebhookSender sender, TimeProvider clock) =>
        Akka.Actor.Props.Create(() => new NotificationOutboxActor(options, sender, clock));

    protected override void PostStop()
    {
        _stopping.Cancel();
        _stopping.Dispose();
        base.PostStop();
    }

    private void Queue(Notify notify)
    {
        if (_state.Queue(notify.Notification, _options.Webhooks, _clock.GetUtcNow()) is not { } queued) return;
        Persist(queued, e =>
        {
            Apply(e);
            _log.Info("Notification {0} queued for {1} webhook(s): {2}", e.Notification.Id, e.Webhooks.Length, e.Notification.Text);
            Dispatch();
        });
    }

    private void Finished(AttemptResult result)
    {
        _inFlight.Remove(result.DeliveryId);
        if (!_state.Deliveries.TryGetValue(result.DeliveryId, out var delivery) || delivery.Status != DeliveryStatus.Pending) return;
        var outcome = _state.AfterAttempt(delivery, result.StatusCode, result.Error, _clock.GetUtcNow());
        Persist(outcome, e =>
        {
            Apply(e);
            if (e is NotificationDeliveryFailed failed)
                _log.Warning("Webhook delivery {0} attempt {1} failed: {2}; {3}", failed.DeliveryId, failed.Attempt, failed.Error,
                    failed.NextAttemptAt is { } next ? $"next attempt at {next:O}" : "giving up");
            Dispatch();
        });
    }

    private void Apply(INotificationEvent e)
    {
        _state = OutboxState.Evolve(_state, e);
        if (LastSequenceNr % SnapshotEvery == 0)
            SaveSnapshot(new OutboxSnapshot([.. _state.Deliveries.Values], [.. _state.SeenOrder]));
    }

    /// <summary>Starts every due delivery (up to the in-flight cap) and sets the timer for the next one.</summary>
    private void Dispatch()
    {
        var now = _clock.GetUtcNow();
        var waiting = _state.Pending.Where(d => !_inFlight.Contains(d.Id)).OrderBy(d => d.NextAttemptAt).ToList();
        foreach (var delivery in waiting.Where(d => d.NextAttemptAt <= now).Take(MaxInFlight - _inFlight.Count))
        {
            _inFlight.Add(delivery.Id);
            var webhook = _options.Webhooks.FirstOrDefault(w => w.Key == delivery.Webhook);
            if (webhook is null)
            {
                Self.Tell(new AttemptResult(delivery.Id, null, "this webhook is no longer configured"));
                continue;
            }

            _sender.SendAsync(delivery, webhook, now, _stopping.Token).PipeTo(Self, failure: e => new AttemptResult(delivery.Id, null, e.GetBaseException().Message));
        }

        var next = _state.Pending.Where(d => !_inFlight.Contains(d.Id)).Select(d => d.NextAttemptAt).Min();
        if (next is { } at) Timers.StartSingleTimer(Wake.Instance, Wake.Instance, at > now ? at - now : TimeSpan.FromMilliseconds(100));
        else Timers.Cancel(Wake.Instance);
    }

    private OutboxState FromSnapshot(OutboxSnapshot s)
    {
        var state = OutboxState.Empty(_options.Outbox);
        return state with
        {
            Deliveries = s.Deliveries.ToImmutableDictionary(d => d.Id),
            Seen = [.. s.Seen],
            SeenOrder = ImmutableQueue.CreateRange(s.Seen),
        };
    }

    private sealed class Wake
    {
        public static readonly Wake Instance = new();
    }
}
