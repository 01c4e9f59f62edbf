using System.Globalization;

namespace SkyDeck.Benchmarks.Harness;

public enum Verdict { Pass, Miss, Info }

/// <summary>
/// One line of the results table. <see cref="Ratio"/> is <see cref="Value"/> / <see cref="Baseline"/>; both were measured
/// in the same run (or the baseline is a fixed reference the row names), so the ratio survives a noisy machine.
/// </summary>
public sealed record ResultRow(
    string Figure,
    string Metric,
    double Value,
    string Unit,
    double? Baseline,
    string BaselineLabel,
    string Target,
    Verdict Verdict)
{
    public double? Ratio => Baseline is > 0 ? Value / Baseline.Value : null;

    public string FigureCell => $"{Figure} {Metric}";

    public string ValueCell => Format(Value, Unit);

    public string BaselineCell => Baseline is { } b ? $"{Format(b, Unit)} ({BaselineLabel})" : BaselineLabel;

    public string RatioCell => Ratio is { } r ? r.ToString(r < 0.01 ? "0.0000" : r < 10 ? "0.00" : "0", CultureInfo.InvariantCulture) + "×" : "—";

    public string VerdictCell => Verdict switch
    {
        Verdict.Pass => "pass",
        Verdict.Miss => "**MISS**",
        _ => "info",
    };

    public static string Format(double value, string unit)
    {
        var digits = Math.Abs(value) switch
        {
            >= 1000 => "0",
            >= 100 => "0.0",
            >= 1 => "0.0#",
            _ => "0.0##",
        };
        return value.ToString(digits, CultureInfo.InvariantCulture) + (unit.Length == 0 ? "" : " " + unit);
    }

    public static Verdict AtMost(double value, double limit) => value <= limit ? Verdict.Pass : Verdict.Miss;

    public static Verdict AtLeast(double value, double limit) => value >= limit ? Verdict.Pass : Verdict.Miss;
}

/// <summary>What one figure produced: its rows, and notes (cross-checks, breakdowns, diagnoses) printed under the table.</summary>
public sealed class FigureResult(string figure, string title)
{
    public string Figure { get; } = figure;

    public string Title { get; } = title;

    public List<ResultRow> Rows { get; } = [];

    public List<string> Notes { get; } = [];

    public string? Error { get; set; }

    public TimeSpan Elapsed { get; set; }

    public void Add(string metric, double value, string unit, double? baseline, string baselineLabel, string target, Verdict verdict) =>
        Rows.Add(new ResultRow(Figure, metric, value, unit, baseline, baselineLabel, target, verdict));

    public void Note(string text) => Notes.Add(text);
}
