using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using SkyDeck.Actors.Core;
using SkyDeck.Host.Tests.Support;
using SkyDeck.Testing;

namespace SkyDeck.Host.Tests.Notifications;

/// <summary>A server with a signed webhook to a local receiver, and short retry delays.</summary>
public sealed class WebhookFixture : ApiFixture
{
    public const string Secret = "s3cret-s3cret-s3cret";

    public WebhookReceiver Receiver { get; } = new WebhookReceiver().Start();

    protected override IReadOnlyDictionary<string, string>? Settings => new Dictionary<string, string>
    {
        ["SkyDeck:Webhooks:0:Url"] = Receiver.Url,
        ["SkyDeck:Webhooks:0:Events"] = "experiment.*",
        ["SkyDeck:Webhooks:0:Secret"] = Secret,
        ["SKYDECK_WEBHOOK_BACKOFF_BASE"] = "0.2",
        ["SKYDECK_WEBHOOK_BACKOFF_CAP"] = "0.5",
        ["SKYDECK_POLL_INTERVAL"] = "0.5",
        ["SKYDECK_MAX_RESTARTS"] = "0",
    };
}

/// <summary>Notifications reach a webhook: Slack-shaped, signed, retried until the receiver takes them, and visible.</summary>
public sealed class WebhookDeliveryTests(WebhookFixture fx) : IClassFixture<WebhookFixture>
{
    [Fact]
    public async Task GivenAJobThatSucceeds_ThenTheReceiverGetsOneSignedSlackShapedNotification_AndTheApiAndAuditLogShowItSent()
    {
        var id = fx.NewId("hook-ok");
        await RunToEndAsync(id, SkyJobStatus.Succeeded);

        var received = await Eventually.Until(() => Task.FromResult(ReceivedFor(id)), r => r.Count > 0, $"a notification about {id}", TimeSpan.FromSeconds(20));
        var hook = received[0];
        var body = JsonDocument.Parse(hook.Body).RootElement;
        var timestamp = hook.Header("X-SkyDeck-Timestamp")!;
        var expected = "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(WebhookFixture.Secret), Encoding.UTF8.GetBytes($"{timestamp}.{hook.Body}")));
        var list = await Eventually.Until(() => fx.Client.GetJsonAsync("/api/webhooks"), l => Deliveries(l, id).Any(d => d.GetProperty("status").GetString() == "sent"), "the delivery shows as sent");
        var audit = await fx.Client.GetJsonAsync("/api/events?limit=1000");

        Assert.Equal("experiment.succeeded", hook.Header("X-SkyDeck-Event"));
        Assert.Equal(expected, hook.Header("X-SkyDeck-Signature"));
        Assert.True(Math.Abs(DateTimeOffset.UtcNow.ToUnixTimeSeconds() - long.Parse(timestamp, System.Globalization.CultureInfo.InvariantCulture)) < 600);
        Assert.Contains($"{id} succeeded", body.GetProperty("text").GetString());
        Assert.Equal(hook.Header("X-SkyDeck-Delivery"), body.GetProperty("id").GetString());
        Assert.Equal(id, body.GetProperty("fields").GetProperty("experiment_id").GetString());
        var webhook = Assert.Single(list.GetProperty("webhooks").EnumerateArray());
        Assert.True(webhook.GetProperty("signed").GetBoolean());
        Assert.DoesNotContain(WebhookFixture.Secret, list.GetRawText());
        Assert.DoesNotContain("secret-path", list.GetRawText());
        Assert.Contains(audit.GetProperty("events").EnumerateArray(), e => e.GetProperty("type").GetString() == "notification_delivered" && e.GetProperty("experiment_id").GetString() == id);
        Assert.DoesNotContain("secret-path", audit.GetRawText());
    }

    [Fact]
    public async Task GivenTheReceiverFailsAtFirst_WhenAJobFailsForGood_ThenTheNotificationIsRetriedUntilTakenAndTheFailuresAreRecorded()
    {
        var id = fx.NewId("hook-retry");
        fx.Receiver.Status = 503;
        try
        {
            await RunToEndAsync(id, SkyJobStatus.Failed);
            await Eventually.Until(() => Task.FromResult(ReceivedFor(id)), r => r.Count >= 2, $"{id}: two refused attempts", TimeSpan.FromSeconds(20));
        }
        finally
        {
            fx.Receiver.Status = 200;
        }

        var received = await Eventually.Until(() => Task.FromResult(ReceivedFor(id)), r => r.Any(x => x.AnsweredWith == 200), $"{id}: taken at last", TimeSpan.FromSeconds(20));
        var list = await Eventually.Until(() => fx.Client.GetJsonAsync("/api/webhooks"), l => Deliveries(l, id).Any(d => d.GetProperty("status").GetString() == "sent"), "sent");
        var delivery = Deliveries(list, id).Single(d => d.GetProperty("status").GetString() == "sent");
        var audit = await fx.Client.GetJsonAsync("/api/events?limit=1000");

        Assert.All(received, r => Assert.Equal(received[0].Header("X-SkyDeck-Delivery"), r.Header("X-SkyDeck-Delivery")));
        Assert.All(received, r => Assert.Equal(received[0].Body, r.Body));
        Assert.True(delivery.GetProperty("attempts").GetInt32() >= 3);
        Assert.Contains(audit.GetProperty("events").EnumerateArray(), e => e.GetProperty("type").GetString() == "notification_delivery_failed" && e.GetProperty("reason").GetString()!.Contains("HTTP 503"));
    }

    private List<ReceivedWebhook> ReceivedFor(string id) =>
        [.. fx.Receiver.Received.Where(r => JsonDocument.Parse(r.Body).RootElement.GetProperty("experiment_id").GetString() == id)];

    private static IEnumerable<JsonElement> Deliveries(JsonElement list, string id) =>
        list.GetProperty("deliveries").EnumerateArray().Where(d => d.GetProperty("experiment_id").GetString() == id);

    /// <summary>Creates the experiment RUNNING, waits for its job, and has SkyPilot report it ended with <paramref name="status"/>.</summary>
    private async Task RunToEndAsync(string id, SkyJobStatus status)
    {
        await fx.CreateAsync(id, new { desired_state = "RUNNING" });
        var running = await fx.WaitForAsync(id, e => e.GetProperty("current_state").GetString() == "RUNNING", "running");
        var job = running.GetProperty("current_job");
        fx.Sky.SetJobStatus(job.GetProperty("cluster").GetString()!, job.GetProperty("sky_job_id").GetInt64(), status);
        (await fx.Client.PostAsync("/api/refresh", Http.Json("{}"))).EnsureSuccessStatusCode();
    }
}
