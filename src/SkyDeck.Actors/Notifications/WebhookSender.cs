using System.Text;
using SkyDeck.Actors.Core;

namespace SkyDeck.Actors.Notifications;

/// <summary>The outcome of one attempt: the HTTP status, or why there was none.</summary>
public sealed record AttemptResult(string DeliveryId, int? StatusCode, string? Error);

/// <summary>Sends one delivery; never throws (a failure is a result).</summary>
public interface IWebhookSender
{
    Task<AttemptResult> SendAsync(Delivery delivery, Webhook webhook, DateTimeOffset now, CancellationToken cancellationToken);
}

/// <summary>
/// POSTs <see cref="WebhookMessage.Body"/> with the delivery, event and (with a secret) timestamp and signature headers,
/// through one pooled HttpClient with a per-attempt timeout.
/// </summary>
public sealed class HttpWebhookSender(TimeSpan timeout) : IWebhookSender, IDisposable
{
    private readonly HttpClient _http = new(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(2), ConnectTimeout = timeout }) { Timeout = timeout };

    public async Task<AttemptResult> SendAsync(Delivery delivery, Webhook webhook, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var body = WebhookMessage.Body(delivery);
        using var request = new HttpRequestMessage(HttpMethod.Post, webhook.Url) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Add(WebhookMessage.DeliveryHeader, delivery.Id);
        request.Headers.Add(WebhookMessage.EventHeader, delivery.Notification.Event);
        request.Headers.UserAgent.ParseAdd("SkyDeck-Webhook/1");
        if (webhook.Secret is { Length: > 0 } secret)
        {
            var timestamp = WebhookMessage.Timestamp(now);
            request.Headers.Add(WebhookMessage.TimestampHeader, timestamp);
            request.Headers.Add(WebhookMessage.SignatureHeader, WebhookMessage.Signature(secret, timestamp, body));
        }

        try
        {
            using var response = await _http.SendAsync(request, cancellationToken).ConfigureAwait(false);
            return new AttemptResult(delivery.Id, (int)response.StatusCode, null);
        }
        catch (HttpRequestException e)
        {
            return new AttemptResult(delivery.Id, null, e.Message);
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new AttemptResult(delivery.Id, null, $"no answer within {timeout.TotalSeconds:0} s");
        }
    }

    public void Dispose() => _http.Dispose();
}
