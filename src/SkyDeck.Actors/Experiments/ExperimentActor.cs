using Akka.Actor;
using Akka.Cluster.Sharding;
using Akka.Event;
using Akka.Persistence;
using SkyDeck.Actors.Core;
using SkyDeck.Actors.SkyPilot;
using SkyDeck.Actors.Telemetry;
using static SkyDeck.Actors.Core.ExperimentCommands;

namespace SkyDeck.Actors.Experiments;

/// <summary>
/// Timing knobs of the experiment actor shell. <paramref name="PassivateWhenAbsent"/>: as a cluster-sharded entity,
/// stop for good after answering about an experiment that does not exist (so remember-entities keeps no junk).
/// <paramref name="Metrics"/>: where journal write latency is recorded (none in tests that do not ask for it).
/// <paramref name="PassivateAfter"/>: an experiment at rest that has had no message for this long asks to be stopped
/// (zero: never); the next message for it starts it again.
/// </summary>
public sealed record ExperimentActorSettings(
    ReconcileSettings Reconcile, TimeSpan ReconcileInterval, int SnapshotEvery = 50, bool PassivateWhenAbsent = false, SkyDeckMetrics? Metrics = null,
    TimeSpan PassivateAfter = default)
{
    public static readonly ExperimentActorSettings Default = new(ReconcileSettings.Default, TimeSpan.FromSeconds(60));
}

/// <summary>
/// One experiment: a thin event-sourced shell around <see cref="ExperimentDecider"/>, <see cref="ExperimentState.Evolve"/>
/// and <see cref="Reconciler"/>. It persists, replies after the write, runs at most one <c>sky</c> call at a time
/// (piped back as a message), reconciles on a timer and at once after every change, and pushes its summary to the
/// manager (which also relays its requests for an early poll).
/// </summary>
public sealed class ExperimentActor : ReceivePersistentActor, IWithTimers
{
    private readonly string _id;
    private readonly ISkyGateway _sky;
    private readonly ExperimentActorSettings _settings;
    private readonly TimeProvider _clock;
    private readonly IActorRef _manager;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly CancellationTokenSource _shutdown = new();
    private ExperimentState _state;
    private ClusterObservation? _observed;
    private SkyCommand? _inFlight;
    private ExperimentSummary? _pushed;
    private bool _reconcileQueued;
    private bool _stopWhenDone;

    public ExperimentActor(string id, ISkyGateway sky, ExperimentActorSettings settings, TimeProvider clock, IActorRef manager)
    {
        _id = id;
        _sky = sky;
        _settings = settings;
        _clock = clock;
        _manager = manager;
        _state = ExperimentState.Empty(id);
        PersistenceId = Naming.PersistenceId(id);

        Recover<SnapshotOffer>(offer => { if (offer.Snapshot is ExperimentState snapshot) _state = snapshot; });
        Recover<IExperimentEvent>(e => _state = ExperimentState.Evolve(_state, e));
        Recover<RecoveryCompleted>(_ =>
        {
            if (!_state.Exists) _manager.Tell(new NothingToReport(id));
            if (settings.PassivateAfter > TimeSpan.Zero) Context.SetReceiveTimeout(settings.PassivateAfter);
            AfterChange();
        });

        Command<IExperimentCommand>(Handle);
        Command<GetExperiment>(_ =>
        {
            Sender.Tell(_state.Exists ? Detail() : CommandResult.NotFound);
            PassivateIfAbsent();
        });
        Command<ClusterObserved>(m =>
        {
            _observed = m.Observation;
            Reconcile();
        });
        Command<ClusterLifetimeObserved>(Corrected);
        Command<ReconcileNow>(_ => Reconcile());
        Command<ReconcileTick>(_ =>
        {
            _reconcileQueued = false;
            Reconcile();
        });
        Command<ActionFinished>(Finished);
        Command<LogsRead>(KeepLogs);
        Command<WaitForSlot>(Wait);
        Command<SlotGranted>(Dispatched);
        Command<ReceiveTimeout>(_ => Idle());
        Command<StopIfIdle>(_ => Stopping());
        Command<SaveSnapshotSuccess>(s => DeleteSnapshots(new SnapshotSelectionCriteria(s.Metadata.SequenceNr - 1)));
        Command<SaveSnapshotFailure>(f => _log.Warning(f.Cause, "Snapshot of {0} failed; recovery will replay more events", _id));
        Command<DeleteSnapshotsSuccess>(_ => { });
        Command<DeleteSnapshotsFailure>(f => _log.Warning(f.Cause, "Deleting old snapshots of {0} failed", _id));
    }

    public override string PersistenceId { get; }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(string id, ISkyGateway sky, ExperimentActorSettings settings, TimeProvider clock, IActorRef manager) =>
        Akka.Actor.Props.Create(() => new ExperimentActor(id, sky, settings, clock, manager));

    protected override void PostStop()
    {
        _shutdown.Cancel();
        _shutdown.Dispose();
        base.PostStop();
    }

    private void Handle(IExperimentCommand command)
    {
        var decision = ExperimentDecider.Decide(_state, command);
        if (decision.Events.IsEmpty)
        {
            Sender.Tell(Reply(decision.Result));
            PassivateIfAbsent();
            return;
        }

        // Plan what the change calls for now and write it in the same batch: one write, then the reply and the sky call.
        var changed = decision.Events.Aggregate(_state, ExperimentState.Evolve);
        var plan = Reconciler.Plan(changed, _observed, _clock.GetUtcNow(), _settings.Reconcile, _inFlight?.Kind);
        var replyTo = Sender;
        Write(decision.Events.Concat(plan.Events));
        DeferAsync(decision.Result, result =>
        {
            // The summary goes to the manager before the reply, so a list asked for after the reply shows the change.
            if (_state.Exists) Act(plan);
            replyTo.Tell(Reply(result));
            PassivateIfAbsent();
        });
    }

    /// <summary>A success carries the experiment as it now is, so the caller needs no second Ask.</summary>
    private CommandResult Reply(CommandResult result) => result.IsSuccess && _state.Exists ? result.With(Detail()) : result;

    /// <summary>
    /// A launch that found every <c>sky</c> process slot taken records that it is queued, then asks the gateway for a
    /// slot; the slot comes back as a message, the dispatch is recorded, and only then does the process start. Every
    /// message goes one way: nothing waits on this actor in the middle of a <c>sky</c> call.
    /// </summary>
    private void Run(SkyCommand action)
    {
        _inFlight = action;
        if (action is SkyCommand.Logs logs)
        {
            _log.Info("{0}: keeping the last {1} lines of job {2}", _id, logs.Tail, logs.JobId);
            _sky.LogsAsync(logs.Cluster, logs.SkyJobId, logs.Tail, _shutdown.Token).PipeTo(
                Self,
                success: call => new LogsRead(logs, call.Report, call.Failure?.Reason),
                failure: e => new LogsRead(logs, null, e.GetBaseException().Message));
            return;
        }

        if (action is not SkyCommand.Launch launch)
        {
            Execute(action, null);
            return;
        }

        if (_sky.TryTakeSlot() is { } slot)
        {
            Execute(launch, slot);
            return;
        }

        // Recording that it waits persists, and Run may be inside a persist/defer callback: do it as the next message.
        Self.Tell(new WaitForSlot(launch));
    }

    private void Wait(WaitForSlot wait)
    {
        _log.Info("{0}: sky launch {1} waits for a sky process slot", _id, wait.Launch.JobId);
        Record(new RecordLaunchDispatch(_id, wait.Launch.JobId, Queued: true, _clock.GetUtcNow()), () =>
            _sky.TakeSlotAsync(_shutdown.Token).PipeTo(
                Self,
                success: granted => new SlotGranted(wait.Launch, granted),
                failure: e => new ActionFinished(wait.Launch, SkyOutcome.Failed(SkyFailureKind.Unknown, $"sky launch never started: {e.GetBaseException().Message}"))));
    }

    private void Dispatched(SlotGranted granted) =>
        Record(new RecordLaunchDispatch(_id, granted.Launch.JobId, Queued: false, _clock.GetUtcNow()), () => Execute(granted.Launch, granted.Slot));

    private void Execute(SkyCommand action, ISkySlot? slot)
    {
        _log.Info("{0}: running sky {1} {2}", _id, action.Kind, action.Target);
        _sky.ExecuteAsync(action, _shutdown.Token, slot).PipeTo(
            Self,
            success: outcome => new ActionFinished(action, outcome),
            failure: e => new ActionFinished(action, SkyOutcome.Failed(SkyFailureKind.Unknown, e.GetBaseException().Message)));
    }

    /// <summary>Decides, persists what was decided, then continues (at once when nothing needed writing).</summary>
    private void Record(IExperimentCommand command, Action then)
    {
        var decision = ExperimentDecider.Decide(_state, command);
        if (decision.Events.IsEmpty)
        {
            then();
            return;
        }

        Write(decision.Events);
        DeferAsync(decision, _ =>
        {
            PushSummary();
            then();
        });
    }

    /// <summary>Persists the events (then applies each); the time until the journal confirms is the write latency.</summary>
    private void Write(IEnumerable<IExperimentEvent> events)
    {
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        var confirmed = false;
        PersistAll(events, e =>
        {
            if (!confirmed)
            {
                confirmed = true;
                _settings.Metrics?.JournalWritten(System.Diagnostics.Stopwatch.GetElapsedTime(started));
            }

            Apply(e);
        });
    }

    private void Apply(IExperimentEvent e)
    {
        _state = ExperimentState.Evolve(_state, e);
        if (LastSequenceNr % _settings.SnapshotEvery == 0) SaveSnapshot(_state);
    }

    // Reconciling persists, and persisting from inside a persist/defer callback does not stash incoming messages,
    // so a change schedules the reconcile as the next message instead of running it inline.
    private void AfterChange()
    {
        PushSummary();
        if (StopPending()) return;
        if (_reconcileQueued) return;
        _reconcileQueued = true;
        Self.Tell(ReconcileTick.Instance);
    }

    private void Reconcile()
    {
        if (!_state.Exists)
        {
            PassivateIfAbsent();
            return;
        }

        var plan = Reconciler.Plan(_state, _observed, _clock.GetUtcNow(), _settings.Reconcile, _inFlight?.Kind);
        if (plan.Events.Count == 0)
        {
            Act(plan);
            return;
        }

        Write(plan.Events);
        DeferAsync(plan, Act);
    }

    private void Act(ReconcilePlan plan)
    {
        if (plan.Action is { } action && _inFlight is null) Run(action);

        Timers.StartSingleTimer(ReconcileTick.Instance, ReconcileTick.Instance, plan.NextReconcileIn(_clock.GetUtcNow(), _settings.ReconcileInterval));
        PushSummary();
    }

    private void Finished(ActionFinished finished)
    {
        _inFlight = null;
        var now = _clock.GetUtcNow();
        IExperimentCommand record = finished.Action is SkyCommand.Launch launch
            ? new RecordLaunchOutcome(_id, launch.JobId, finished.Outcome, now)
            : new RecordActionOutcome(_id, finished.Action.Kind, finished.Action.Target, finished.Outcome, now);
        // A completed action is confirmed by observation: ask for a poll now rather than at the next tick.
        if (finished.Outcome.Succeeded) _manager.Tell(PollNow.Instance);
        else
            _log.Warning("{0}: sky {1} {2} failed ({3}): {4}", _id, finished.Action.Kind, finished.Action.Target, finished.Outcome.FailureKind, finished.Outcome.Reason);
        var decision = ExperimentDecider.Decide(_state, record);
        if (decision.Events.IsEmpty)
        {
            AfterChange();
            return;
        }

        Write(decision.Events);
        DeferAsync(decision, _ => AfterChange());
    }

    /// <summary>SkyPilot's record of the cluster's lifetime: persisted only where it corrects a span (a budget may then be reached, so reconcile).</summary>
    private void Corrected(ClusterLifetimeObserved observed)
    {
        var decision = ExperimentDecider.Decide(_state, new RecordClusterLifetime(_id, observed.Intervals, _clock.GetUtcNow()));
        if (decision.Events.IsEmpty) return;
        _log.Info("{0}: sky cost-report corrected {1} cluster span(s)", _id, decision.Events.Length);
        Write(decision.Events);
        DeferAsync(decision, _ => AfterChange());
    }

    private void KeepLogs(LogsRead read)
    {
        _inFlight = null;
        if (read.Unavailable is { } why) _log.Warning("{0}: the log of job {1} could not be read: {2}", _id, read.Command.JobId, why);
        var decision = ExperimentDecider.Decide(_state, new RecordLogTail(
            _id, read.Command.JobId, read.Tail, read.Tail is null ? $"sky logs failed: {read.Unavailable}" : null, read.Command.Tail, _clock.GetUtcNow()));
        if (decision.Events.IsEmpty)
        {
            AfterChange();
            return;
        }

        PersistAll(decision.Events, Apply);
        DeferAsync(decision, _ => AfterChange());
    }

    /// <summary>At rest, nothing in flight, no reconcile queued: stopping loses nothing that the journal does not hold.</summary>
    private bool IsIdle => _inFlight is null && !_reconcileQueued && Reconciler.IsAtRest(_state, _settings.Reconcile);

    /// <summary>
    /// No message for <see cref="ExperimentActorSettings.PassivateAfter"/> (reconcile ticks do not count). At rest, ask
    /// the parent to stop this actor, the standard handshake: the shard (cluster mode) or the manager buffers whatever
    /// arrives for it meanwhile and sends <see cref="StopIfIdle"/>, which reaches this actor after anything already queued.
    /// </summary>
    private void Idle()
    {
        if (!IsIdle) return;
        if (_settings.PassivateWhenAbsent) Context.Parent.Tell(new Passivate(StopIfIdle.Instance));
        else _manager.Tell(new ExperimentIdle(_id));
    }

    /// <summary>
    /// The manager stops this actor's supervisor only on a yes, and otherwise delivers what it held back. A shard
    /// cannot take a passivation back, so a sharded entity stops in any case, once no <c>sky</c> call is running (a
    /// running one would be cancelled); if it is no longer at rest, it first sends itself a reconcile through the shard,
    /// which buffers it and starts the entity again at once.
    /// </summary>
    private void Stopping()
    {
        if (!_settings.PassivateWhenAbsent)
        {
            _manager.Tell(new IdleAnswer(_id, IsIdle));
            return;
        }

        _stopWhenDone = true;
        StopPending();
    }

    private bool StopPending()
    {
        if (!_stopWhenDone || _inFlight is not null) return false;
        if (!IsIdle) Context.Parent.Tell(new ReconcileNow(_id));
        Context.Stop(Self);
        return true;
    }

    // Stopping a remembered entity any other way counts as a crash and the shard would restart it.
    private void PassivateIfAbsent()
    {
        if (_settings.PassivateWhenAbsent && !_state.Exists) Context.Parent.Tell(new Passivate(PoisonPill.Instance));
    }

    private void PushSummary()
    {
        if (!_state.Exists) return;
        var summary = ExperimentSummary.From(_state, _observed, _settings.Reconcile);
        if (summary == _pushed) return;
        _pushed = summary;
        _manager.Tell(new SummaryChanged(summary));
    }

    private ExperimentDetail Detail() => new(
        ExperimentSummary.From(_state, _observed, _settings.Reconcile),
        [.. _state.Jobs.Reverse().Select(JobView.From)]);

    private sealed record ActionFinished(SkyCommand Action, SkyOutcome Outcome);

    private sealed record LogsRead(SkyCommand.Logs Command, LogTail? Tail, string? Unavailable);

    private sealed record WaitForSlot(SkyCommand.Launch Launch);

    private sealed record SlotGranted(SkyCommand.Launch Launch, ISkySlot Slot);

    // A reconcile tick of an experiment at rest plans nothing: it must not keep the actor from passivating.
    private sealed class ReconcileTick : INotInfluenceReceiveTimeout
    {
        public static readonly ReconcileTick Instance = new();
    }
}
