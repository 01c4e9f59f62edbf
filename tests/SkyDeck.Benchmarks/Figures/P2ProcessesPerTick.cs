using System.Diagnostics;
using SkyDeck.Benchmarks.Harness;
using SkyDeck.Benchmarks.Seeding;
using SkyDeck.Benchmarks.Server;
using SkyDeck.FakeSky;

namespace SkyDeck.Benchmarks.Figures;

/// <summary>
/// P2: how many <c>sky</c> processes one poll tick runs as the fleet grows (experiments, live clusters, finished jobs).
/// Each configuration is its own seeded database and fake cloud: <c>L</c> live experiments with a RUNNING job on an
/// UP cluster after 10 finished jobs each (so <c>sky queue</c> returns 10× as many finished jobs as live ones), the
/// rest finished and torn down. Ticks are triggered with <c>POST /api/refresh</c>; processes are counted twice — by
/// the gateway probe (calls) and by the fake's invocations.jsonl (processes that actually ran).
/// </summary>
public sealed class P2ProcessesPerTick : IFigure
{
    public string Id => "P2";

    public string Title => "`sky` processes per poll tick vs fleet size";

    public async Task RunAsync(FigureContext context, FigureResult result)
    {
        var scale = context.Scale;
        var measured = new List<Config>();
        foreach (var live in scale.P2LiveClusters)
        {
            foreach (var experiments in scale.P2Fleets.Where(n => n >= live))
                measured.Add(await MeasureAsync(context, result, experiments, live, scale.P2FinishedJobsPerLiveCluster, scale.P2Ticks));
        }

        foreach (var config in measured)
        {
            var baseline = measured.Where(c => c.Live == config.Live).MinBy(c => c.Experiments)!;
            var limit = config.Live + 1;
            var flat = config.ProcessesPerTick == baseline.ProcessesPerTick && config.ProcessesPerTick <= limit;
            result.Add($"processes/tick, {config.Experiments:N0} exp, {config.Live} live, {config.Live * scale.P2FinishedJobsPerLiveCluster} finished jobs",
                config.ProcessesPerTick, "", baseline.ProcessesPerTick, $"{baseline.Experiments:N0} exp, same live",
                $"= baseline (flat in experiments), ≤ live+1 = {limit}", flat ? Verdict.Pass : Verdict.Miss);
        }

        foreach (var config in measured)
        {
            var baseline = measured.Where(c => c.Live == config.Live).MinBy(c => c.Experiments)!;
            result.Add($"tick duration, {config.Experiments:N0} exp, {config.Live} live", config.TickMs, "ms", baseline.TickMs,
                $"{baseline.Experiments:N0} exp, same live", "—", Verdict.Info);
        }
    }

    private static async Task<Config> MeasureAsync(FigureContext context, FigureResult result, int experiments, int live, int finished, int ticks)
    {
        var name = $"p2/n{experiments}-l{live}";
        var plan = new FleetPlan(experiments, context.Scale.QuiescentEvents, Live: live, FinishedJobsPerLive: finished);
        var (database, seed) = await context.SeedAsync(name, plan);
        var fake = new FakeSkyHome(context.Workspace.NewDirectory(name + "/fake"));
        var clusters = FakeCloudSeeder.Seed(fake, seed.Fleet);
        await using var server = await SkyDeckUnderTest.StartAsync(context.Workspace.NewDirectory(name + "/home"), database, fake);
        await server.WaitUntilReadyAsync(experiments, TimeSpan.FromMinutes(10));
        await TickAsync(server, fake); // warm-up: JIT, first `sky queue` of this fleet

        var perTick = new List<(long Calls, int Processes, double Ms)>();
        for (var i = 0; i < ticks; i++) perTick.Add(await TickAsync(server, fake));
        var actions = server.Probe.ActionCalls;
        var config = new Config(experiments, live,
            Stats.Median(perTick.Select(t => (double)t.Processes).ToList()),
            Stats.Median(perTick.Select(t => t.Ms).ToList()));
        result.Note($"{experiments:N0} experiments / {clusters} live clusters: per tick probe counted [{string.Join(", ", perTick.Select(t => t.Calls))}] calls, "
                    + $"invocations.jsonl [{string.Join(", ", perTick.Select(t => t.Processes))}] processes; tick {Stats.Describe(perTick.Select(t => t.Ms).ToList())}; "
                    + $"launch/cancel/stop/down calls during the run: {actions}");
        if (perTick.Any(t => t.Calls != t.Processes)) result.Note($"WARNING {name}: probe and fake disagree on the process count");
        context.Log($"{experiments:N0} exp / {live} live: {config.ProcessesPerTick} processes per tick, tick {config.TickMs:0} ms");
        return config;
    }

    /// <summary>One <c>POST /api/refresh</c>: waits until the poll finished and nothing else is running, then counts.</summary>
    private static async Task<(long Calls, int Processes, double Ms)> TickAsync(SkyDeckUnderTest server, FakeSkyHome fake)
    {
        var probe = server.Probe;
        var (_, lastPoll) = await server.Client.HealthAsync();
        var callsBefore = probe.TotalCalls;
        var processesBefore = fake.ReadInvocations().Count;
        var started = Stopwatch.GetTimestamp();
        using (var response = await server.Client.PostAsync("/api/refresh", null)) await response.EnsureSuccessAsync();
        await Http.Until(async () => (await server.Client.HealthAsync()).LastPollSuccess is { } at && at != lastPoll, TimeSpan.FromMinutes(2), "the poll to finish", 20);
        var elapsed = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        // Anything the poll set off (reconciles acting on the observation) would show up here as extra calls.
        await Task.Delay(300);
        await Http.Until(() => Task.FromResult(probe.CompletedCalls == probe.TotalCalls), TimeSpan.FromMinutes(2), "sky calls to finish", 20);
        return (probe.TotalCalls - callsBefore, fake.ReadInvocations().Count - processesBefore, elapsed);
    }

    private sealed record Config(int Experiments, int Live, double ProcessesPerTick, double TickMs);
}
