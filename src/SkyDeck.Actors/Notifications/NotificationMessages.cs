using System.Collections.Immutable;
using SkyDeck.Actors.Core;

namespace SkyDeck.Actors.Notifications;

/// <summary>To the outbox: record this notification (once per id) and deliver it to every webhook that wants it.</summary>
public sealed record Notify(Notification Notification);

/// <summary>To the outbox: reply <see cref="NotificationsView"/>.</summary>
public sealed record GetNotifications
{
    public static readonly GetNotifications Instance = new();
}

/// <summary>Pending deliveries and the most recent finished ones, newest first.</summary>
public sealed record NotificationsView(ImmutableArray<Delivery> Deliveries);

/// <summary>
/// Published on the event stream by the poller after each poll: the notifier watches SkyPilot's reachability with it.
/// In cluster mode each node's relay also publishes it on <see cref="Topic"/>, for the notifier singleton wherever it runs.
/// </summary>
public sealed record SkyPilotPolled(DateTimeOffset At, bool Succeeded, string? Error)
{
    public const string Topic = "skydeck-skypilot-polls";
}

/// <summary>The outbox's snapshot (its state without the derived indexes).</summary>
public sealed record OutboxSnapshot(ImmutableArray<Delivery> Deliveries, ImmutableArray<string> Seen) : ISkyDeckJournaled;
