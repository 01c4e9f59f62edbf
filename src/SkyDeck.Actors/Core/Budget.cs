namespace SkyDeck.Actors.Core;

/// <summary>
/// How much an experiment may use over all its runs and attempts: GPU-hours, dollars, or both (the first reached
/// counts). Null fields are no limit. Reached, the experiment is stopped with a <see cref="BudgetReached"/> event.
/// </summary>
public sealed record Budget(double? GpuHours = null, double? Usd = null)
{
    public const double Max = 1e9;

    public bool IsEmpty => GpuHours is null && Usd is null;

    /// <summary>Problems with the budget, naming the API fields (<c>budget.gpu_hours</c>, <c>budget.usd</c>).</summary>
    public IEnumerable<FieldError> Validate()
    {
        if (GpuHours is { } h && (!double.IsFinite(h) || h <= 0 || h > Max)) yield return new("budget.gpu_hours", $"must be a number greater than 0 and at most {Max:0}");
        if (Usd is { } d && (!double.IsFinite(d) || d <= 0 || d > Max)) yield return new("budget.usd", $"must be a number greater than 0 and at most {Max:0}");
    }

    /// <summary>e.g. <c>12.0 / 12 GPU-h</c> or <c>$30.12 / $30</c>: what was used against the limit that was reached.</summary>
    public string DescribeUse(double gpuHours, double? usd) =>
        GpuHours is { } limit && gpuHours >= limit || Usd is null
            ? $"{Hours(gpuHours)} / {(GpuHours ?? 0).ToString("0.####", System.Globalization.CultureInfo.InvariantCulture)} GPU-h"
            : Usd % 1 == 0
                ? FormattableString.Invariant($"${usd ?? 0:0.00} / ${Usd:0}")
                : FormattableString.Invariant($"${usd ?? 0:0.00} / ${Usd:0.00}");

    /// <summary>GPU-hours as a person reads them: one decimal from 1 up (12.0), more below (0.0042).</summary>
    public static string Hours(double hours) => hours.ToString(hours >= 1 || hours == 0 ? "0.0" : "0.0###", System.Globalization.CultureInfo.InvariantCulture);
}
