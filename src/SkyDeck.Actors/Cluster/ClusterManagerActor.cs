using Akka.Actor;
using Akka.Cluster.Tools.PublishSubscribe;
using Akka.Event;
using SkyDeck.Actors.Core;
using SkyDeck.Actors.Experiments;
using SkyDeck.Actors.SkyPilot;
using static SkyDeck.Actors.Core.ExperimentCommands;
using ClusterEvent = Akka.Cluster.ClusterEvent;

namespace SkyDeck.Actors.Cluster;

/// <summary>
/// The cluster's stand-in for <see cref="ExperimentManagerActor"/>, one per node and registered under the same key, so
/// the REST API and the dashboard work unchanged on any node. Experiment messages go to the shard region; lists come
/// from this node's copy of the read model, which every experiment's summary changes reach through distributed
/// pub-sub and which asks the other nodes for their copies when they come up (and every so often, to heal anything
/// pub-sub dropped). Poll results are fanned out through the region like the single-process manager does.
/// </summary>
public sealed class ClusterManagerActor : ReceiveActor, IWithTimers
{
    public const int SnapshotChunk = 50;

    private readonly IActorRef _region;
    private readonly IActorRef _mediator;
    private readonly TimeSpan _resyncInterval;
    private readonly Akka.Cluster.Cluster _cluster = Akka.Cluster.Cluster.Get(Context.System);
    private readonly SummaryTable _table = new();
    private readonly SummarySubscribers _subscribers;
    private readonly HashSet<Address> _peers = [];
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private IActorRef? _poller;

    public ClusterManagerActor(IActorRef region, IActorRef mediator, TimeSpan resyncInterval)
    {
        _region = region;
        _mediator = mediator;
        _resyncInterval = resyncInterval;
        _subscribers = new SummarySubscribers(Context);

        Receive<CreateExperiment>(Create);
        Receive<IWithExperimentId>(m => _region.Forward(m));
        Receive<ListExperiments>(_ => Sender.Tell(new ExperimentList(_table.List(), _table.Revision)));
        // Entities are created by the shard region (remember-entities), not by a directory of this node.
        Receive<GetDirectoryHealth>(_ => Sender.Tell(DirectoryHealth.Ok));
        Receive<SummaryChanged>(m =>
        {
            if (_table.Apply(m.Summary)) Notify(m);
        });
        Receive<RequestSummaries>(_ => SendSnapshot(Sender));
        Receive<SummarySnapshot>(m =>
        {
            foreach (var summary in m.Summaries)
                if (_table.Merge(summary)) Notify(new SummaryChanged(summary));
        });
        Receive<PollCompleted>(poll =>
        {
            foreach (var (id, observation) in PollFanOut.Deliveries(poll, _table.Contains, _table.Rows)) _region.Tell(new ClusterObserved(id, observation));
        });
        Receive<CostReportRead>(read =>
        {
            foreach (var (id, intervals) in PollFanOut.LifetimeDeliveries(read, _table.Find)) _region.Tell(new ClusterLifetimeObserved(id, intervals));
        });
        Receive<ReconcileAll>(_ =>
        {
            foreach (var id in _table.Ids) _region.Tell(new ReconcileNow(id));
        });
        Receive<AttachPoller>(m => _poller = m.Poller);
        Receive<PollNow>(m => _poller?.Tell(m));
        Receive<SubscribeToSummaries>(m => _subscribers.Subscribe(m.Subscriber));
        Receive<UnsubscribeFromSummaries>(m => _subscribers.Unsubscribe(m.Subscriber));
        Receive<Terminated>(t => _subscribers.Terminated(t.ActorRef));
        Receive<ClusterEvent.MemberUp>(m => PeerUp(m.Member.Address));
        Receive<ClusterEvent.MemberRemoved>(m => _peers.Remove(m.Member.Address));
        Receive<AskAgain>(m =>
        {
            if (_peers.Contains(m.Peer)) Ask(m.Peer);
        });
        Receive<Resync>(_ =>
        {
            foreach (var peer in _peers) Ask(peer);
        });
        Receive<SubscribeAck>(_ => _log.Info("Summary read model subscribed to {0}", SummaryRelayActor.SummariesTopic));
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(IActorRef region, IActorRef mediator, TimeSpan resyncInterval) =>
        Akka.Actor.Props.Create(() => new ClusterManagerActor(region, mediator, resyncInterval));

    protected override void PreStart()
    {
        _mediator.Tell(new Subscribe(SummaryRelayActor.SummariesTopic, Self));
        _cluster.Subscribe(Self, ClusterEvent.SubscriptionInitialStateMode.InitialStateAsEvents, typeof(ClusterEvent.MemberUp), typeof(ClusterEvent.MemberRemoved));
        Timers.StartPeriodicTimer(Resync.Instance, Resync.Instance, _resyncInterval);
    }

    protected override void PostStop() => _cluster.Unsubscribe(Self);

    /// <summary>Validated here, before the id becomes an entity (and a persistence id), as the single-process manager does.</summary>
    private void Create(CreateExperiment command)
    {
        if (ExperimentDecider.RejectCreate(command) is { } rejected)
        {
            Sender.Tell(rejected);
            return;
        }

        _region.Forward(command);
    }

    // A node that just came up may have missed changes published before pub-sub knew about it: ask it (and it asks
    // us) for everything. Asking again a little later covers changes that were in flight while gossip spread.
    private void PeerUp(Address address)
    {
        if (address == _cluster.SelfAddress) return;
        _peers.Add(address);
        Ask(address);
        Timers.StartSingleTimer(("again", address), new AskAgain(address), TimeSpan.FromSeconds(5));
    }

    private void Ask(Address peer) =>
        Context.ActorSelection(new RootActorPath(peer) / Self.Path.Elements).Tell(RequestSummaries.Instance);

    private void SendSnapshot(IActorRef to)
    {
        foreach (var chunk in _table.Rows.Chunk(SnapshotChunk)) to.Tell(new SummarySnapshot([.. chunk]));
    }

    private void Notify(SummaryChanged changed) => _subscribers.Notify(changed);

    private sealed record AskAgain(Address Peer);

    private sealed class Resync
    {
        public static readonly Resync Instance = new();
    }
}
