using System.Diagnostics;
using Microsoft.Data.Sqlite;
using SkyDeck.Actors.Core;
using SkyDeck.Actors.Hosting;
using SkyDeck.Benchmarks.Baselines;
using SkyDeck.Benchmarks.Harness;
using SkyDeck.Benchmarks.Seeding;
using SkyDeck.Benchmarks.Server;
using SkyDeck.FakeSky;

namespace SkyDeck.Benchmarks.Figures;

/// <summary>
/// P5: <see cref="Scale.P5Changes"/> state changes sent at once (one per experiment, all in flight together), each
/// answered only after its event is in the journal. The changes (TERMINATED → STOPPED on torn-down experiments) need
/// no <c>sky</c> call, so the figure is the write path alone. Durability is checked after the last 2xx by counting
/// the new rows through a separate SQLite connection.
/// </summary>
public sealed class P5ConcurrentChanges : IFigure
{
    public string Id => "P5";

    public string Title => "concurrent state changes, each acknowledged once durable";

    public async Task RunAsync(FigureContext context, FigureResult result)
    {
        var scale = context.Scale;
        var plan = new FleetPlan(scale.P5Fleet, scale.QuiescentEvents);
        var (database, seed) = await context.SeedAsync("p5", plan);
        result.Note(seed.ToString());
        var fake = new FakeSkyHome(context.Workspace.NewDirectory("p5/fake"));

        var payload = "{\"experiment_id\":\"bench-00000\",\"desired\":\"STOPPED\",\"at\":\"2026-11-28T12:00:00.0000000+00:00\",\"who\":\"anonymous\",\"reason\":null}"u8.ToArray();
        var oneByOne = SqliteBaselines.AppendOneByOne(context.Workspace.PathOf("p5/baseline.db"), scale.P5Changes, payload);
        var batched = SqliteBaselines.AppendBatched(context.Workspace.PathOf("p5/baseline.db"), scale.P5Changes, payload);
        var plugin = await PluginProbe.PersistConcurrentlyAsync(context.Workspace.PathOf("p5/plugin-probe.db"), scale.P5Changes);
        var unstarved = await PluginProbe.PersistConcurrentlyAsync(context.Workspace.PathOf("p5/plugin-probe-threads.db"), scale.P5Changes, minThreads: 128);

        await using var server = await SkyDeckUnderTest.StartAsync(context.Workspace.NewDirectory("p5/home"), database, fake);
        await server.WaitUntilReadyAsync(plan.Experiments, TimeSpan.FromMinutes(10));
        var step = Math.Max(1, plan.Experiments / scale.P5Changes);
        var ids = Enumerable.Range(0, scale.P5Changes).Select(i => FleetPlan.IdOf(i * step)).ToList();

        // Opens one pooled connection per request and warms the read path, so the measured round is not connection set-up.
        await Task.WhenAll(ids.Select(async id =>
        {
            using var response = await server.Client.GetAsync($"/api/experiments/{id}");
            await response.EnsureSuccessAsync();
        }));

        var before = MaxOrdering(database);
        var calls = server.Probe.TotalCalls;
        context.Log($"{ids.Count} concurrent POST /state");
        var started = Stopwatch.GetTimestamp();
        var latencies = await Task.WhenAll(ids.Select(async id =>
        {
            using var response = await server.Client.PostStateAsync(id, "STOPPED");
            await response.EnsureSuccessAsync();
            return Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        }));
        var total = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        var durable = CountSince(database, before, "desired-changed.v1");

        result.Add($"{ids.Count:N0} concurrent changes, total", total, "ms", oneByOne.TotalMilliseconds,
            $"raw SQLite: {ids.Count:N0} appends, 1 txn each, WAL, synchronous=FULL", "≤ 2 s", ResultRow.AtMost(total, 2000));
        result.Note($"time to each 2xx: {Stats.Describe(latencies)}");
        result.Note($"durability: {durable:N0} of {ids.Count:N0} DesiredStateChanged rows visible to another connection right after the last 2xx"
                    + (durable >= ids.Count ? " (all acknowledged changes were committed)" : " — SOME ACKNOWLEDGED CHANGES WERE NOT YET COMMITTED"));
        result.Note($"raw SQLite, the same {ids.Count:N0} rows in ONE transaction: {batched.TotalMilliseconds:0.0} ms (what journal batching could approach)");
        result.Note($"plugin alone: {ids.Count:N0} bare persistent actors persisting one event each at the same moment (production persistence wiring, no HTTP, no SkyDeck logic): {plugin.TotalMilliseconds:0} ms; with the thread pool's minimum raised to 128: {unstarved.TotalMilliseconds:0} ms");
        result.Note($"sky calls during the round: {server.Probe.TotalCalls - calls} (expected 0: the changes need no action)");
        if (durable < ids.Count) result.Rows[^1] = result.Rows[^1] with { Verdict = Verdict.Miss };
    }

    private static long MaxOrdering(string database)
    {
        using var connection = new SqliteConnection(SqliteDatabase.ConnectionString(database));
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT COALESCE(MAX(ordering), 0) FROM journal";
        return (long)command.ExecuteScalar()!;
    }

    private static long CountSince(string database, long ordering, string manifest)
    {
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder(SqliteDatabase.ConnectionString(database)) { Pooling = false }.ToString());
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM journal WHERE ordering > $ordering AND manifest = $manifest";
        command.Parameters.AddWithValue("$ordering", ordering);
        command.Parameters.AddWithValue("$manifest", manifest);
        return (long)command.ExecuteScalar()!;
    }
}
