using Akka.Actor;
using Akka.Hosting;
using Microsoft.AspNetCore.Http.HttpResults;
using SkyDeck.Actors.Core;
using SkyDeck.Actors.Hosting;
using SkyDeck.Actors.Notifications;

namespace SkyDeck.Host.Api;

/// <summary>A configured webhook as the API shows it: never its secret, and its URL without path or query.</summary>
public sealed record WebhookDto(string Key, string Url, IReadOnlyList<string> Events, bool Signed);

/// <summary>One notification's delivery to one webhook: <c>pending</c> (queued or retrying), <c>sent</c> or <c>failed</c> (given up).</summary>
public sealed record DeliveryDto(
    string DeliveryId,
    string NotificationId,
    string Event,
    string Text,
    string? ExperimentId,
    string Webhook,
    string Status,
    int Attempts,
    string? LastError,
    DateTimeOffset QueuedAt,
    DateTimeOffset? NextAttemptAt,
    DateTimeOffset? FinishedAt);

public sealed record WebhookListDto(IReadOnlyList<WebhookDto> Webhooks, IReadOnlyList<DeliveryDto> Deliveries);

/// <summary><c>GET /api/webhooks</c>: the configured webhooks and the recent deliveries, pending first.</summary>
public static class NotificationEndpoints
{
    public static IEndpointRouteBuilder MapNotificationEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/webhooks", List).WithTags("Notifications").WithName("ListWebhooks");
        return app;
    }

    public static async Task<Ok<WebhookListDto>> List(SkyDeckOptions options, ActorRegistry registry, CancellationToken ct)
    {
        var webhooks = options.Notifications.Webhooks;
        var deliveries = registry.TryGet<NotificationOutboxActor>(out var outbox)
            ? (await outbox.Ask<NotificationsView>(GetNotifications.Instance, TimeSpan.FromSeconds(10), ct)).Deliveries
            : [];
        return TypedResults.Ok(new WebhookListDto(
            [.. webhooks.Select(w => new WebhookDto(w.Key, w.DisplayUrl, w.Events.IsDefaultOrEmpty ? ["*"] : [.. w.Events], w.Secret is not null))],
            [.. deliveries.Take(100).Select(d => new DeliveryDto(
                d.Id, d.Notification.Id, d.Notification.Event, d.Notification.Text, d.Notification.ExperimentId,
                webhooks.FirstOrDefault(w => w.Key == d.Webhook)?.DisplayUrl ?? d.Webhook,
                d.Status.ToString().ToLowerInvariant(), d.Attempts, d.LastError, d.QueuedAt, d.NextAttemptAt, d.FinishedAt))]));
    }
}
