using System.Collections.Immutable;
using SkyDeck.Actors.Core;

namespace SkyDeck.Actors.Notifications;

/// <summary>Webhooks (<c>SkyDeck:Webhooks</c>) and how notifications are delivered.</summary>
public sealed record NotificationOptions
{
    public ImmutableArray<Webhook> Webhooks { get; init; } = [];

    /// <summary>SkyPilot polls failing this long is worth telling (<c>SKYDECK_NOTIFY_UNREACHABLE_MINUTES</c>, default 10).</summary>
    public TimeSpan UnreachableAfter { get; init; } = TimeSpan.FromMinutes(10);

    public OutboxSettings Outbox { get; init; } = OutboxSettings.Default;

    /// <summary>How long one attempt may take before it counts as failed: a dead endpoint costs the outbox this, nothing else.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(10);

    public bool Enabled => !Webhooks.IsDefaultOrEmpty;
}
