using System.Diagnostics;
using SkyDeck.Actors.Core;
using SkyDeck.Actors.Experiments;
using SkyDeck.Benchmarks.Baselines;
using SkyDeck.Benchmarks.Harness;
using SkyDeck.Benchmarks.Seeding;
using SkyDeck.Benchmarks.Server;
using SkyDeck.FakeSky;

namespace SkyDeck.Benchmarks.Figures;

/// <summary>
/// P6: the dashboard's bulk "start" over <see cref="Scale.P6Starts"/> experiments (6 requests in flight, like
/// bulk.js) with every <c>sky launch</c> taking <see cref="Scale.P6LaunchDelayMs"/> in the fake. The cap
/// (<c>SKYDECK_MAX_SKY_PROCESSES</c>, default 4) must hold at every instant; the time to all launched is compared
/// with the ideal schedule for that cap.
/// </summary>
public sealed class P6BulkStart : IFigure
{
    private const int BulkConcurrency = 6;

    public string Id => "P6";

    public string Title => "bulk start under the process cap";

    public async Task RunAsync(FigureContext context, FigureResult result)
    {
        var scale = context.Scale;
        var plan = new FleetPlan(scale.P6Fleet, scale.QuiescentEvents);
        var (database, seed) = await context.SeedAsync("p6", plan);
        result.Note(seed.ToString());
        var fake = new FakeSkyHome(context.Workspace.NewDirectory("p6/fake"));
        fake.SetControl(c => c.WithDelay("launch", scale.P6LaunchDelayMs));

        await using var server = await SkyDeckUnderTest.StartAsync(context.Workspace.NewDirectory("p6/home"), database, fake);
        await server.WaitUntilReadyAsync(plan.Experiments, TimeSpan.FromMinutes(10));
        var cap = server.Options.Sky.MaxConcurrentProcesses;
        var sample = Math.Min(scale.P6Starts, 40);
        context.Log($"baseline: the fake alone, {sample} launches through {cap} slots");
        var alone = await FakeLaunchBaseline.MeasureAsync(new FakeSkyHome(context.Workspace.NewDirectory("p6/fake-alone")), sample, cap, scale.P6LaunchDelayMs, scale.P6Starts / 2);
        var perLaunch = alone.TotalMilliseconds / sample;
        var ids = Enumerable.Range(0, scale.P6Starts).Select(FleetPlan.IdOf).ToList();
        var launchesBefore = server.Probe.LaunchesSucceeded;
        var invocationsBefore = fake.ReadInvocations().Count;

        context.Log($"bulk start of {ids.Count} experiments, launch takes {scale.P6LaunchDelayMs} ms, cap {cap}");
        await using var sampler = new ChildProcessSampler(FakeSkyHome.ExecutableName, TimeSpan.FromMilliseconds(10));
        var started = Stopwatch.GetTimestamp();
        var next = -1;
        var acked = new double[ids.Count];
        await Task.WhenAll(Enumerable.Range(0, BulkConcurrency).Select(async _ =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < ids.Count)
            {
                using var response = await server.Client.PostStateAsync(ids[i], "RUNNING");
                await response.EnsureSuccessAsync();
                acked[i] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            }
        }));
        var requestsDone = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        var ideal = perLaunch * ids.Count;
        var floor = Math.Ceiling(ids.Count / (double)cap) * scale.P6LaunchDelayMs;
        await Http.Until(() => Task.FromResult(server.Probe.LaunchesSucceeded - launchesBefore >= ids.Count),
            TimeSpan.FromMilliseconds(ideal * 4 + 120_000), $"{ids.Count} launches", 100);
        var allLaunched = server.Probe.Finished
            .Where(c => c.Kind == nameof(SkyActionKind.Launch) && c.Succeeded == true)
            .Max(c => Stopwatch.GetElapsedTime(started, c.EndedTicks!.Value).TotalMilliseconds);
        await Task.Delay(200);

        var peakGateway = server.Probe.Cli.PeakConcurrentProcesses;
        var peakProc = sampler.Max;
        var invocations = fake.ReadInvocations().Skip(invocationsBefore).ToList();
        var launches = fake.ReadLaunches();
        var peakRecords = PeakLaunchOverlap(invocations, launches);
        var peak = Math.Max(peakGateway, Math.Max(peakProc, peakRecords));

        result.Add("peak concurrent `sky` processes", peak, "", cap, "SKYDECK_MAX_SKY_PROCESSES", $"≤ {cap}", ResultRow.AtMost(peak, cap));
        result.Add($"time to all {ids.Count:N0} launched", allLaunched, "ms", ideal,
            $"fake alone at cap {cap}: {perLaunch:0} ms/launch × {ids.Count}", "≤ 1.25× baseline", ResultRow.AtMost(allLaunched, 1.25 * ideal));
        result.Note($"baseline: the fake alone ran {sample} launches through {cap} slots in {alone.TotalMilliseconds:0} ms on a fake cloud of {scale.P6Starts / 2} clusters; "
                    + $"the theoretical floor ⌈{ids.Count}/{cap}⌉ × {scale.P6LaunchDelayMs} ms = {floor:0} ms ignores process start-up.");
        result.Note($"peak by source: SkyPilotCli.PeakConcurrentProcesses {peakGateway}, /proc children sampled every 10 ms {peakProc} ({sampler.Samples:N0} samples), "
                    + $"fake records (launch invocation `at` → launches.jsonl `at`) {peakRecords}");
        result.Note($"fake-sky processes during the run: {invocations.Count(r => r.Argv[0] == "launch")} launch, {invocations.Count(r => r.Argv[0] == "status")} status, "
                    + $"{invocations.Count(r => r.Argv[0] == "queue")} queue, {invocations.Count(r => r.Argv[0] is not ("launch" or "status" or "queue"))} other; launches.jsonl has {launches.Count}");
        result.Note($"all {ids.Count:N0} POSTs answered after {requestsDone:0} ms (2xx: {Stats.Describe(acked)})");
        var slotTime = server.Probe.Finished.Where(c => c.EndedTicks is not null)
            .GroupBy(c => c.Kind)
            .Select(g => $"{g.Key} {g.Sum(c => Stopwatch.GetElapsedTime(c.StartedTicks, c.EndedTicks!.Value).TotalSeconds):0} s");
        result.Note($"gateway time by call kind (includes waiting for a slot): {string.Join(", ", slotTime)}");
    }

    /// <summary>Most launches whose [invocation at, submission at] intervals overlap (a lower bound on process lifetime).</summary>
    private static int PeakLaunchOverlap(IReadOnlyList<FakeInvocationRecord> invocations, IReadOnlyList<FakeLaunchRecord> launches)
    {
        var submitted = launches.GroupBy(l => l.JobName, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First().At, StringComparer.Ordinal);
        var edges = new List<(DateTimeOffset At, int Delta)>();
        foreach (var launch in invocations.Where(r => r.Argv.Count > 4 && r.Argv[0] == "launch"))
        {
            var name = launch.Argv[launch.Argv.ToList().IndexOf("-n") + 1];
            if (!submitted.TryGetValue(name, out var end)) continue;
            edges.Add((launch.At, 1));
            edges.Add((end, -1));
        }

        var peak = 0;
        var running = 0;
        foreach (var edge in edges.OrderBy(e => e.At).ThenBy(e => e.Delta))
        {
            running += edge.Delta;
            peak = Math.Max(peak, running);
        }

        return peak;
    }
}
