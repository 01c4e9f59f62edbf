using System.Collections.Immutable;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using SkyDeck.Actors.Core;

namespace SkyDeck.Actors.Tests.Notifying;

public sealed class OutboxTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 2, 10, 0, 0, TimeSpan.Zero);
    private static readonly OutboxSettings Settings = new(TimeSpan.FromSeconds(5), TimeSpan.FromMinutes(15), MaxAttempts: 4);
    private static readonly Webhook Slack = new("https://hooks.slack.com/services/T1/B2/abc", [], null);
    private static readonly Webhook OnlySkyPilot = new("https://ops.example.com/hook", ["skypilot.*"], "0123456789abcdef");

    private static Notification Note(string id = "experiment.failed:exp/run1/job1") =>
        new(id, NotificationEvents.ExperimentFailed, "⚠️ exp failed", T0, "exp", ImmutableSortedDictionary<string, string>.Empty.Add("experiment_id", "exp"));

    [Fact]
    public void GivenANewNotification_WhenQueued_ThenOneDeliveryPerWebhookThatWantsIt_PendingAndDueNow()
    {
        var state = OutboxState.Empty(Settings);

        var queued = state.Queue(Note(), [Slack, OnlySkyPilot], T0)!;
        state = OutboxState.Evolve(state, queued);

        Assert.Equal([Slack.Key], queued.Webhooks.ToArray());
        var delivery = Assert.Single(state.Pending);
        Assert.Equal($"{Note().Id}@{Slack.Key}", delivery.Id);
        Assert.Equal(T0, delivery.NextAttemptAt);
        Assert.DoesNotContain("abc", JsonSerializer.Serialize(queued));
    }

    [Fact]
    public void GivenANotificationAlreadyQueued_WhenQueuedAgain_ThenNothingIsRecorded()
    {
        var state = OutboxState.Evolve(OutboxState.Empty(Settings), OutboxState.Empty(Settings).Queue(Note(), [Slack], T0)!);

        Assert.Null(state.Queue(Note(), [Slack], T0.AddMinutes(1)));
        Assert.Null(OutboxState.Empty(Settings).Queue(Note(), [OnlySkyPilot], T0));
    }

    [Fact]
    public void GivenFailedAttempts_ThenEachWaitsLongerUpToTheCap_AndTheLastGivesUp()
    {
        var state = OutboxState.Evolve(OutboxState.Empty(Settings), OutboxState.Empty(Settings).Queue(Note(), [Slack], T0)!);
        var waits = new List<TimeSpan>();
        var now = T0;
        for (var i = 0; i < Settings.MaxAttempts; i++)
        {
            var delivery = state.Deliveries.Values.Single();
            var failed = Assert.IsType<NotificationDeliveryFailed>(state.AfterAttempt(delivery, 500, null, now));
            if (failed.NextAttemptAt is { } next) waits.Add(next - now);
            state = OutboxState.Evolve(state, failed);
            now = failed.NextAttemptAt ?? now;
        }

        var last = state.Deliveries.Values.Single();
        Assert.Equal(Settings.MaxAttempts - 1, waits.Count);
        Assert.True(waits.Zip(waits.Skip(1)).All(p => p.Item2 > p.Item1), string.Join(", ", waits));
        Assert.Equal(DeliveryStatus.Failed, last.Status);
        Assert.Equal("HTTP 500", last.LastError);
        Assert.Empty(state.Pending);
    }

    [Fact]
    public void GivenADelivery_WhenTheReceiverAnswers2xx_ThenSent()
    {
        var state = OutboxState.Evolve(OutboxState.Empty(Settings), OutboxState.Empty(Settings).Queue(Note(), [Slack], T0)!);
        var delivery = state.Deliveries.Values.Single();

        state = OutboxState.Evolve(state, state.AfterAttempt(delivery, 204, null, T0.AddSeconds(1)));

        Assert.Equal(DeliveryStatus.Sent, state.Deliveries.Values.Single().Status);
        Assert.Equal(1, state.Deliveries.Values.Single().Attempts);
    }

    [Theory]
    [InlineData(1, 4, 6)]
    [InlineData(2, 8, 12)]
    [InlineData(5, 64, 96)]
    [InlineData(12, 720, 900)]
    [InlineData(40, 720, 900)]
    public void GivenFailures_ThenTheBackoffDoublesWithASpreadAndIsCapped(int failures, double minSeconds, double maxSeconds)
    {
        var delay = DeliveryBackoff.Delay(failures, "d1", Settings);

        Assert.InRange(delay.TotalSeconds, minSeconds, maxSeconds);
        Assert.Equal(delay, DeliveryBackoff.Delay(failures, "d1", Settings));
    }

    [Fact]
    public void GivenASecret_ThenTheSignatureIsHmacSha256OfTimestampDotBody_AndTheBodyStartsWithText()
    {
        var delivery = new Delivery("n@k", Slack.Key, Note(), DeliveryStatus.Pending, 0, null, T0, T0, null);
        var body = WebhookMessage.Body(delivery);
        var timestamp = WebhookMessage.Timestamp(T0);

        var signature = WebhookMessage.Signature("0123456789abcdef", timestamp, body);

        var expected = Convert.ToHexStringLower(HMACSHA256.HashData("0123456789abcdef"u8.ToArray(), Encoding.UTF8.GetBytes($"{timestamp}.{body}")));
        Assert.Equal($"sha256={expected}", signature);
        Assert.StartsWith("{\"text\":", body);
        Assert.Equal("1796205600", timestamp);
        var json = JsonDocument.Parse(body).RootElement;
        Assert.Equal("n@k", json.GetProperty("id").GetString());
        Assert.Equal("exp", json.GetProperty("fields").GetProperty("experiment_id").GetString());
        Assert.Equal(body, WebhookMessage.Body(delivery with { Attempts = 3 }));
    }
}
