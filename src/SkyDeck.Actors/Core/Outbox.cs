using System.Collections.Immutable;

namespace SkyDeck.Actors.Core;

public enum DeliveryStatus { Pending, Sent, Failed }

/// <summary>One notification to one webhook (by <see cref="Core.Webhook.Key"/>). <see cref="Id"/> is what the receiver sees in <c>X-SkyDeck-Delivery</c>.</summary>
public sealed record Delivery(
    string Id,
    string Webhook,
    Notification Notification,
    DeliveryStatus Status,
    int Attempts,
    string? LastError,
    DateTimeOffset QueuedAt,
    DateTimeOffset? NextAttemptAt,
    DateTimeOffset? FinishedAt);

/// <summary>How often and how long the outbox tries.</summary>
public sealed record OutboxSettings(TimeSpan BackoffBase, TimeSpan BackoffCap, int MaxAttempts, int KeepFinished = 500, int RememberIds = 20_000)
{
    public static readonly OutboxSettings Default = new(TimeSpan.FromSeconds(5), TimeSpan.FromMinutes(15), 50);
}

/// <summary>
/// Pure: the outbox's state (every pending delivery, the most recent finished ones, the notification ids already
/// queued), its decisions and its evolution. The actor persists what <see cref="Queue"/> and <see cref="AfterAttempt"/>
/// return and applies it with <see cref="Evolve"/>.
/// </summary>
public sealed record OutboxState(ImmutableDictionary<string, Delivery> Deliveries, ImmutableHashSet<string> Seen, ImmutableQueue<string> SeenOrder, OutboxSettings Settings)
{
    public static OutboxState Empty(OutboxSettings settings) => new(ImmutableDictionary<string, Delivery>.Empty, [], [], settings);

    public IEnumerable<Delivery> Pending => Deliveries.Values.Where(d => d.Status == DeliveryStatus.Pending);

    /// <summary>The fact to record for a new notification; null when it was queued before or no webhook wants it.</summary>
    public NotificationQueued? Queue(Notification notification, IEnumerable<Webhook> webhooks, DateTimeOffset now)
    {
        if (Seen.Contains(notification.Id)) return null;
        var keys = webhooks.Where(w => w.Wants(notification.Event)).Select(w => w.Key).Distinct(StringComparer.Ordinal).ToImmutableArray();
        return keys.IsEmpty ? null : new NotificationQueued(notification, keys, now);
    }

    /// <summary>What an attempt's outcome records: delivered, or failed with the next attempt (none after the last).</summary>
    public INotificationEvent AfterAttempt(Delivery delivery, int? statusCode, string? error, DateTimeOffset now)
    {
        var attempt = delivery.Attempts + 1;
        if (error is null && statusCode is >= 200 and < 300) return new NotificationDelivered(delivery.Id, attempt, statusCode.Value, now, delivery.Notification.ExperimentId);
        var next = attempt >= Settings.MaxAttempts ? (DateTimeOffset?)null : now + DeliveryBackoff.Delay(attempt, delivery.Id, Settings);
        return new NotificationDeliveryFailed(delivery.Id, attempt, error ?? $"HTTP {statusCode}", next, now, delivery.Notification.ExperimentId);
    }

    public static OutboxState Evolve(OutboxState s, INotificationEvent e) => e switch
    {
        NotificationQueued x => s.Remember(x.Notification.Id) with
        {
            Deliveries = s.Deliveries.SetItems(x.Webhooks.Select(key => KeyValuePair.Create(
                DeliveryId(x.Notification.Id, key),
                new Delivery(DeliveryId(x.Notification.Id, key), key, x.Notification, DeliveryStatus.Pending, 0, null, x.At, x.At, null)))),
        },
        NotificationDelivered x => s.Update(x.DeliveryId, d => d with { Status = DeliveryStatus.Sent, Attempts = x.Attempt, NextAttemptAt = null, FinishedAt = x.At }),
        NotificationDeliveryFailed x => s.Update(x.DeliveryId, d => d with
        {
            Status = x.NextAttemptAt is null ? DeliveryStatus.Failed : DeliveryStatus.Pending,
            Attempts = x.Attempt, LastError = x.Error, NextAttemptAt = x.NextAttemptAt, FinishedAt = x.NextAttemptAt is null ? x.At : null,
        }),
        _ => throw new ArgumentOutOfRangeException(nameof(e), e.GetType().Name, "unknown outbox event"),
    };

    /// <summary>Stable per notification and webhook, so a receiver can drop repeats: <c>{notification id}@{webhook key}</c>.</summary>
    public static string DeliveryId(string notificationId, string webhookKey) => $"{notificationId}@{webhookKey}";

    private OutboxState Remember(string id)
    {
        var seen = Seen.Add(id);
        var order = SeenOrder.Enqueue(id);
        while (seen.Count > Settings.RememberIds)
        {
            order = order.Dequeue(out var oldest);
            seen = seen.Remove(oldest);
        }

        return this with { Seen = seen, SeenOrder = order };
    }

    private OutboxState Update(string id, Func<Delivery, Delivery> change)
    {
        if (!Deliveries.TryGetValue(id, out var delivery)) return this;
        var deliveries = Deliveries.SetItem(id, change(delivery));
        var finished = deliveries.Values.Where(d => d.Status != DeliveryStatus.Pending).ToList();
        if (finished.Count > Settings.KeepFinished)
            deliveries = deliveries.RemoveRange(finished.OrderBy(d => d.FinishedAt).Take(finished.Count - Settings.KeepFinished).Select(d => d.Id));
        return this with { Deliveries = deliveries };
    }
}

/// <summary>Capped exponential backoff for webhook attempts, with a deterministic ±20% spread per delivery.</summary>
public static class DeliveryBackoff
{
    public static TimeSpan Delay(int failedAttempts, string deliveryId, OutboxSettings settings) =>
        Backoff.Delay(failedAttempts, deliveryId, settings.BackoffBase, settings.BackoffCap);
}
