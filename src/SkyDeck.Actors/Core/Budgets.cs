namespace SkyDeck.Actors.Core;

/// <summary>Where an experiment stands against its budget at a moment.</summary>
/// <param name="Reached">Used at least one of the limits.</param>
/// <param name="CrossesAt">Not reached yet but accruing: when, at the present rate, it will be (a little after, so a check then sees it reached).</param>
public sealed record BudgetCheck(Budget Budget, Usage Used, bool Reached, DateTimeOffset? CrossesAt);

/// <summary>Pure budget decisions: usage over every run and attempt (jobs and cluster overhead) against the spec's budget, at the caller's "now".</summary>
public static class Budgets
{
    /// <summary>The wake-up lands this long after the predicted crossing, so floating-point rounding never makes it early.</summary>
    public static readonly TimeSpan Margin = TimeSpan.FromSeconds(1);

    /// <summary>Null when the experiment has no budget.</summary>
    public static BudgetCheck? Check(ExperimentState s, DateTimeOffset now, PriceTable prices)
    {
        if (s.Spec?.Budget is not { IsEmpty: false } budget) return null;
        var used = Metering.Of(s.Jobs.Select(JobView.From), s.ClusterSpans, now, prices);
        var reached = budget.GpuHours is { } hours && used.GpuHours >= hours || budget.Usd is { } usd && used.Usd >= usd;
        if (reached) return new(budget, used, true, null);
        DateTimeOffset? crosses = null;
        if (budget.GpuHours is { } h && used.GpusAccruing > 0) crosses = Earlier(crosses, now + TimeSpan.FromHours((h - used.GpuHours) / used.GpusAccruing) + Margin);
        if (budget.Usd is { } d && used.UsdPerHour > 0) crosses = Earlier(crosses, now + TimeSpan.FromHours((d - used.Usd) / used.UsdPerHour) + Margin);
        return new(budget, used, false, crosses);
    }

    /// <summary>The event that stops an experiment that wants to run and has reached its budget; null otherwise.</summary>
    public static BudgetReached? Stop(ExperimentState s, DateTimeOffset now, PriceTable prices) =>
        s.EffectiveDesired == DesiredState.Running && Check(s, now, prices) is { Reached: true } check
            ? new BudgetReached(s.Id, check.Budget, check.Used.GpuHours, check.Used.KnownUsd, now, Callers.System,
                $"budget reached: {check.Budget.DescribeUse(check.Used.GpuHours, check.Used.KnownUsd)}; stopped")
            : null;

    public static DateTimeOffset? Earlier(DateTimeOffset? a, DateTimeOffset? b) => a is null ? b : b is null ? a : a < b ? a : b;
}
