using System.Diagnostics;
using SkyDeck.Benchmarks.Figures;

namespace SkyDeck.Benchmarks.Harness;

/// <summary>Runs the selected figures one after another (never in parallel: they would measure each other) and writes the report.</summary>
public static class BenchmarkRunner
{
    public static IReadOnlyList<IFigure> All { get; } =
        [new P1ChangeToLaunch(), new P2ProcessesPerTick(), new P3ListExperiments(), new P4ColdStart(), new P5ConcurrentChanges(), new P6BulkStart(), new P7SweepCreate(), new P8IdleMemory(), new P9StreamFanout(), new P10LogTail()];

    public static async Task<BenchmarkReport> RunAsync(BenchmarkOptions options, TextWriter log)
    {
        var startedAt = DateTimeOffset.UtcNow;
        var clock = Stopwatch.StartNew();
        var results = new List<FigureResult>();
        log.WriteLine($"SkyDeck benchmarks ({options.Scale.Name}): {string.Join(", ", options.Figures)}; load average {BenchmarkReport.LoadAverage()}");
        foreach (var figure in All.Where(f => options.Figures.Contains(f.Id)))
        {
            var result = new FigureResult(figure.Id, figure.Title);
            results.Add(result);
            log.WriteLine($"{figure.Id} — {figure.Title}");
            var watch = Stopwatch.StartNew();
            var loadBefore = BenchmarkReport.LoadAverage();
            using var workspace = Workspace.Create(figure.Id);
            try
            {
                await figure.RunAsync(new FigureContext(options.Scale, log, workspace), result);
            }
            catch (Exception e)
            {
                // One broken figure must not hide the others' numbers; the report shows it as FAILED.
                result.Error = $"{e.GetType().Name}: {e.Message}";
                log.WriteLine($"  FAILED: {e}");
            }

            result.Elapsed = watch.Elapsed;
            foreach (var row in result.Rows)
                log.WriteLine($"  = {row.FigureCell}: {row.ValueCell} (baseline {row.BaselineCell}, ratio {row.RatioCell}, target {row.Target}: {row.VerdictCell})");
            result.Note($"machine load average (1/5/15 min) at start {loadBefore}, at end {BenchmarkReport.LoadAverage()} — on 2 cores; every ratio compares with a baseline taken inside the same figure.");
            log.WriteLine($"  done in {watch.Elapsed.TotalSeconds:0} s");
            // Written after every figure, so an interrupted run still leaves the figures it finished.
            await WriteAsync(new BenchmarkReport(options, results, clock.Elapsed, startedAt));
        }

        var report = new BenchmarkReport(options, results, clock.Elapsed, startedAt);
        await WriteAsync(report);
        return report;
    }

    private static async Task WriteAsync(BenchmarkReport report)
    {
        Directory.CreateDirectory(report.Options.OutputDirectory);
        await File.WriteAllTextAsync(Path.Combine(report.Options.OutputDirectory, "results.md"), report.ToMarkdown());
    }
}
