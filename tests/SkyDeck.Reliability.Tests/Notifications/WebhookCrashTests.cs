using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using SkyDeck.Reliability.Tests.Support;
using SkyDeck.Testing;

namespace SkyDeck.Reliability.Tests.Notifications;

/// <summary>
/// The outbox is durable: a notification queued while the receiver is down survives a SIGKILL of SkyDeck, is retried by
/// the next server, and the receiver takes it exactly once (one delivery id, one accepted request).
/// </summary>
[Trait("Category", "Slow")]
public sealed class WebhookCrashTests(ITestOutputHelper output) : IDisposable
{
    private const string Id = "hookkill";
    private const string Secret = "reliability-secret-0123";

    private readonly WebhookReceiver _receiver = new();
    private Testbed? _bed;

    [Fact]
    public async Task GivenTheReceiverDown_WhenSkyDeckIsKilledWithTheNotificationPending_ThenTheNextServerDeliversItExactlyOnce()
    {
        _bed = new Testbed(new Dictionary<string, string>
        {
            ["SkyDeck__Webhooks__0__Url"] = _receiver.Url,
            ["SkyDeck__Webhooks__0__Secret"] = Secret,
            ["SKYDECK_WEBHOOK_BACKOFF_BASE"] = "0.5",
            ["SKYDECK_WEBHOOK_BACKOFF_CAP"] = "1",
        });
        _bed.Control(c => c.WithScript($"skydeck-{Id}-*", "PENDING", "RUNNING", "SUCCEEDED"));
        var server = await _bed.StartAsync();
        Assert.True((await server.Api.CreateAsync(Id, "RUNNING")).IsSuccess);

        var pending = await Eventually.Until(
            () => DeliveriesAsync(server),
            ds => ds.Any(d => d.GetProperty("status").GetString() == "pending" && d.GetProperty("attempts").GetInt32() >= 2),
            "the succeeded notification pending after failed attempts (receiver down)",
            TimeSpan.FromSeconds(90));
        var deliveryId = pending.Single().GetProperty("delivery_id").GetString();
        output.WriteLine($"pending before the kill: {deliveryId}");
        await server.KillAsync();

        _receiver.Start();
        server = await _bed.StartAsync();
        var sent = await Eventually.Until(
            () => DeliveriesAsync(server),
            ds => ds.Any(d => d.GetProperty("status").GetString() == "sent"),
            "the notification sent by the next server",
            TimeSpan.FromSeconds(60));
        var received = _receiver.Received;

        var delivery = Assert.Single(sent);
        Assert.Equal(deliveryId, delivery.GetProperty("delivery_id").GetString());
        var request = Assert.Single(received);
        Assert.Equal(deliveryId, request.Header("X-SkyDeck-Delivery"));
        Assert.Equal("experiment.succeeded", request.Header("X-SkyDeck-Event"));
        var expected = "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(Secret), Encoding.UTF8.GetBytes($"{request.Header("X-SkyDeck-Timestamp")}.{request.Body}")));
        Assert.Equal(expected, request.Header("X-SkyDeck-Signature"));
        Assert.Contains($"{Id} succeeded", JsonDocument.Parse(request.Body).RootElement.GetProperty("text").GetString());
    }

    private static async Task<List<JsonElement>> DeliveriesAsync(SkyDeckServerProcess server)
    {
        var text = await server.Http.GetStringAsync("/api/webhooks");
        return [.. JsonDocument.Parse(text).RootElement.GetProperty("deliveries").EnumerateArray()];
    }

    public void Dispose()
    {
        _bed?.Dispose();
        _receiver.Dispose();
    }
}
