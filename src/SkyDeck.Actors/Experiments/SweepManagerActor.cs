using System.Collections.Immutable;
using Akka.Actor;
using Akka.Event;
using Akka.Pattern;
using Akka.Persistence;
using SkyDeck.Actors.Core;
using static SkyDeck.Actors.Core.SweepCommands;

namespace SkyDeck.Actors.Experiments;

/// <summary>
/// Creates and finds sweep actors (one child per id) and journals which sweep ids exist (<c>sweep-directory</c>), so
/// after a restart every sweep comes back and sends its open orders unasked. Keeps the sweeps' latest states for
/// listing. Sweeps are few (each holds up to thousands of cells), so all of them are recovered at start.
/// In cluster mode it runs as a cluster singleton; its sweeps talk to the experiments through the node's manager.
/// </summary>
public sealed class SweepManagerActor : ReceivePersistentActor
{
    public const string DirectoryPersistenceId = "sweep-directory";

    private readonly IActorRef _experiments;
    private readonly SweepActorSettings _settings;
    private readonly TimeProvider _clock;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly HashSet<string> _ids = new(StringComparer.Ordinal);
    private readonly Dictionary<string, SweepState> _table = new(StringComparer.Ordinal);
    private readonly HashSet<string> _unreported = new(StringComparer.Ordinal);
    private readonly List<IActorRef> _listWaiting = [];
    private readonly HashSet<IActorRef> _subscribers = [];

    public SweepManagerActor(IActorRef experiments, SweepActorSettings settings, TimeProvider clock)
    {
        _experiments = experiments;
        _settings = settings;
        _clock = clock;

        Recover<SweepRegistered>(e => _ids.Add(e.SweepId));
        Recover<RecoveryCompleted>(_ =>
        {
            _log.Info("Sweep directory recovered: {0} sweeps", _ids.Count);
            foreach (var id in _ids)
            {
                _unreported.Add(id);
                Child(id);
            }
        });

        Command<CreateSweep>(Create);
        Command<ISweepCommand>(c => Route(c.SweepId, c));
        Command<GetSweep>(m => Route(m.SweepId, m));
        Command<ListSweeps>(_ =>
        {
            if (_unreported.Count == 0) Sender.Tell(List());
            else _listWaiting.Add(Sender);
        });
        Command<SweepSummaryChanged>(m =>
        {
            _table[m.Sweep.Id] = m.Sweep;
            Reported(m.Sweep.Id);
            foreach (var subscriber in _subscribers) subscriber.Tell(m);
        });
        Command<SubscribeToSweeps>(m =>
        {
            if (!_subscribers.Add(m.Subscriber)) return;
            Context.Watch(m.Subscriber);
            if (_unreported.Count == 0) m.Subscriber.Tell(List());
            else _listWaiting.Add(m.Subscriber);
        });
        Command<Terminated>(t => _subscribers.Remove(t.ActorRef));
        // A cell's usage reaches its sweep (for the sweep's budget) through this one subscription to the live feed.
        Command<SummaryChanged>(m =>
        {
            if (m.Summary.Spec.Sweep is { } sweep && _ids.Contains(sweep)) Child(sweep).Tell(new CellSummaryChanged(m.Summary));
        });
        Command<SweepNothingToReport>(m => Reported(m.SweepId));
    }

    public override string PersistenceId => DirectoryPersistenceId;

    protected override void PreStart()
    {
        base.PreStart();
        _experiments.Tell(new SubscribeToSummaries(Self));
    }

    protected override void PostStop()
    {
        _experiments.Tell(new UnsubscribeFromSummaries(Self));
        base.PostStop();
    }

    public static Props Props(IActorRef experiments, SweepActorSettings settings, TimeProvider clock) =>
        Akka.Actor.Props.Create(() => new SweepManagerActor(experiments, settings, clock));

    /// <summary>Under a backoff supervisor: a persistent actor stops when its journal fails, and this brings it back.</summary>
    public static Props Supervised(IActorRef experiments, SweepActorSettings settings, TimeProvider clock) =>
        BackoffSupervisor.Props(Akka.Pattern.Backoff.OnStop(Props(experiments, settings, clock), "directory", TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(30), 0.2, maxNrOfRetries: -1));

    private void Create(CreateSweep create)
    {
        if (_ids.Contains(create.SweepId))
        {
            Child(create.SweepId).Forward(create);
            return;
        }

        if (SweepDecider.RejectCreate(create, _settings.Sweep) is { } rejected)
        {
            Sender.Tell(rejected);
            return;
        }

        if (create.Preview)
        {
            Sender.Tell(SweepDecider.Decide(SweepState.Empty(create.SweepId), create, _settings.Sweep).Result);
            return;
        }

        var replyTo = Sender;
        Persist(new SweepRegistered(create.SweepId, create.At), registered =>
        {
            _ids.Add(registered.SweepId);
            Child(registered.SweepId).Tell(create, replyTo);
        });
    }

    private void Route(string id, object message)
    {
        if (_ids.Contains(id)) Child(id).Forward(message);
        else Sender.Tell(SweepResult.NotFound(id));
    }

    private IActorRef Child(string id)
    {
        var child = Context.Child(id);
        if (!child.IsNobody()) return child;
        var props = SweepActor.Props(id, _experiments, _settings, _clock, Self);
        return Context.ActorOf(BackoffSupervisor.Props(Akka.Pattern.Backoff.OnStop(props, "sweep", TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(30), 0.2, maxNrOfRetries: -1)), id);
    }

    private void Reported(string id)
    {
        if (!_unreported.Remove(id) || _unreported.Count > 0) return;
        var list = List();
        foreach (var waiting in _listWaiting) waiting.Tell(list);
        _listWaiting.Clear();
    }

    private SweepList List() => new([.. _table.Values.OrderBy(s => s.CreatedAt).ThenBy(s => s.Id, StringComparer.Ordinal)]);
}
