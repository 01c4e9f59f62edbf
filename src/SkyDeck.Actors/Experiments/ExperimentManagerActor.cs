using System.Collections.Immutable;
using Akka.Actor;
using Akka.Pattern;
using Akka.Cluster.Sharding;
using Akka.Event;
using Akka.Persistence;
using SkyDeck.Actors.SkyPilot;
using static SkyDeck.Actors.Experiments.ExperimentCommands;

namespace SkyDeck.Actors.Experiments;

/// <summary>Directory event: an experiment id was taken (persisted before its first command is forwarded).</summary>
public sealed record ExperimentRegistered(string ExperimentId, DateTimeOffset At) : ISkyDeckJournaled;

/// <summary>Tells the manager where to relay experiments' requests for an early poll.</summary>
public sealed record AttachPoller(IActorRef Poller);

/// <summary>Snapshot of the directory.</summary>
public sealed record DirectorySnapshot(ImmutableArray<string> Ids) : ISkyDeckJournaled;

/// <summary>
/// Creates and finds experiment actors (one child per id, routed by <see cref="ExperimentMessageExtractor"/>), brings
/// every registered experiment with work to do back after a restart so reconciliation resumes unasked, keeps the
/// summary read model the table lists from, and fans poll results out to the experiments they concern.
/// With an <see cref="ISummaryStore"/>, the read model is kept on disk too: after a restart the table is complete after
/// one read, and an experiment at rest (<see cref="Reconciler.IsAtRest"/>) whose stored row is current gets no actor
/// until a message arrives for it. Without one, every experiment is recovered at start.
/// </summary>
public sealed class ExperimentManagerActor : ReceivePersistentActor, IWithTimers
{
    public const string DirectoryPersistenceId = "experiment-directory";

    private readonly Func<string, IActorRef, Props> _childProps;
    private readonly IMessageExtractor _extractor = new ExperimentMessageExtractor();
    private readonly HashSet<string> _ids = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ExperimentSummary> _summaries = new(StringComparer.Ordinal);
    private readonly HashSet<IActorRef> _subscribers = [];
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private ImmutableArray<ExperimentSummary>? _listCache;
    private long _revision;
    private IActorRef? _poller;
    private readonly HashSet<string> _unreported = new(StringComparer.Ordinal);
    private readonly List<IActorRef> _listWaiting = [];

    private static readonly TimeSpan ReportDeadline = TimeSpan.FromSeconds(20);
    private static readonly TimeSpan SaveInterval = TimeSpan.FromSeconds(1);

    private readonly ISummaryStore? _store;
    private readonly Dictionary<string, ExperimentSummary> _unsaved = new(StringComparer.Ordinal);
    private bool _saving;
    private bool _loading;

    public ExperimentManagerActor(Func<string, IActorRef, Props> childProps, ISummaryStore? store = null)
    {
        _childProps = childProps;
        _store = store;
        PersistenceId = DirectoryPersistenceId;

        Recover<SnapshotOffer>(offer =>
        {
            if (offer.Snapshot is DirectorySnapshot snapshot) _ids.UnionWith(snapshot.Ids);
        });
        Recover<ExperimentRegistered>(e => _ids.Add(e.ExperimentId));
        Recover<RecoveryCompleted>(_ =>
        {
            foreach (var invalid in _ids.Where(id => !ExperimentId.IsValid(id)).ToList())
            {
                _log.Warning("Ignoring directory entry '{0}': not a valid experiment id", invalid);
                _ids.Remove(invalid);
            }

            _log.Info("Experiment directory recovered: {0} experiments", _ids.Count);
            if (_store is null) StartExperiments(_ids);
            else Timers.StartPeriodicTimer(SaveSummaries.Instance, SaveSummaries.Instance, SaveInterval);
        });

        Command<CreateExperiment>(Create);
        Command<SummariesLoaded>(m => Loaded(m.Stored));
        Command<SummariesUnavailable>(m =>
        {
            _log.Warning(m.Cause, "The stored summaries could not be read; recovering every experiment");
            _loading = false;
            StartExperiments(_ids.Where(id => Context.Child(id).IsNobody()));
        });
        Command<SaveSummaries>(_ => Save());
        Command<SummariesSaved>(_ => { _saving = false; });
        Command<SummariesNotSaved>(m =>
        {
            _saving = false;
            _log.Warning(m.Cause, "Saving {0} summaries failed; retrying", m.Batch.Count);
            foreach (var summary in m.Batch) _unsaved.TryAdd(summary.Id, summary);
        });
        Command<ListExperiments>(_ =>
        {
            if (!_loading && _unreported.Count == 0) Sender.Tell(new ExperimentList(List(), _revision));
            else _listWaiting.Add(Sender);
        });
        Command<SummaryChanged>(Summarised);
        Command<NothingToReport>(m => Reported(m.ExperimentId));
        Command<ReportsOverdue>(_ =>
        {
            _log.Warning("{0} experiments had not reported after {1}; listing without them", _unreported.Count, ReportDeadline);
            _unreported.Clear();
            AnswerWaitingLists();
        });
        Command<PollCompleted>(FanOut);
        Command<AttachPoller>(m => _poller = m.Poller);
        Command<PollNow>(m => _poller?.Tell(m));
        // Experiments without an actor are at rest: they have nothing to reconcile.
        Command<ReconcileAll>(_ =>
        {
            foreach (var child in Context.GetChildren()) child.Tell(new ReconcileNow(child.Path.Name));
        });
        Command<SubscribeToSummaries>(m =>
        {
            _subscribers.Add(m.Subscriber);
            Context.Watch(m.Subscriber);
        });
        Command<UnsubscribeFromSummaries>(m => _subscribers.Remove(m.Subscriber));
        Command<Terminated>(t => _subscribers.Remove(t.ActorRef));
        Command<SaveSnapshotSuccess>(s => DeleteSnapshots(new SnapshotSelectionCriteria(s.Metadata.SequenceNr - 1)));
        Command<SaveSnapshotFailure>(f => _log.Warning(f.Cause, "Directory snapshot failed"));
        Command<DeleteSnapshotsSuccess>(_ => { });
        Command<DeleteSnapshotsFailure>(_ => { });
        Command<IWithExperimentId>(Route);
    }

    public override string PersistenceId { get; }

    public ITimerScheduler Timers { get; set; } = null!;

    private sealed class ReportsOverdue
    {
        public static readonly ReportsOverdue Instance = new();
    }

    private sealed class SaveSummaries
    {
        public static readonly SaveSummaries Instance = new();
    }

    private sealed class SummariesSaved
    {
        public static readonly SummariesSaved Instance = new();
    }

    private sealed record SummariesLoaded(StoredSummaries Stored);

    private sealed record SummariesUnavailable(Exception Cause);

    private sealed record SummariesNotSaved(IReadOnlyCollection<ExperimentSummary> Batch, Exception Cause);

    public static Props Props(ISkyGateway sky, ExperimentActorSettings settings, TimeProvider clock, ISummaryStore? store = null) =>
        Akka.Actor.Props.Create(() => new ExperimentManagerActor((id, sink) => ExperimentActor.Props(id, sky, settings, clock, sink), store));

    /// <summary>The stored summaries load while the directory recovers; the result waits in the stash until it has.</summary>
    protected override void PreStart()
    {
        base.PreStart();
        if (_store is null) return;
        _loading = true;
        _store.LoadAsync(CancellationToken.None).PipeTo(Self, success: loaded => new SummariesLoaded(loaded), failure: e => new SummariesUnavailable(e));
    }

    protected override void PostStop()
    {
        // Children stop first and their last summaries may be lost with the mailbox; whatever arrived is kept.
        if (_store is not null && _unsaved.Count > 0)
        {
            try
            {
                if (!_store.SaveAsync([.. _unsaved.Values], CancellationToken.None).Wait(TimeSpan.FromSeconds(10)))
                    _log.Warning("Saving the last {0} summaries timed out; their experiments will be recovered at the next start", _unsaved.Count);
            }
            catch (Exception e)
            {
                _log.Warning(e, "Saving the last {0} summaries failed; their experiments will be recovered at the next start", _unsaved.Count);
            }
        }

        base.PostStop();
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
                if (!_summaries.ContainsKey(id)) _unreported.Add(id);
            }
            else if (stored.Dormant(id) is { } summary)
            {
                _summaries[id] = summary;
                dormant++;
            }
            else
            {
                toStart.Add(id);
            }
        }

        _listCache = null;
        _revision++;
        _log.Info("Summaries loaded: {0} experiments at rest listed from disk, {1} recovering", dormant, toStart.Count);
        StartExperiments(toStart);
    }

    private void Save()
    {
        if (_store is null || _saving || _unsaved.Count == 0) return;
        IReadOnlyCollection<ExperimentSummary> batch = [.. _unsaved.Values];
        _unsaved.Clear();
        _saving = true;
        _store.SaveAsync(batch, CancellationToken.None).PipeTo(Self, success: () => SummariesSaved.Instance, failure: e => new SummariesNotSaved(batch, e));
    }

    private void Create(CreateExperiment command)
    {
        if (_ids.Contains(command.ExperimentId))
        {
            Child(command.ExperimentId).Forward(command);
            return;
        }

        if (ExperimentDecider.RejectCreate(command) is { } rejected)
        {
            Sender.Tell(rejected);
            return;
        }

        Persist(new ExperimentRegistered(command.ExperimentId, command.At), registered =>
        {
            _ids.Add(registered.ExperimentId);
            if (LastSequenceNr % 1000 == 0) SaveSnapshot(new DirectorySnapshot([.. _ids]));
            Child(registered.ExperimentId).Forward(command);
        });
    }

    private void Route(IWithExperimentId message)
    {
        var id = _extractor.EntityId(message);
        if (id is null || !_ids.Contains(id))
        {
            if (message is IExperimentCommand or GetExperiment) Sender.Tell(CommandResult.NotFound);
            return;
        }

        Child(id).Forward(_extractor.EntityMessage(message));
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
        var list = new ExperimentList(List(), _revision);
        foreach (var waiting in _listWaiting) waiting.Tell(list);
        _listWaiting.Clear();
    }

    private void Summarised(SummaryChanged changed)
    {
        _summaries[changed.Summary.Id] = changed.Summary;
        if (_store is not null) _unsaved[changed.Summary.Id] = changed.Summary;
        _listCache = null;
        _revision++;
        Reported(changed.Summary.Id);
        foreach (var subscriber in _subscribers) subscriber.Tell(changed);
    }

    private ImmutableArray<ExperimentSummary> List() =>
        _listCache ??= [.. _summaries.Values.OrderBy(s => s.CreatedAt).ThenBy(s => s.Id, StringComparer.Ordinal)];

    private void FanOut(PollCompleted poll)
    {
        foreach (var observed in PollFanOut.Messages(poll, _ids.Contains, _summaries.Values)) Child(observed.ExperimentId).Tell(observed);
    }
}
