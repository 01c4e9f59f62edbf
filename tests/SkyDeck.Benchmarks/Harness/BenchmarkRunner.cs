using System.Diagnostics;
using SkyDeck.Benchmarks.Figures;

namespace SkyDeck.Benchmarks.Harness;

/// <summary>Runs the selected figures one after another (never in parallel: they would measure each other) and writes the report.</summary>
public static class BenchmarkRunner
{
    public static IReadOnlyList<IFigure> All { get; } =
        [new P1ChangeToLaunch(), new P2ProcessesPerTick(), new P3ListExperiments(), new P4ColdStart(), new P5ConcurrentChanges(), new P6BulkStart()];

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
            result.Note($"machine load average (1/5/15 min) at start {loadBefore}, at end {BenchmarkReport.LoadAverage()} — on 2 cores; every ratio compares with a baseline taken inside the same figure.");
            log.WriteLine($"  done in {watch.Elapsed.TotalSeconds:0} s");
        }

        var report = new BenchmarkReport(options, results, clock.Elapsed, startedAt);
        Directory.CreateDirectory(options.OutputDirectory);
        await File.WriteAllTextAsync(Path.Combine(options.OutputDirectory, "results.md"), report.ToMarkdown());
        return report;
    }
}
