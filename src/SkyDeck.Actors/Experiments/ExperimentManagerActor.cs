using System.Collections.Immutable;
using Akka.Actor;
using Akka.Pattern;
using Akka.Cluster.Sharding;
using Akka.Event;
using SkyDeck.Actors.Core;
using SkyDeck.Actors.SkyPilot;
using static SkyDeck.Actors.Core.ExperimentCommands;

namespace SkyDeck.Actors.Experiments;

/// <summary>Tells the manager where to relay experiments' requests for an early poll.</summary>
public sealed record AttachPoller(IActorRef Poller);

/// <summary>To the manager: is the experiment directory writable? Replies <see cref="DirectoryHealth"/>.</summary>
public sealed record GetDirectoryHealth
{
    public static readonly GetDirectoryHealth Instance = new();
}

/// <summary>
/// Whether new experiments can be created: <paramref name="Writable"/> is false from a failed directory write until the
/// next one succeeds, with the reason and when it failed.
/// </summary>
public sealed record DirectoryHealth(bool Writable, string? LastError = null, DateTimeOffset? FailingSince = null)
{
    public static readonly DirectoryHealth Ok = new(true);
}

/// <summary>
/// Creates and finds experiment actors (one child per id, routed by <see cref="ExperimentMessageExtractor"/>), brings
/// every registered experiment with work to do back after a restart so reconciliation resumes unasked, keeps the
/// summary read model the table lists from, and fans poll results out to the experiments they concern.
/// Which ids exist is journaled by its child <see cref="ExperimentDirectoryActor"/>, which it restarts with backoff
/// when a write fails (a full disk): meanwhile existing experiments keep working, creates answer "unavailable" with
/// the reason, and <see cref="GetDirectoryHealth"/> says why.
/// With an <see cref="ISummaryStore"/>, the read model is kept on disk too: after a restart the table is complete after
/// one read, and an experiment at rest (<see cref="Reconciler.IsAtRest"/>) whose stored row is current gets no actor
/// until a message arrives for it. Without one, every experiment is recovered at start.
/// An experiment actor idle at rest asks to be stopped (<see cref="ExperimentIdle"/>): from then until it has stopped
/// (or answered that it got busy) whatever arrives for it is held here, then delivered in order to the actor started
/// again, so memory follows activity and no message is lost.
/// </summary>
public sealed class ExperimentManagerActor : ReceiveActor, IWithTimers, IWithUnboundedStash
{
    private readonly Func<string, IActorRef, Props> _childProps;
    private readonly IMessageExtractor _extractor = new ExperimentMessageExtractor();
    private readonly HashSet<string> _ids = new(StringComparer.Ordinal);
    private readonly SummaryTable _table = new();
    private readonly SummarySubscribers _subscribers;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private IActorRef? _poller;
    private readonly HashSet<string> _unreported = new(StringComparer.Ordinal);
    private readonly List<IActorRef> _listWaiting = [];
    private readonly Dictionary<string, List<(object Message, IActorRef Sender)>> _passivating = new(StringComparer.Ordinal);

    private static readonly TimeSpan ReportDeadline = TimeSpan.FromSeconds(20);

    // An actor that asked to stop but never answers (it crashed meanwhile and its supervisor is backing off) keeps it.
    private static readonly TimeSpan PassivationDeadline = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan DirectoryBackoffMin = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan DirectoryBackoffMax = TimeSpan.FromSeconds(30);

    private readonly ISummaryStore? _store;
    private IActorRef _summaryStore = ActorRefs.Nobody;
    private bool _loading;

    private IActorRef _directory = ActorRefs.Nobody;
    private bool _directoryFailed;
    private int _directoryRestarts;
    private DirectoryHealth _directoryHealth = DirectoryHealth.Ok;
    private readonly TimeProvider _clock;

    public ExperimentManagerActor(Func<string, IActorRef, Props> childProps, TimeProvider clock, ISummaryStore? store = null)
    {
        _childProps = childProps;
        _clock = clock;
        _store = store;
        _subscribers = new SummarySubscribers(Context);
        Recovering();
    }

    public IStash Stash { get; set; } = null!;

    /// <summary>Until the directory has recovered, everything waits (as a persistent actor's commands wait for its recovery).</summary>
    private void Recovering()
    {
        Receive<DirectoryRecovered>(m =>
        {
            Recovered(m);
            Become(Ready);
            Stash.UnstashAll();
        });
        Receive<Terminated>(t => t.ActorRef.Equals(_directory), t => DirectoryStopped());
        Receive<StartDirectory>(_ => StartDirectoryActor());
        ReceiveAny(_ => Stash.Stash());
    }

    private void Recovered(DirectoryRecovered recovered)
    {
        _ids.UnionWith(recovered.Ids);
        foreach (var invalid in _ids.Where(id => !ExperimentId.IsValid(id)).ToList())
        {
            _log.Warning("Ignoring directory entry '{0}': not a valid experiment id", invalid);
            _ids.Remove(invalid);
        }

        _log.Info("Experiment directory recovered: {0} experiments", _ids.Count);
        if (_store is null) StartExperiments(_ids);
    }

    private void Ready()
    {
        Receive<DirectoryRecovered>(m =>
        {
            // The directory came back after a failure: whatever it holds is known already (or was never acknowledged).
            _ids.UnionWith(m.Ids.Where(ExperimentId.IsValid));
            _log.Info("Experiment directory restarted: {0} experiments", m.Ids.Length);
        });
        Receive<ExperimentIdRegistered>(Registered);
        Receive<DirectoryWritable>(_ => Writable());
        Receive<DirectoryWriteFailed>(m =>
        {
            _log.Error("The experiment directory could not be written: {0}", m.Reason);
            // It stops now (a persistent actor does after a failed write): a create sent to it meanwhile would be lost.
            _directoryFailed = true;
            _directoryHealth = new DirectoryHealth(false, m.Reason, _directoryHealth.FailingSince ?? m.At);
        });
        Receive<Terminated>(t => t.ActorRef.Equals(_directory), _ => DirectoryStopped());
        Receive<StartDirectory>(_ => StartDirectoryActor());
        Receive<GetDirectoryHealth>(_ => Sender.Tell(_directoryHealth));
        Receive<CreateExperiment>(Create);
        Receive<StoredSummariesLoaded>(m =>
        {
            if (m.Stored is { } stored)
            {
                Loaded(stored);
                return;
            }

            _log.Warning(m.Cause, "The stored summaries could not be read; recovering every experiment");
            _loading = false;
            StartExperiments(_ids.Where(id => Context.Child(id).IsNobody()));
        });
        Receive<ListExperiments>(_ =>
        {
            if (!_loading && _unreported.Count == 0) Sender.Tell(new ExperimentList(_table.List(), _table.Revision));
            else _listWaiting.Add(Sender);
        });
        Receive<SummaryChanged>(Summarised);
        Receive<NothingToReport>(m => Reported(m.ExperimentId));
        Receive<ReportsOverdue>(_ =>
        {
            _log.Warning("{0} experiments had not reported after {1}; listing without them", _unreported.Count, ReportDeadline);
            _unreported.Clear();
            AnswerWaitingLists();
        });
        Receive<PollCompleted>(FanOut);
        Receive<CostReportRead>(read =>
        {
            foreach (var (id, intervals) in PollFanOut.LifetimeDeliveries(read, _table.Find)) Deliver(id, new ClusterLifetimeObserved(id, intervals), Self);
        });
        Receive<AttachPoller>(m => _poller = m.Poller);
        Receive<PollNow>(m => _poller?.Tell(m));
        // Experiments without an actor are at rest: they have nothing to reconcile.
        Receive<ReconcileAll>(_ =>
        {
            foreach (var child in Context.GetChildren())
                if (!child.Equals(_directory) && !child.Equals(_summaryStore)) Deliver(child.Path.Name, new ReconcileNow(child.Path.Name), Self);
        });
        Receive<ExperimentIdle>(m => Passivate(m.ExperimentId));
        Receive<IdleAnswer>(Answered);
        Receive<SubscribeToSummaries>(m => _subscribers.Subscribe(m.Subscriber));
        Receive<UnsubscribeFromSummaries>(m => _subscribers.Unsubscribe(m.Subscriber));
        Receive<Terminated>(t => IsPassivating(t.ActorRef), t => Passivated(t.ActorRef.Path.Name));
        Receive<Terminated>(t => _subscribers.Terminated(t.ActorRef));
        Receive<IWithExperimentId>(Route);
    }

    public ITimerScheduler Timers { get; set; } = null!;

    private sealed class StartDirectory
    {
        public static readonly StartDirectory Instance = new();
    }

    private sealed class ReportsOverdue
    {
        public static readonly ReportsOverdue Instance = new();
    }

    public static Props Props(ISkyGateway sky, ExperimentActorSettings settings, TimeProvider clock, ISummaryStore? store = null) =>
        Akka.Actor.Props.Create(() => new ExperimentManagerActor((id, sink) => ExperimentActor.Props(id, sky, settings, clock, sink), clock, store));

    /// <summary>
    /// The directory recovers and the stored summaries load at the same time (the result waits in the stash until the
    /// directory has recovered).
    /// </summary>
    protected override void PreStart()
    {
        base.PreStart();
        StartDirectoryActor();
        if (_store is null) return;
        _loading = true;
        _summaryStore = Context.ActorOf(SummaryStoreActor.Props(_store), "summary-store");
    }

    private void StartExperiments(IEnumerable<string> ids)
    {
        foreach (var id in ids)
        {
            _unreported.Add(id);
            Child(id);
        }

        if (_unreported.Count > 0) Timers.StartSingleTimer(ReportsOverdue.Instance, ReportsOverdue.Instance, ReportDeadline);
        else AnswerWaitingLists();
    }

    /// <summary>Experiments at rest with a current stored row are listed from it; every other experiment is started.</summary>
    private void Loaded(StoredSummaries stored)
    {
        _loading = false;
        var toStart = new List<string>();
        var dormant = 0;
        foreach (var id in _ids)
        {
            if (!Context.Child(id).IsNobody())
            {
                // Started by a message while loading: the list waits for its own report.
                if (!_table.Contains(id)) _unreported.Add(id);
            }
            else if (stored.Dormant(id) is { } summary)
            {
                _table.Merge(summary);
                dormant++;
                if (stored.Rebuilt.Contains(id)) _summaryStore.Tell(new StoreSummary(summary));
            }
            else
            {
                toStart.Add(id);
            }
        }

        _log.Info("Summaries loaded: {0} experiments at rest listed from disk ({1} of them rebuilt from the journal), {2} recovering", dormant, stored.Rebuilt.Count, toStart.Count);
        StartExperiments(toStart);
    }

    private void Create(CreateExperiment command)
    {
        if (_ids.Contains(command.ExperimentId))
        {
            Deliver(command.ExperimentId, command, Sender);
            return;
        }

        if (ExperimentDecider.RejectCreate(command) is { } rejected)
        {
            Sender.Tell(rejected);
            return;
        }

        if (_directory.IsNobody() || _directoryFailed)
        {
            Sender.Tell(CommandResult.Unavailable(
                $"experiments cannot be created right now: the experiment directory is restarting after a failed write ({_directoryHealth.LastError ?? "unknown reason"}); nothing was created, try again"));
            return;
        }

        _directory.Forward(command);
    }

    private void Registered(ExperimentIdRegistered registered)
    {
        _ids.Add(registered.Command.ExperimentId);
        Writable();
        Deliver(registered.Command.ExperimentId, registered.Command, registered.ReplyTo);
    }

    private void Writable()
    {
        _directoryRestarts = 0;
        if (!_directoryHealth.Writable) _log.Info("The experiment directory is writable again");
        _directoryHealth = DirectoryHealth.Ok;
    }

    /// <summary>The first time plainly; again after a failure, writing a <see cref="DirectoryReopened"/> first (health turns good once it lands).</summary>
    private void StartDirectoryActor()
    {
        var reopenedAt = _directoryHealth.Writable ? (DateTimeOffset?)null : _clock.GetUtcNow();
        _directory = Context.ActorOf(ExperimentDirectoryActor.Props(reopenedAt), "directory");
        _directoryFailed = false;
        Context.Watch(_directory);
    }

    /// <summary>The directory stops after a failed write: start it again, 1 s doubling to 30 s while it keeps failing.</summary>
    private void DirectoryStopped()
    {
        _directory = ActorRefs.Nobody;
        if (_directoryHealth.Writable) _directoryHealth = new DirectoryHealth(false, "the experiment directory stopped");
        var delay = TimeSpan.FromTicks(Math.Min(DirectoryBackoffMax.Ticks, DirectoryBackoffMin.Ticks << Math.Min(_directoryRestarts, 10)));
        _directoryRestarts++;
        _log.Warning("The experiment directory stopped; starting it again in {0}", delay);
        Timers.StartSingleTimer(StartDirectory.Instance, StartDirectory.Instance, delay);
    }

    private void Route(IWithExperimentId message)
    {
        var id = _extractor.EntityId(message);
        if (id is null || !_ids.Contains(id))
        {
            if (message is IExperimentCommand or GetExperiment) Sender.Tell(CommandResult.NotFound);
            return;
        }

        Deliver(id, _extractor.EntityMessage(message)!, Sender);
    }

    /// <summary>To the experiment's actor (started if need be), or held while that actor is being stopped.</summary>
    private void Deliver(string id, object message, IActorRef sender)
    {
        if (_passivating.TryGetValue(id, out var held)) held.Add((message, sender));
        else Child(id).Tell(message, sender);
    }

    /// <summary>
    /// Step one of the handshake: from now on messages for the experiment are held, and <see cref="StopIfIdle"/> goes
    /// behind whatever is already in its mailbox, so the actor answers only after handling all of it.
    /// </summary>
    private void Passivate(string id)
    {
        var child = Context.Child(id);
        if (child.IsNobody() || _passivating.ContainsKey(id)) return;
        _passivating[id] = [];
        child.Tell(StopIfIdle.Instance);
        Timers.StartSingleTimer(("passivating", id), new IdleAnswer(id, Idle: false), PassivationDeadline);
    }

    /// <summary>Still idle: stop its supervisor (which stops it) and wait for Terminated. Busy after all: deliver what was held.</summary>
    private void Answered(IdleAnswer answer)
    {
        var child = Context.Child(answer.ExperimentId);
        if (!_passivating.TryGetValue(answer.ExperimentId, out var held) || child.IsNobody()) return;
        Timers.Cancel(("passivating", answer.ExperimentId));
        if (answer.Idle)
        {
            Context.Watch(child);
            Context.Stop(child);
            return;
        }

        _passivating.Remove(answer.ExperimentId);
        foreach (var (message, sender) in held) child.Tell(message, sender);
    }

    private bool IsPassivating(IActorRef actor) =>
        actor.Path.Parent.Equals(Self.Path) && _passivating.ContainsKey(actor.Path.Name);

    /// <summary>Stopped: anything that arrived meanwhile starts it again (it recovers from the journal) and is delivered in order.</summary>
    private void Passivated(string id)
    {
        if (!_passivating.Remove(id, out var held) || held.Count == 0) return;
        var child = Child(id);
        foreach (var (message, sender) in held) child.Tell(message, sender);
    }

    /// <summary>
    /// Each experiment runs under a backoff supervisor: a persistent actor stops when its journal fails, and this
    /// brings it back (1 s → 30 s) so it recovers and resumes reconciling on its own.
    /// </summary>
    private IActorRef Child(string id)
    {
        var child = Context.Child(id);
        if (!child.IsNobody()) return child;
        var supervised = BackoffSupervisor.Props(Akka.Pattern.Backoff.OnStop(_childProps(id, Self), "experiment", TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(30), 0.2, maxNrOfRetries: -1));
        return Context.ActorOf(supervised, id);
    }

    /// <summary>After a restart the table must be complete, not "whatever recovered first": lists wait for every experiment.</summary>
    private void Reported(string id)
    {
        if (_unreported.Count == 0 || !_unreported.Remove(id) || _unreported.Count > 0) return;
        Timers.Cancel(ReportsOverdue.Instance);
        AnswerWaitingLists();
    }

    private void AnswerWaitingLists()
    {
        var list = new ExperimentList(_table.List(), _table.Revision);
        foreach (var waiting in _listWaiting) waiting.Tell(list);
        _listWaiting.Clear();
    }

    private void Summarised(SummaryChanged changed)
    {
        // An experiment started again (after passivation, or dormant at start) pushes the summary the table holds:
        // nothing changed, so no new revision, store write or notification.
        if (_table.Holds(changed.Summary))
        {
            Reported(changed.Summary.Id);
            return;
        }

        _table.Apply(changed.Summary);
        if (_store is not null) _summaryStore.Tell(new StoreSummary(changed.Summary));
        Reported(changed.Summary.Id);
        _subscribers.Notify(changed);
    }

    private void FanOut(PollCompleted poll)
    {
        foreach (var (id, observation) in PollFanOut.Deliveries(poll, _ids.Contains, _table.Rows)) Deliver(id, new ClusterObserved(id, observation), Self);
    }
}
