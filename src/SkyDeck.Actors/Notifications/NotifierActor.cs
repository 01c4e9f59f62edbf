using Akka.Actor;
using SkyDeck.Actors.Core;
using SkyDeck.Actors.Experiments;

namespace SkyDeck.Actors.Notifications;

/// <summary>
/// Turns what happens into notifications without the experiments knowing: it follows the manager's summary changes
/// (as the live feed does) and the poller's results (on the event stream), asks the pure
/// <see cref="NotificationRules"/> what is worth telling, and hands that to the outbox. The baseline is the table
/// when it starts, so a restart does not announce old news.
/// </summary>
public sealed class NotifierActor : ReceiveActor
{
    private readonly IActorRef _manager;
    private readonly Dictionary<string, ExperimentSummary> _last = new(StringComparer.Ordinal);
    private SkyPilotWatch _watch = SkyPilotWatch.Healthy;

    public NotifierActor(IActorRef manager, IActorRef outbox, TimeSpan unreachableAfter)
    {
        _manager = manager;
        Receive<ExperimentList>(list =>
        {
            foreach (var summary in list.Experiments) _last.TryAdd(summary.Id, summary);
        });
        Receive<SummaryChanged>(changed =>
        {
            var after = changed.Summary;
            _last.TryGetValue(after.Id, out var before);
            _last[after.Id] = after;
            foreach (var notification in NotificationRules.ForChange(before, after)) outbox.Tell(new Notify(notification));
        });
        Receive<SkyPilotPolled>(poll =>
        {
            (_watch, var notifications) = NotificationRules.ForPoll(_watch, poll.Succeeded, poll.Error, poll.At, unreachableAfter);
            foreach (var notification in notifications) outbox.Tell(new Notify(notification));
        });
    }

    public static Props Props(IActorRef manager, IActorRef outbox, TimeSpan unreachableAfter) =>
        Akka.Actor.Props.Create(() => new NotifierActor(manager, outbox, unreachableAfter));

    protected override void PreStart()
    {
        _manager.Tell(new SubscribeToSummaries(Self));
        _manager.Tell(ListExperiments.Instance);
        Context.System.EventStream.Subscribe(Self, typeof(SkyPilotPolled));
    }

    protected override void PostStop()
    {
        _manager.Tell(new UnsubscribeFromSummaries(Self));
        Context.System.EventStream.Unsubscribe(Self);
    }
}
