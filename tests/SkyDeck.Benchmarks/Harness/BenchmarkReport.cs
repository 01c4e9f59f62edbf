using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;

namespace SkyDeck.Benchmarks.Harness;

/// <summary>The whole run: renders the table for the console and for <c>BenchmarkResults/results.md</c>.</summary>
public sealed class BenchmarkReport(BenchmarkOptions options, IReadOnlyList<FigureResult> figures, TimeSpan elapsed, DateTimeOffset startedAt)
{
    public BenchmarkOptions Options { get; } = options;

    public IReadOnlyList<FigureResult> Figures { get; } = figures;

    public TimeSpan Elapsed { get; } = elapsed;

    public IEnumerable<ResultRow> Rows => Figures.SelectMany(f => f.Rows);

    public string CommandLine =>
        "dotnet run -c Release --project tests/SkyDeck.Benchmarks --" + (Options.Quick ? " --quick" : "")
        + (Options.Only.Count > 0 ? " --only " + string.Join(',', Options.Figures) : "")
        + (Options.Experiments is { } n ? " --experiments " + n.ToString(CultureInfo.InvariantCulture) : "");

    public string ToMarkdown()
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"# SkyDeck performance ({Options.Scale.Name} run)");
        text.AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture, $"`{CommandLine}` — started {startedAt:yyyy-MM-dd HH:mm} UTC, took {Elapsed.TotalMinutes:0.0} min on "
            + $"{Environment.ProcessorCount} cores, {RuntimeInformation.OSDescription.Trim()}, .NET {Environment.Version}, load average at start {LoadAverage()}.");
        text.AppendLine();
        text.Append(Table());
        text.AppendLine();
        foreach (var figure in Figures)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"**{figure.Figure} — {figure.Title}** ({figure.Elapsed.TotalSeconds:0} s)");
            text.AppendLine();
            if (figure.Error is { } error) text.AppendLine(CultureInfo.InvariantCulture, $"- FAILED: {error}");
            foreach (var note in figure.Notes) text.AppendLine(CultureInfo.InvariantCulture, $"- {note}");
            text.AppendLine();
        }

        return text.ToString();
    }

    public string Table()
    {
        var text = new StringBuilder();
        text.AppendLine("| figure | value | baseline (same run) | ratio | target | verdict |");
        text.AppendLine("|---|---:|---:|---:|---|---|");
        foreach (var figure in Figures)
        {
            if (figure.Error is not null && figure.Rows.Count == 0)
                text.AppendLine(CultureInfo.InvariantCulture, $"| {figure.Figure} {figure.Title} | — | — | — | — | **FAILED** (see notes) |");
            foreach (var row in figure.Rows)
                text.AppendLine(CultureInfo.InvariantCulture, $"| {row.FigureCell} | {row.ValueCell} | {row.BaselineCell} | {row.RatioCell} | {row.Target} | {row.VerdictCell} |");
        }

        return text.ToString();
    }

    public static string LoadAverage()
    {
        try
        {
            return string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
        }
        catch (IOException)
        {
            return "n/a";
        }
    }
}
