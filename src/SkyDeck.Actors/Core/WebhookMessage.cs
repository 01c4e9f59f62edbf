using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace SkyDeck.Actors.Core;

/// <summary>
/// What a webhook receives. The body is JSON with <c>text</c> first (so a Slack or Mattermost incoming webhook posts it
/// as is) and the structured fields beside it; the same delivery always has the same body. With a secret, the
/// signature is <c>sha256=</c> + hex HMAC-SHA256(secret, <c>"{timestamp}.{body}"</c>), timestamp in Unix seconds.
/// </summary>
public static class WebhookMessage
{
    public const string DeliveryHeader = "X-SkyDeck-Delivery";
    public const string EventHeader = "X-SkyDeck-Event";
    public const string TimestampHeader = "X-SkyDeck-Timestamp";
    public const string SignatureHeader = "X-SkyDeck-Signature";

    public static string Body(Delivery delivery)
    {
        var n = delivery.Notification;
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("text", n.Text);
            json.WriteString("id", delivery.Id);
            json.WriteString("notification_id", n.Id);
            json.WriteString("event", n.Event);
            json.WriteString("at", n.At.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture));
            if (n.ExperimentId is null) json.WriteNull("experiment_id");
            else json.WriteString("experiment_id", n.ExperimentId);
            json.WriteStartObject("fields");
            foreach (var (key, value) in n.Fields) json.WriteString(key, value);
            json.WriteEndObject();
            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    public static string Timestamp(DateTimeOffset at) => at.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);

    public static string Signature(string secret, string timestamp, string body) =>
        "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes($"{timestamp}.{body}")));
}
