using System.Collections.Immutable;
using static SkyDeck.Actors.Core.SweepCommands;

namespace SkyDeck.Actors.Core;

public static partial class SweepDecider
{
    /// <summary>
    /// A sweep that is to run and whose cells have used its budget stops: the orders are those a change of its desired
    /// state to STOPPED gives (every cell that follows the sweep is stopped), recorded with what was used.
    /// </summary>
    private static SweepDecision Enforce(SweepState s, EnforceSweepBudget c, SweepSettings settings)
    {
        if (s.Deleted || s.Spec!.Desired != DesiredState.Running || Budgets.Check(s, c.Cells, c.At, settings.Prices) is not { Reached: true } check)
            return SweepDecision.Reply(new SweepResult(ResultCode.NoOp));
        var stop = Change(s, new ChangeSweep(s.Id, c.At, c.Who, Desired: DesiredState.Stopped), settings);
        var orders = stop.Events.OfType<SweepChanged>().Select(e => e.Orders).FirstOrDefault(ImmutableArray<CellOrder>.Empty);
        return new SweepDecision(
            [new SweepBudgetReached(s.Id, check.Budget, check.Used.GpuHours, check.Used.KnownUsd, orders, c.At, c.Who, $"{check.Describe()}; stopped")],
            new SweepResult(ResultCode.Accepted, check.Describe()) { Changes = stop.Result.Changes });
    }
}
