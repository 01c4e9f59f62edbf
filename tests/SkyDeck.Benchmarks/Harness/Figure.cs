using System.Diagnostics;
using SkyDeck.Benchmarks.Seeding;

namespace SkyDeck.Benchmarks.Harness;

/// <summary>What every figure gets: the sizes for this run, a progress log and a scratch directory.</summary>
public sealed class FigureContext(Scale scale, TextWriter log, Workspace workspace)
{
    private readonly Stopwatch _clock = Stopwatch.StartNew();

    public Scale Scale { get; } = scale;

    public Workspace Workspace { get; } = workspace;

    /// <summary>Old enough that every seeded timestamp (backoffs, confirm windows) lies in the past.</summary>
    public DateTimeOffset HistoryStart { get; } = DateTimeOffset.UtcNow.AddDays(-60);

    public void Log(string message) => log.WriteLine($"  [{_clock.Elapsed.TotalSeconds,6:0.0}s] {message}");

    /// <summary>Seeds a database for <paramref name="plan"/> and returns its path and the generated fleet.</summary>
    public async Task<(string DatabasePath, SeedReport Report)> SeedAsync(string name, FleetPlan plan)
    {
        var path = Workspace.PathOf(Path.Combine(name, "skydeck.db"));
        Log($"seeding {name}: {plan.Experiments:N0} experiments ({plan.Live} live, {plan.PendingLaunches} pending launches)");
        var report = await JournalSeeder.SeedAsync(path, plan, HistoryStart);
        Log(report.ToString());
        return (path, report);
    }
}

/// <summary>One figure of issue 6 (P1…P6).</summary>
public interface IFigure
{
    string Id { get; }

    string Title { get; }

    Task RunAsync(FigureContext context, FigureResult result);
}
