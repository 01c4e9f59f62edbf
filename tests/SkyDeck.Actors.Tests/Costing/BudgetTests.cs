using SkyDeck.Actors.Core;
using static SkyDeck.Actors.Core.ExperimentCommands;
using static SkyDeck.Actors.Tests.Support.Specs;

namespace SkyDeck.Actors.Tests.Costing;

/// <summary>Budget decisions are pure: usage over every attempt against the spec's budget, at the caller's "now".</summary>
public sealed class BudgetTests
{
    private static readonly ReconcileSettings Settings = ReconcileSettings.Default;
    private static readonly string Job1 = Naming.Job(Id, 1, 1);

    /// <summary>
    /// Launched at T0 and running since T0+10 min on one node with 4 A100: the cluster counts from its launch (provisioning
    /// is overhead), so usage is 4 GPU-h per hour from T0.
    /// </summary>
    private static ExperimentState RunningWithBudget(Budget budget) => Given(
        new ExperimentCreated(Id, Spec() with { Budget = budget }, DesiredState.Running, T0, "alice"),
        LaunchRequested(),
        Launched(),
        new JobStatusChanged(Id, Job1, 1, SkyJobStatus.Running, T0.AddMinutes(10), null, T0.AddMinutes(11), Callers.System));

    [Fact]
    public void GivenUsageBelowTheBudget_WhenReconciled_ThenNothingStopsAndItWakesWhenTheBudgetWouldBeReached()
    {
        var s = RunningWithBudget(new Budget(GpuHours: 12));

        var plan = Reconciler.Plan(s, null, T0.AddHours(1), Settings);

        Assert.DoesNotContain(plan.Events, e => e is BudgetReached);
        // 12 GPU-h at 4 GPUs: 3 h from the launch.
        Assert.Equal(T0.AddMinutes(180) + Budgets.Margin, plan.WakeAt!.Value, TimeSpan.FromMilliseconds(1));
    }

    [Fact]
    public void GivenTheBudgetUsedUp_WhenReconciled_ThenBudgetReachedStopsItAndTheJobIsCancelled()
    {
        var s = RunningWithBudget(new Budget(GpuHours: 12));

        var plan = Reconciler.Plan(s, null, T0.AddMinutes(180).AddSeconds(1), Settings);

        var reached = Assert.IsType<BudgetReached>(plan.Events[0]);
        Assert.InRange(reached.GpuHours, 12.0, 12.01);
        Assert.StartsWith("budget reached: 12.0 / 12 GPU-h", reached.Reason);
        Assert.Contains("/ 12 GPU-h", reached.Reason);
        Assert.IsType<SkyCommand.Cancel>(plan.Action);
        var after = s.Fold(plan.Events);
        Assert.Equal(DesiredState.Stopped, after.Desired);
        Assert.StartsWith("budget reached: 12.0", ExperimentSummary.From(after, null, Settings).Message);
    }

    [Fact]
    public void GivenADollarBudget_WhenItsWorthIsUsed_ThenStopped()
    {
        var s = RunningWithBudget(new Budget(Usd: 10));

        Assert.Null(Budgets.Stop(s, T0.AddMinutes(30), Settings.Prices));   // 2 GPU-h × $4.10
        var stop = Budgets.Stop(s, T0.AddMinutes(40), Settings.Prices);       // 2.67 GPU-h × $4.10 = $10.93
        Assert.NotNull(stop);
        Assert.Contains("$10.93 / $10", stop.Reason);
    }

    [Theory]
    [InlineData(10.0, 10.93, "$10.93 / $10")]
    [InlineData(0.1, 0.106533, "$0.11 / $0.10")]
    [InlineData(2.5, 2.5, "$2.50 / $2.50")]
    public void GivenADollarLimit_WhenDescribed_ThenCentsShowOnlyWhenTheLimitHasThem(double limit, double used, string expected) =>
        Assert.Equal(expected, new Budget(Usd: limit).DescribeUse(1, used));

    [Fact]
    public void GivenStoppedByTheBudget_WhenTheBudgetIsRaisedAndStarted_ThenItLaunchesAgain()
    {
        var s = RunningWithBudget(new Budget(GpuHours: 12));
        var now = T0.AddMinutes(181);
        s = s.Fold(Reconciler.Plan(s, null, now, Settings).Events)
            .Fold([new JobStatusChanged(Id, Job1, 1, SkyJobStatus.Cancelled, T0.AddMinutes(10), now, now.AddSeconds(5), Callers.System)]);

        var raised = ExperimentDecider.Decide(s, new PatchExperiment(Id, new SpecPatch(Budget: new Budget(GpuHours: 20)), DesiredState.Running, now.AddMinutes(1), "alice"));
        var started = s.Fold(raised.Events);
        var plan = Reconciler.Plan(started, null, now.AddMinutes(2), Settings);

        Assert.Equal(1, started.Generation);            // a budget change is no new generation
        Assert.Null(started.BudgetStop);
        Assert.DoesNotContain(plan.Events, e => e is BudgetReached);
        Assert.IsType<SkyCommand.Launch>(plan.Action);
    }

    [Fact]
    public void GivenStoppedByTheBudget_WhenStartedWithoutRaisingIt_ThenStoppedAgainAtOnce()
    {
        var s = RunningWithBudget(new Budget(GpuHours: 12));
        var now = T0.AddMinutes(181);
        s = s.Fold(Reconciler.Plan(s, null, now, Settings).Events)
            .Fold([new JobStatusChanged(Id, Job1, 1, SkyJobStatus.Cancelled, T0.AddMinutes(10), now, now.AddSeconds(5), Callers.System)]);
        var started = s.Fold(ExperimentDecider.Decide(s, new SetDesiredState(Id, DesiredState.Running, now.AddMinutes(1), "alice")).Events);

        var plan = Reconciler.Plan(started, null, now.AddMinutes(2), Settings);

        Assert.IsType<BudgetReached>(plan.Events[0]);
        Assert.IsNotType<SkyCommand.Launch>(plan.Action);
    }

    [Fact]
    public void GivenNoBudget_WhenReconciledLongAfter_ThenNeverStopped()
    {
        var s = Given(Created(), LaunchRequested(), Launched(),
            new JobStatusChanged(Id, Job1, 1, SkyJobStatus.Running, T0.AddMinutes(10), null, T0.AddMinutes(11), Callers.System));

        var plan = Reconciler.Plan(s, null, T0.AddDays(30), Settings);

        Assert.DoesNotContain(plan.Events, e => e is BudgetReached);
        Assert.Null(Budgets.Check(s, T0.AddDays(30), Settings.Prices));
    }

    [Theory]
    [InlineData(0.0, null, "budget.gpu_hours")]
    [InlineData(-1.0, null, "budget.gpu_hours")]
    [InlineData(null, 0.0, "budget.usd")]
    public void GivenANonPositiveBudget_WhenValidated_ThenTheFieldIsNamed(double? gpuHours, double? usd, string field)
    {
        var errors = (Spec() with { Budget = new Budget(gpuHours, usd) }).Validate();

        Assert.Contains(errors, e => e.Field == field);
    }
}
