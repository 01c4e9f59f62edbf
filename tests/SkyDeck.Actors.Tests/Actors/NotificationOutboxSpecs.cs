using System.Collections.Concurrent;
using System.Collections.Immutable;
using Akka.Actor;
using Xunit.Abstractions;
using SkyDeck.Actors.Core;
using SkyDeck.Actors.Notifications;

namespace SkyDeck.Actors.Tests.Actors;

/// <summary>The outbox on virtual time: sends at once, waits its backoff after a failure, never sends a notification
/// twice, and picks pending deliveries up again after a restart.</summary>
public sealed class NotificationOutboxSpecs(ITestOutputHelper output) : ActorSpec(output)
{
    private static readonly Webhook Hook = new("https://hooks.example.com/services/x", [], null);
    private static readonly NotificationOptions Options = new()
    {
        Webhooks = [Hook],
        Outbox = new OutboxSettings(TimeSpan.FromSeconds(10), TimeSpan.FromMinutes(5), MaxAttempts: 5),
    };

    private readonly ScriptedSender _sender = new();

    private static Notification Note(string id) =>
        new(id, NotificationEvents.ExperimentSucceeded, $"{id} succeeded", Support.Specs.T0, "exp", ImmutableSortedDictionary<string, string>.Empty);

    private IActorRef Outbox() => Sys.ActorOf(NotificationOutboxActor.Props(Options, _sender, Clock));

    [Fact]
    public void GivenAFailingReceiver_WhenNotified_ThenRetriedOnlyAfterTheBackoff_AndSentOnceItAnswers()
    {
        _sender.Answers.Enqueue(503);
        var outbox = Outbox();

        outbox.Tell(new Notify(Note("n1")));
        Eventually(() => Assert.Single(_sender.Calls));
        Advance(TimeSpan.FromSeconds(7));
        Assert.Single(_sender.Calls);
        Advance(TimeSpan.FromSeconds(6));
        Eventually(() => Assert.Equal(2, _sender.Calls.Count));
        outbox.Tell(GetNotifications.Instance);
        var view = ExpectMsg<NotificationsView>();

        var delivery = Assert.Single(view.Deliveries);
        Assert.Equal(DeliveryStatus.Sent, delivery.Status);
        Assert.Equal(2, delivery.Attempts);
        Assert.All(_sender.Calls, id => Assert.Equal(delivery.Id, id));
    }

    [Fact]
    public void GivenANotificationAlreadyQueued_WhenNotifiedAgain_ThenNothingMoreIsSent()
    {
        var outbox = Outbox();

        outbox.Tell(new Notify(Note("n2")));
        Eventually(() => Assert.Single(_sender.Calls));
        outbox.Tell(new Notify(Note("n2")));
        outbox.Tell(GetNotifications.Instance);
        ExpectMsg<NotificationsView>();
        Advance(TimeSpan.FromMinutes(10));

        Assert.Single(_sender.Calls);
    }

    [Fact]
    public void GivenAPendingDelivery_WhenTheOutboxRestarts_ThenItIsSentByTheNextIncarnation()
    {
        _sender.Answers.Enqueue(500);
        var first = Outbox();
        first.Tell(new Notify(Note("n3")));
        Eventually(() => Assert.Single(_sender.Calls));
        first.Tell(GetNotifications.Instance);
        Assert.Equal(DeliveryStatus.Pending, ExpectMsg<NotificationsView>().Deliveries.Single().Status);
        Watch(first);
        Sys.Stop(first);
        ExpectTerminated(first);

        var second = Outbox();
        Advance(TimeSpan.FromSeconds(13));

        Eventually(() => Assert.Equal(2, _sender.Calls.Count));
        second.Tell(GetNotifications.Instance);
        Assert.Equal(DeliveryStatus.Sent, ExpectMsg<NotificationsView>().Deliveries.Single().Status);
    }

    /// <summary>Answers each attempt with the next queued status (200 when none is left) and records the delivery ids.</summary>
    private sealed class ScriptedSender : IWebhookSender
    {
        public ConcurrentQueue<int> Answers { get; } = new();

        public ConcurrentQueue<string> Calls { get; } = new();

        public Task<AttemptResult> SendAsync(Delivery delivery, Webhook webhook, DateTimeOffset now, CancellationToken cancellationToken)
        {
            Calls.Enqueue(delivery.Id);
            return Task.FromResult(new AttemptResult(delivery.Id, Answers.TryDequeue(out var status) ? status : 200, null));
        }
    }
}
