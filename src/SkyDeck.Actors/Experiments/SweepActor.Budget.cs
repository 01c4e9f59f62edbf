using System.Collections.Immutable;
using Akka.Actor;
using Akka.Event;
using SkyDeck.Actors.Core;
using static SkyDeck.Actors.Core.SweepCommands;

namespace SkyDeck.Actors.Experiments;

/// <summary>The sweep's own budget: its cells' latest summaries, and the decider asked when their usage changes or crosses it.</summary>
public sealed partial class SweepActor
{
    /// <summary>The latest summary of a cell (by version); a change of its usage is a reason to look at the budget.</summary>
    private void Seen(ExperimentSummary summary, bool check = true)
    {
        if (_cells.TryGetValue(summary.Id, out var known) && known.Version > summary.Version) return;
        _cells[summary.Id] = summary;
        if (check && !Equals(known?.Ledger, summary.Ledger)) WatchBudget();
    }

    /// <summary>
    /// While the sweep is to run with a budget: stop it if its cells reached it (through the decider, as any command),
    /// else wake when, at their present rate, they will. The cells' list is asked for once, when a budget first matters.
    /// </summary>
    private void WatchBudget()
    {
        if (_state is not { Exists: true, Deleted: false, Spec: { Desired: DesiredState.Running, Budget: { IsEmpty: false } } })
        {
            Timers.Cancel(BudgetTick.Instance);
            return;
        }

        if (!_listAsked)
        {
            _listAsked = true;
            _experiments.Tell(ListExperiments.Instance);
        }

        var now = _clock.GetUtcNow();
        var ledgers = _cells.Values.Where(c => _state.Cells.ContainsKey(c.Id)).Select(c => c.Ledger).ToImmutableArray();
        var check = Budgets.Check(_state, ledgers, now, _settings.Sweep.Prices);
        if (check is { Reached: true })
        {
            var decision = SweepDecider.Decide(_state, new EnforceSweepBudget(_id, ledgers, now), _settings.Sweep);
            if (decision.Events.IsEmpty) return;
            _log.Info("Sweep {0}: {1}; stopping its cells", _id, check.Describe());
            PersistAll(decision.Events, Apply);
            DeferAsync(decision, _ =>
            {
                Push();
                Dispatch();
            });
        }
        else if (check?.CrossesAt is { } crosses) Timers.StartSingleTimer(BudgetTick.Instance, BudgetTick.Instance, crosses - now);
        else Timers.Cancel(BudgetTick.Instance);
    }

    private void Apply(ISweepEvent e)
    {
        _state = SweepState.Evolve(_state, e);
        if (LastSequenceNr % _settings.SnapshotEvery == 0) SaveSnapshot(_state);
    }

    private sealed class BudgetTick
    {
        public static readonly BudgetTick Instance = new();
    }
}
