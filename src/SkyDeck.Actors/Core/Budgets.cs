namespace SkyDeck.Actors.Core;

/// <summary>Where an experiment or a sweep stands against its budget at a moment.</summary>
/// <param name="Reached">Used at least one of the limits.</param>
/// <param name="CrossesAt">Not reached yet but accruing: when, at the present rate, it will be (a little after, so a check then sees it reached).</param>
public sealed record BudgetCheck(Budget Budget, Usage Used, bool Reached, DateTimeOffset? CrossesAt)
{
    /// <summary>e.g. <c>budget reached: 2.0 / 2 GPU-h</c>.</summary>
    public string Describe() => $"budget reached: {Budget.DescribeUse(Used.GpuHours, Used.KnownUsd)}";
}

/// <summary>
/// Pure budget decisions: usage over every run and attempt (jobs and cluster overhead) against a budget, at the
/// caller's "now". An experiment's own usage, or a sweep's: the sum over its cells (<see cref="Metering.OfAll"/>).
/// </summary>
public static class Budgets
{
    /// <summary>The wake-up lands this long after the predicted crossing, so floating-point rounding never makes it early.</summary>
    public static readonly TimeSpan Margin = TimeSpan.FromSeconds(1);

    /// <summary>Null when the experiment has no budget.</summary>
    public static BudgetCheck? Check(ExperimentState s, DateTimeOffset now, PriceTable prices) =>
        s.Spec?.Budget is { IsEmpty: false } budget
            ? Check(budget, Metering.Of(s.Jobs.Select(JobView.From), s.ClusterSpans, now, prices), now)
            : null;

    /// <summary>
    /// Null when the sweep has no budget of its own. <paramref name="cells"/>: the usage ledgers of its cells (every job
    /// and cluster span of each, archived and deleted cells too: what they used was used).
    /// </summary>
    public static BudgetCheck? Check(SweepState s, IEnumerable<UsageLedger> cells, DateTimeOffset now, PriceTable prices) =>
        s.Spec?.Budget is { IsEmpty: false } budget ? Check(budget, Metering.OfAll(cells, now, prices), now) : null;

    /// <summary>Whether <paramref name="used"/> (as of <paramref name="now"/>) reached the budget, and if not, when its rate will.</summary>
    public static BudgetCheck Check(Budget budget, Usage used, DateTimeOffset now)
    {
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
            ? new BudgetReached(s.Id, check.Budget, check.Used.GpuHours, check.Used.KnownUsd, now, Callers.System, $"{check.Describe()}; stopped")
            : null;

    public static DateTimeOffset? Earlier(DateTimeOffset? a, DateTimeOffset? b) => a is null ? b : b is null ? a : a < b ? a : b;
}
