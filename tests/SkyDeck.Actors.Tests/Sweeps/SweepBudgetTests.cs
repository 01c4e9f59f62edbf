using System.Collections.Immutable;
using SkyDeck.Actors.Core;
using static SkyDeck.Actors.Core.SweepCommands;
using static SkyDeck.Actors.Tests.Support.Specs;
using static SkyDeck.Actors.Tests.Sweeps.SweepSamples;

namespace SkyDeck.Actors.Tests.Sweeps;

/// <summary>
/// A sweep's own budget, pure: its usage is the sum of its cells' (each metered as an experiment is), decided at the
/// caller's "now" with the caller's prices; reached while running, the sweep stops every cell as a Stop does.
/// </summary>
public sealed class SweepBudgetTests
{
    private static readonly PriceTable Prices = PriceTable.Default;

    /// <summary>A job on one node with 4 A100 ($4.10 per GPU-hour), started at <paramref name="from"/>, running unless it ended.</summary>
    public static UsageLedger Ledger(string cell, DateTimeOffset from, DateTimeOffset? ended = null) => new(
        [new JobView($"skydeck-{cell}-g1-1", 1, $"skydeck-{cell}", 1, 1, 1, "lt", JobPhase.Submitted,
            ended is null ? SkyJobStatus.Running : SkyJobStatus.Succeeded, null, from, from, from, ended, null, null,
            new LaunchResources(1, "A100:4", null, false), "alice")],
        []);

    private static SweepState Running(Budget? budget) =>
        SweepCreatedState(Sweep(axes: [Axis("seed", 1, 2)]) with { Budget = budget }).AllDone();

    private static SweepDecision Enforce(SweepState s, DateTimeOffset at, params UsageLedger[] cells) =>
        SweepDecider.Decide(s, new EnforceSweepBudget(s.Id, [.. cells], at), SweepSettings.Default);

    [Fact]
    public void GivenTwoCells_ThenTheSweepsUsageIsTheSumOfEachCellsMetering()
    {
        var running = Ledger("lrs.seed1", T0);
        var finished = Ledger("lrs.seed2", T0, T0.AddMinutes(30));

        var sum = Metering.OfAll([running, finished], T0.AddHours(1), Prices);

        Assert.Equal(6.0, sum.GpuHours, 6);                          // 4 GPU-h + 2 GPU-h
        Assert.Equal(6.0 * 4.10, sum.Usd, 6);
        Assert.Equal(4, sum.GpusAccruing);                           // only the running cell grows it
        Assert.Equal(4 * 4.10, sum.UsdPerHour, 6);
        var each = Metering.Of(running.Jobs, running.ClusterSpans, T0.AddHours(1), Prices).Plus(Metering.Of(finished.Jobs, finished.ClusterSpans, T0.AddHours(1), Prices));
        Assert.Equal(each, sum);
    }

    [Fact]
    public void GivenUsageBelowTheBudget_ThenNotReached_AndTheCrossingIsPredictedFromTheRate()
    {
        var s = Running(new Budget(GpuHours: 10));

        var check = Budgets.Check(s, [Ledger("lrs.seed1", T0), Ledger("lrs.seed2", T0, T0.AddMinutes(30))], T0.AddHours(1), Prices)!;

        Assert.False(check.Reached);
        // 6 of 10 GPU-h used, 4 GPUs accruing: 1 h more.
        Assert.Equal(T0.AddHours(2) + Budgets.Margin, check.CrossesAt!.Value, TimeSpan.FromMilliseconds(1));
        Assert.Empty(Enforce(s, T0.AddHours(1), Ledger("lrs.seed1", T0)).Events);
    }

    [Fact]
    public void GivenNoBudgetOrNothingAccruing_ThenNoCheckOrNoCrossing()
    {
        Assert.Null(Budgets.Check(Running(null), [Ledger("lrs.seed1", T0)], T0.AddHours(100), Prices));
        var idle = Budgets.Check(Running(new Budget(Usd: 100)), [Ledger("lrs.seed1", T0, T0.AddHours(1))], T0.AddHours(5), Prices)!;
        Assert.False(idle.Reached);
        Assert.Null(idle.CrossesAt);
    }

    [Fact]
    public void GivenTheBudgetReachedWhileRunning_ThenBudgetReachedStopsTheSweepWithAStopOrderPerCell()
    {
        var s = Running(new Budget(Usd: 20));
        var cells = new[] { Ledger("lrs.seed1", T0), Ledger("lrs.seed2", T0) };   // 8 GPUs: $32.80 an hour

        var decision = Enforce(s, T0.AddMinutes(40), cells);

        var reached = Assert.IsType<SweepBudgetReached>(Assert.Single(decision.Events));
        Assert.Equal(new Budget(Usd: 20), reached.Budget);
        Assert.Equal(8 * 4.10 * 40 / 60, reached.Usd!.Value, 6);
        Assert.StartsWith("budget reached: $21.87 / $20", reached.Reason);
        Assert.Equal(["lrs.seed1", "lrs.seed2"], reached.Orders.Select(o => o.CellId));
        Assert.All(reached.Orders, o => Assert.Equal((CellOrderKind.SetDesired, DesiredState.Stopped), (o.Kind, o.Desired!.Value)));
        // The orders are exactly those a Stop gives.
        var stop = SweepDecider.Decide(s, new ChangeSweep(s.Id, T0.AddMinutes(40), Callers.System, Desired: DesiredState.Stopped), SweepSettings.Default);
        Assert.True(Assert.IsType<SweepChanged>(Assert.Single(stop.Events)).Orders.SequenceEqual(reached.Orders));

        var after = s.Fold(decision);
        Assert.Equal(DesiredState.Stopped, after.Spec!.Desired);
        Assert.Equal(T0.AddMinutes(40), after.BudgetStop!.At);
        Assert.Equal(2, after.Pending.Count);
        Assert.Empty(Enforce(after, T0.AddHours(2), cells).Events);     // stopped: nothing more
        var again = (SweepBudgetReached)Enforce(s, T0.AddMinutes(40), cells).Events.Single();   // same inputs, same answer: no clock inside
        Assert.Equal(reached with { Orders = [] }, again with { Orders = [] });
        Assert.True(reached.Orders.SequenceEqual(again.Orders));
    }

    [Fact]
    public void GivenStoppedByTheBudget_WhenTheBudgetIsRaisedAndStarted_ThenItRunsUntilTheNewOne()
    {
        var cells = new[] { Ledger("lrs.seed1", T0, T0.AddHours(1)) };   // 4 GPU-h used
        var stopped = Running(new Budget(GpuHours: 2)).Fold(Enforce(Running(new Budget(GpuHours: 2)), T0.AddHours(1), cells));
        Assert.NotNull(stopped.BudgetStop);

        var raised = stopped.Decided(new ChangeSweep(SweepName, T0.AddHours(2), "bob", Desired: DesiredState.Running, Budget: new Budget(GpuHours: 8)));

        Assert.Null(raised.BudgetStop);
        Assert.Equal(new Budget(GpuHours: 8), raised.Spec!.Budget);
        Assert.Empty(Enforce(raised, T0.AddHours(2), cells).Events);
        // Started again without raising it, it stops again at the next check.
        var again = stopped.Decided(new ChangeSweep(SweepName, T0.AddHours(2), "bob", Desired: DesiredState.Running));
        Assert.IsType<SweepBudgetReached>(Assert.Single(Enforce(again, T0.AddHours(2), cells).Events));
    }

    [Fact]
    public void GivenABudgetChange_ThenItIsRecordedAsABudgetChange_AndAnEmptyOneClearsIt()
    {
        var s = Running(new Budget(GpuHours: 2));

        var changed = Assert.IsType<SweepChanged>(Assert.Single(SweepDecider.Decide(s, new ChangeSweep(SweepName, T0, "bob", Budget: new Budget(Usd: 5)), SweepSettings.Default).Events));
        Assert.Equal("budget changed", changed.Reason);
        Assert.Empty(changed.Orders);
        Assert.Null(s.Decided(new ChangeSweep(SweepName, T0, "bob", Budget: new Budget())).Spec!.Budget);
        Assert.Equal(s.Revision, s.Decided(new ChangeSweep(SweepName, T0, "bob", Budget: new Budget(Usd: 5))).Revision);
    }

    [Theory]
    [InlineData(-1.0, null, "budget.gpu_hours")]
    [InlineData(null, 0.0, "budget.usd")]
    public void GivenAnInvalidBudget_WhenCreatedOrChanged_ThenRejectedNamingTheField(double? hours, double? usd, string field)
    {
        var create = SweepDecider.Decide(SweepState.Empty(SweepName), Create(Sweep() with { Budget = new Budget(hours, usd) }), SweepSettings.Default);
        var change = SweepDecider.Decide(Running(null), new ChangeSweep(SweepName, T0, "bob", Budget: new Budget(hours, usd)), SweepSettings.Default);

        Assert.Equal(field, Assert.Single(create.Result.Errors).Field);
        Assert.Equal(field, Assert.Single(change.Result.Errors).Field);
    }

    [Fact]
    public void GivenADeletedSweep_ThenTheBudgetStopsNothing()
    {
        var s = Running(new Budget(GpuHours: 1)).Decided(new DeleteSweep(SweepName, T0, "bob"));

        Assert.Empty(Enforce(s, T0.AddHours(5), Ledger("lrs.seed1", T0)).Events);
    }

    [Fact]
    public void GivenABudgetStop_ThenOneBudgetReachedNotificationKeyedByTheStop_AndNoneAtStartOrAgain()
    {
        var s = Running(new Budget(GpuHours: 1));
        var stopped = s.Fold(Enforce(s, T0.AddHours(1), Ledger("lrs.seed1", T0)));

        var told = Assert.Single(NotificationRules.ForSweepChange(s, stopped));

        Assert.Equal(NotificationEvents.BudgetReached, told.Event);
        Assert.Equal($"budget.reached:sweep/lrs/{T0.AddHours(1):O}", told.Id);
        Assert.Contains("budget reached: 4.0 / 1 GPU-h", told.Text);
        Assert.Equal("lrs", told.Fields["sweep_id"]);
        Assert.Empty(NotificationRules.ForSweepChange(null, stopped));       // a start: the baseline
        Assert.Empty(NotificationRules.ForSweepChange(stopped, stopped with { Version = stopped.Version + 1 }));
    }

    [Fact]
    public void GivenCellsInTheReadModel_ThenTheSweepsProgressCountsTheSameUsageAsItsBudget()
    {
        var s = Running(new Budget(GpuHours: 100));
        var spec = Spec() with { Sweep = SweepName };
        var cells = new[]
        {
            CellSummary("lrs.seed1", spec) with { Ledger = Ledger("lrs.seed1", T0) },
            CellSummary("lrs.seed2", spec) with { Ledger = Ledger("lrs.seed2", T0, T0.AddMinutes(30)) },
            CellSummary("other.seed1", Spec() with { Sweep = "other" }) with { Ledger = Ledger("other.seed1", T0) },
        };

        var (progress, _) = SweepProgress.Of(s, cells, T0.AddHours(1), Prices);

        Assert.Equal(6.0, progress.GpuHours);                                  // 4 + 2 GPU-h; the other sweep's cell is not counted
        Assert.Equal(Budgets.Check(s, cells.Take(2).Select(c => c.Ledger), T0.AddHours(1), Prices)!.Used, progress.Usage);
        Assert.Null(SweepProgress.Of(s, [], T0.AddHours(1)).Progress.GpuHours);   // nothing used yet
    }
}
