using Akka.Actor;
using Akka.Cluster.Tools.PublishSubscribe;
using SkyDeck.Actors.Core;
using SkyDeck.Actors.Experiments;
using SkyDeck.Actors.Notifications;
using SkyDeck.Actors.SkyPilot;

namespace SkyDeck.Actors.Cluster;

/// <summary>
/// What a sharded experiment knows as its "manager": it publishes the experiment's summary changes to every node's read
/// model and passes its requests for an early poll on to the poller singleton. One per node. It also publishes the poll
/// results of the poller singleton, when that runs on this node, for the notifier singleton (<see cref="SkyPilotPolled.Topic"/>).
/// </summary>
public sealed class SummaryRelayActor : ReceiveActor
{
    public const string SummariesTopic = "skydeck-experiment-summaries";

    private IActorRef? _poller;

    public SummaryRelayActor(IActorRef mediator)
    {
        Receive<SummaryChanged>(changed => mediator.Tell(new Publish(SummariesTopic, changed)));
        Receive<SkyPilotPolled>(polled => mediator.Tell(new Publish(SkyPilotPolled.Topic, polled)));
        Receive<AttachPoller>(m => _poller = m.Poller);
        Receive<PollNow>(m => _poller?.Tell(m));
        // An entity for an id nobody created recovers empty and says so; it passivates itself, nothing to relay.
        Receive<NothingToReport>(_ => { });
    }

    public static Props Props(IActorRef mediator) => Akka.Actor.Props.Create(() => new SummaryRelayActor(mediator));

    protected override void PreStart() => Context.System.EventStream.Subscribe(Self, typeof(SkyPilotPolled));

    protected override void PostStop() => Context.System.EventStream.Unsubscribe(Self);
}
