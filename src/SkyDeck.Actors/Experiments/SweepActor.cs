using Akka.Actor;
using Akka.Event;
using Akka.Persistence;
using SkyDeck.Actors.Core;
using static SkyDeck.Actors.Core.SweepCommands;

namespace SkyDeck.Actors.Experiments;

/// <summary>
/// One sweep: a thin event-sourced shell around <see cref="SweepDecider"/> and <see cref="SweepState.Evolve"/>. A change
/// is persisted with the orders it gives its cells (the intent) before it is acknowledged and before any order is sent;
/// orders go to the experiment manager as ordinary experiment commands, one at a time per cell and a bounded number at
/// once, and their answers are recorded in batches. After a restart the open orders are sent again; each is idempotent
/// at the experiment, so no cell is created twice and none launched twice. Its budget: the latest summary of each cell
/// (from the manager's feed; the whole list once, asked when the sweep has a budget) is in memory, never persisted; on
/// every change of a cell's usage, and at the crossing the pure <see cref="Budgets.Check(SweepState, IEnumerable{UsageLedger}, DateTimeOffset, PriceTable)"/>
/// predicts, the decider is asked whether the budget stops the sweep.
/// </summary>
public sealed partial class SweepActor : ReceivePersistentActor, IWithTimers
{
    private readonly string _id;
    private readonly IActorRef _experiments;
    private readonly SweepActorSettings _settings;
    private readonly TimeProvider _clock;
    private readonly IActorRef _manager;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly Dictionary<long, CellOrder> _inFlight = [];
    private readonly HashSet<string> _busy = new(StringComparer.Ordinal);
    private readonly List<OrderOutcome> _answered = [];
    private readonly Dictionary<string, ExperimentSummary> _cells = new(StringComparer.Ordinal);
    private SweepState _state;
    private bool _recording;
    private bool _listAsked;

    public SweepActor(string id, IActorRef experiments, SweepActorSettings settings, TimeProvider clock, IActorRef manager)
    {
        _id = id;
        _experiments = experiments;
        _settings = settings;
        _clock = clock;
        _manager = manager;
        _state = SweepState.Empty(id);
        PersistenceId = SweepId.PersistenceId(id);

        Recover<SnapshotOffer>(offer => { if (offer.Snapshot is SweepState snapshot) _state = snapshot; });
        Recover<ISweepEvent>(e => _state = SweepState.Evolve(_state, e));
        Recover<RecoveryCompleted>(_ =>
        {
            if (!_state.Exists)
            {
                _manager.Tell(new SweepNothingToReport(id));
                return;
            }

            if (!_state.Pending.IsEmpty) _log.Info("Sweep {0} recovered with {1} open orders; sending them again", id, _state.Pending.Count);
            Push();
            Dispatch();
            WatchBudget();
        });

        Command<ISweepCommand>(Handle);
        Command<CellSummaryChanged>(m => Seen(m.Summary));
        Command<ExperimentList>(list =>
        {
            foreach (var summary in list.Experiments)
                if (summary.Spec.Sweep == _id) Seen(summary, check: false);
            WatchBudget();
        });
        Command<BudgetTick>(_ => WatchBudget());
        Command<GetSweep>(_ => Sender.Tell(_state.Exists ? new SweepResult(ResultCode.NoOp) { Sweep = _state } : SweepResult.NotFound(_id)));
        Command<OrderAnswered>(Answered);
        Command<RetryOrders>(_ => Dispatch());
        Command<SaveSnapshotSuccess>(s => DeleteSnapshots(new SnapshotSelectionCriteria(s.Metadata.SequenceNr - 1)));
        Command<SaveSnapshotFailure>(f => _log.Warning(f.Cause, "Snapshot of sweep {0} failed", _id));
        Command<DeleteSnapshotsSuccess>(_ => { });
        Command<DeleteSnapshotsFailure>(_ => { });
    }

    public override string PersistenceId { get; }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(string id, IActorRef experiments, SweepActorSettings settings, TimeProvider clock, IActorRef manager) =>
        Akka.Actor.Props.Create(() => new SweepActor(id, experiments, settings, clock, manager));

    private void Handle(ISweepCommand command)
    {
        var decision = SweepDecider.Decide(_state, command, _settings.Sweep);
        if (command.Preview || decision.Events.IsEmpty)
        {
            Sender.Tell(decision.Result with { Sweep = _state.Exists ? _state : null });
            return;
        }

        var replyTo = Sender;
        PersistAll(decision.Events, Apply);
        DeferAsync(decision.Result, result =>
        {
            Push();
            replyTo.Tell(result with { Sweep = _state });
            Dispatch();
            WatchBudget();
        });
    }

    /// <summary>Sends the open orders that may go now: in number order, one per cell, a bounded number at once.</summary>
    private void Dispatch()
    {
        foreach (var order in SweepDecider.Sendable(_state, _busy, _settings.MaxOrdersInFlight - _inFlight.Count))
        {
            if (_inFlight.ContainsKey(order.Seq)) continue;
            _inFlight[order.Seq] = order;
            _busy.Add(order.CellId);
            _experiments.Ask<CommandResult>(order.ToCommand(), _settings.Timeout).PipeTo(
                Self,
                success: result => new OrderAnswered(order, result),
                failure: e => new OrderAnswered(order, CommandResult.Unavailable($"no answer: {e.GetBaseException().Message}")));
        }
    }

    /// <summary>
    /// An answer is recorded (its cell stays busy until the record is on disk, so a restart never replays an order
    /// that a later one of the same cell overtook); "unavailable" is sent again after a pause.
    /// </summary>
    private void Answered(OrderAnswered answered)
    {
        if (!_inFlight.ContainsKey(answered.Order.Seq)) return;
        if (answered.Result.Code == ResultCode.Unavailable)
        {
            _log.Warning("Sweep {0}: {1} of {2} not taken ({3}); sending it again", _id, answered.Order.Kind, answered.Order.CellId, answered.Result.Message);
            _inFlight.Remove(answered.Order.Seq);
            _busy.Remove(answered.Order.CellId);
            Timers.StartSingleTimer(RetryOrders.Instance, RetryOrders.Instance, _settings.Retry);
            return;
        }

        _answered.Add(answered.Result.IsSuccess
            ? new OrderOutcome(answered.Order.Seq, true)
            : new OrderOutcome(answered.Order.Seq, false, $"{answered.Order.Kind.ToString().ToLowerInvariant()}: {answered.Result.Message ?? answered.Result.Code.ToString()}"));
        Record();
    }

    /// <summary>Answers are written in batches: whatever arrived while the previous batch was being written.</summary>
    private void Record()
    {
        if (_recording || _answered.Count == 0) return;
        var decision = SweepDecider.Decide(_state, new RecordOrderOutcomes(_id, [.. _answered], _clock.GetUtcNow()), _settings.Sweep);
        var batch = _answered.ToList();
        _answered.Clear();
        if (decision.Events.IsEmpty)
        {
            Release(batch);
            return;
        }

        _recording = true;
        PersistAllAsync(decision.Events, e =>
        {
            Apply(e);
            _recording = false;
            Release(batch);
            Push();
            Record();
        });
    }

    private void Release(List<OrderOutcome> batch)
    {
        foreach (var outcome in batch)
            if (_inFlight.Remove(outcome.Seq, out var order)) _busy.Remove(order.CellId);
        Dispatch();
    }

    private void Push() => _manager.Tell(new SweepSummaryChanged(_state));

    private sealed record OrderAnswered(CellOrder Order, CommandResult Result);

    private sealed class RetryOrders
    {
        public static readonly RetryOrders Instance = new();
    }
}
