using System.Diagnostics;
using System.Globalization;
using SkyDeck.Actors.Core;
using SkyDeck.Actors.Experiments;
using SkyDeck.Benchmarks.Baselines;
using SkyDeck.Benchmarks.Harness;
using SkyDeck.Benchmarks.Seeding;
using SkyDeck.Benchmarks.Server;
using SkyDeck.FakeSky;

namespace SkyDeck.Benchmarks.Figures;

/// <summary>
/// P1: from <c>POST /api/experiments/{id}/state {"desired_state":"RUNNING"}</c> leaving the client to the
/// <c>sky launch</c> process being started, one change at a time, in a fleet of <see cref="Scale.P1Fleet"/>.
/// "Started" is measured twice: the gateway probe's stamp just before <see cref="Actors.SkyPilot.SkyPilotCli"/>
/// takes a process slot and spawns (the figure), and the fake <c>sky</c>'s own <c>at</c> in invocations.jsonl
/// (the cross-check, which also contains process start-up, compared with a bare spawn of the same executable).
/// </summary>
public sealed class P1ChangeToLaunch : IFigure
{
    private const int WarmUp = 5;
    private static readonly TimeSpan SeedReconcileInterval = TimeSpan.FromSeconds(60);

    public string Id => "P1";

    public string Title => "desired-state change → `sky launch` process starts";

    public async Task RunAsync(FigureContext context, FigureResult result)
    {
        var scale = context.Scale;
        var plan = new FleetPlan(scale.P1Fleet, scale.QuiescentEvents);
        var (database, seed) = await context.SeedAsync("p1", plan);
        result.Note(seed.ToString());
        var fake = new FakeSkyHome(context.Workspace.NewDirectory("p1/fake"));

        var spawnCount = Math.Min(scale.P1Changes, 200);
        context.Log($"baseline: {spawnCount} bare spawns of fake-sky --version");
        var spawns = await ProcessSpawnBaseline.MeasureAsync(fake, spawnCount);
        var bareToStamp = spawns.Select(s => s.ToFakeStampMs).ToList();

        await using var server = await SkyDeckUnderTest.StartAsync(context.Workspace.NewDirectory("p1/home"), database, fake);
        await server.WaitUntilReadyAsync(plan.Experiments, TimeSpan.FromMinutes(10));
        context.Log($"server ready with {plan.Experiments:N0} experiments; {scale.P1Changes} changes, one at a time");

        var step = Math.Max(1, plan.Experiments / (scale.P1Changes + WarmUp));
        var ids = Enumerable.Range(0, scale.P1Changes + WarmUp).Select(i => FleetPlan.IdOf(i * step)).ToList();
        var samples = new List<Sample>();
        foreach (var (id, index) in ids.Select((id, i) => (id, i)))
        {
            var cluster = Naming.Cluster(id);
            var started = server.Probe.LaunchStarted(cluster);
            var ended = server.Probe.LaunchEnded(cluster);
            var sentUtc = DateTimeOffset.UtcNow;
            var sent = Stopwatch.GetTimestamp();
            using (var response = await server.Client.PostStateAsync(id, "RUNNING")) await response.EnsureSuccessAsync();
            var acked = Stopwatch.GetTimestamp();
            var call = await started.WaitAsync(TimeSpan.FromSeconds(60));
            await ended.WaitAsync(TimeSpan.FromSeconds(120));
            if (index >= WarmUp)
                samples.Add(new Sample(cluster, sentUtc, Ms(sent, call.StartedTicks), Ms(sent, acked)));
            if ((index + 1) % 100 == 0) context.Log($"{index + 1} changes");
        }

        var stamps = fake.ReadInvocations()
            .Where(r => r.Argv.Count > 4 && r.Argv[0] == "launch")
            .GroupBy(r => r.Argv[r.Argv.ToList().IndexOf("-c") + 1], StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.First().At, StringComparer.Ordinal);
        var toSpawn = samples.Select(s => s.ToSpawnMs).ToList();
        var toStamp = samples.Select(s => (stamps[s.Cluster] - s.SentUtc).TotalMilliseconds).ToList();
        var toAck = samples.Select(s => s.ToAckMs).ToList();

        var interval = SeedReconcileInterval.TotalMilliseconds;
        result.Add("change → spawn, p50", Stats.Median(toSpawn), "ms", interval, "seed: 60 s reconcile interval", "—", Verdict.Info);
        result.Add("change → spawn, p99", Stats.Percentile(toSpawn, 99), "ms", interval, "seed: 60 s reconcile interval", "≤ 50 ms", ResultRow.AtMost(Stats.Percentile(toSpawn, 99), 50));
        var bareP50 = Stats.Median(bareToStamp);
        var bareP99 = Stats.Percentile(bareToStamp, 99);
        result.Add("change → fake's `at` (cross-check), p50", Stats.Median(toStamp), "ms", bareP50, "bare spawn → `at`, p50", "—", Verdict.Info);
        result.Add("change → fake's `at` (cross-check), p99", Stats.Percentile(toStamp, 99), "ms", bareP99, "bare spawn → `at`, p99",
            "≤ 50 ms + bare p99", ResultRow.AtMost(Stats.Percentile(toStamp, 99), 50 + bareP99));

        // What a user waits for beyond the executable's own start: the external stamp minus the same executable's bare
        // spawn, quantile by quantile (both measured in this run, the spawns before the server started).
        var aboveP50 = Stats.Median(toStamp) - bareP50;
        var aboveP99 = Stats.Percentile(toStamp, 99) - bareP99;
        result.Add("change → `sky` running (fake's `at`) minus bare spawn, p50", aboveP50, "ms", bareP50, "bare spawn → `at`, p50", "—", Verdict.Info);
        result.Add("change → `sky` running (fake's `at`) minus bare spawn, p99", aboveP99, "ms", bareP99, "bare spawn → `at`, p99", "≤ 25 ms", ResultRow.AtMost(aboveP99, 25));
        result.Note($"change → gateway hands `sky launch` to the CLI: {Stats.Describe(toSpawn)}");
        result.Note($"change → fake-sky's own `at` stamp: {Stats.Describe(toStamp)}");
        result.Note($"bare spawn (CliWrap, like SkyPilotCli) → fake-sky's `at`: {Stats.Describe(bareToStamp)}; round trip to exit: {Stats.Describe(spawns.Select(s => s.RoundTripMs).ToList())}");
        result.Note($"change → HTTP 2xx: {Stats.Describe(toAck)} (the launch often starts before the 2xx arrives: the endpoint replies after a second Ask for the row)");
        var overhead = toStamp.Zip(toSpawn, (stamp, spawn) => stamp - spawn).ToList();
        result.Note(FormattableString.Invariant($"cross-check: (fake `at`) − (probe stamp) = {Stats.Median(overhead):0.0} ms median, vs bare spawn→`at` {bareP50:0.0} ms: the two clocks agree that the gap is process start-up."));
        result.Note($"{WarmUp} warm-up changes excluded; every change waits for its launch to finish before the next (the early poll each launch triggers runs in the background, as in production).");
    }

    private static double Ms(long from, long to) => Stopwatch.GetElapsedTime(from, to).TotalMilliseconds;

    private sealed record Sample(string Cluster, DateTimeOffset SentUtc, double ToSpawnMs, double ToAckMs);
}
