using System.Collections.Immutable;

namespace SkyDeck.Actors.Core;

/// <summary>
/// The notification outbox's journaled facts (persistence id <c>notification-outbox</c>), append-only like
/// <see cref="IExperimentEvent"/>. They are tagged like experiment events, so the audit log shows each delivery.
/// </summary>
public interface INotificationEvent : ISkyDeckJournaled
{
    DateTimeOffset At { get; }
}

/// <summary>Recorded before anything is sent: one delivery per webhook that wants the notification, named by its
/// <see cref="Webhook.Key"/> (never its URL, which for Slack holds a secret, and the audit log shows events).</summary>
public sealed record NotificationQueued(Notification Notification, ImmutableArray<string> Webhooks, DateTimeOffset At) : INotificationEvent;

/// <summary>The receiver answered 2xx.</summary>
public sealed record NotificationDelivered(string DeliveryId, int Attempt, int StatusCode, DateTimeOffset At, string? ExperimentId = null) : INotificationEvent;

/// <summary>An attempt failed; <paramref name="NextAttemptAt"/> null: given up.</summary>
public sealed record NotificationDeliveryFailed(string DeliveryId, int Attempt, string Error, DateTimeOffset? NextAttemptAt, DateTimeOffset At, string? ExperimentId = null) : INotificationEvent;
