using System.Diagnostics;
using Akka.Actor;
using Akka.Hosting;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using SkyDeck.Actors.Core;
using SkyDeck.Actors.Experiments;
using SkyDeck.Benchmarks.Baselines;
using SkyDeck.Benchmarks.Harness;
using SkyDeck.Benchmarks.Seeding;
using SkyDeck.Benchmarks.Server;
using SkyDeck.FakeSky;
using SkyDeck.Host.Api;

namespace SkyDeck.Benchmarks.Figures;

/// <summary>
/// P3: <c>GET /api/experiments</c> (what the dashboard loads) with <see cref="Scale.P3Fleet"/> experiments, against
/// a bare Kestrel app serving the very same bytes as a static file. Latency is measured sequentially, in interleaved
/// blocks so that both servers see the same machine noise; throughput with 4 concurrent clients reading full bodies.
/// </summary>
public sealed class P3ListExperiments : IFigure
{
    private const int Block = 10;
    private const int Clients = 4;

    public string Id => "P3";

    public string Title => "GET /api/experiments at fleet scale";

    public async Task RunAsync(FigureContext context, FigureResult result)
    {
        var scale = context.Scale;
        var plan = new FleetPlan(scale.P3Fleet, scale.QuiescentEvents);
        var (database, seed) = await context.SeedAsync("p3", plan);
        result.Note(seed.ToString());
        var fake = new FakeSkyHome(context.Workspace.NewDirectory("p3/fake"));
        await using var server = await SkyDeckUnderTest.StartAsync(context.Workspace.NewDirectory("p3/home"), database, fake);
        await server.WaitUntilReadyAsync(plan.Experiments, TimeSpan.FromMinutes(10));

        var body = await server.Client.GetByteArrayAsync("/api/experiments");
        await using var baseline = await StaticJsonServer.StartAsync(context.Workspace.NewDirectory("p3/static"), body);
        using var staticClient = Http.Client(baseline.Url);
        var skydeck = (Client: server.Client, Path: "/api/experiments");
        var floor = (Client: staticClient, Path: StaticJsonServer.Path);
        result.Note($"response: {body.Length / 1024.0 / 1024.0:0.00} MiB for {plan.Experiments:N0} experiments ({body.Length / plan.Experiments} bytes each)");

        for (var i = 0; i < Block * 2; i++)
        {
            await GetAsync(skydeck);
            await GetAsync(floor);
        }

        context.Log($"latency: {scale.P3LatencyRequests} sequential requests each, interleaved in blocks of {Block}");
        var ours = new List<double>();
        var theirs = new List<double>();
        while (ours.Count < scale.P3LatencyRequests)
        {
            for (var i = 0; i < Block; i++) ours.Add(await GetAsync(skydeck));
            for (var i = 0; i < Block; i++) theirs.Add(await GetAsync(floor));
        }

        context.Log($"throughput: {Clients} clients, {scale.P3ThroughputWindow.TotalSeconds:0} s windows, alternating");
        double oursDone = 0, theirsDone = 0;
        for (var round = 0; round < 2; round++)
        {
            oursDone += await ThroughputAsync(skydeck, scale.P3ThroughputWindow);
            theirsDone += await ThroughputAsync(floor, scale.P3ThroughputWindow);
        }

        var window = scale.P3ThroughputWindow.TotalSeconds * 2;
        var oursRps = oursDone / window;
        var theirsRps = theirsDone / window;
        var p50 = Stats.Median(ours);
        var floorP50 = Stats.Median(theirs);
        result.Add("p50 latency", p50, "ms", floorP50, "Kestrel static file, same bytes", "≤ 25 ms and ≤ 5× baseline",
            p50 <= 25 && p50 <= 5 * floorP50 ? Verdict.Pass : Verdict.Miss);
        result.Add("throughput", oursRps, "req/s", theirsRps, "Kestrel static file, same bytes", "≥ 0.2× baseline", ResultRow.AtLeast(oursRps, 0.2 * theirsRps));
        result.Note($"SkyDeck: {Stats.Describe(ours)}");
        var (ask, hit, rebuild, cold) = await BreakdownAsync(server);
        result.Note(FormattableString.Invariant(
            $"where a request's time goes (in-process, medians of 20, the endpoint's code path): Ask the manager for the list {ask:0.00} ms; the body from the list cache, table unchanged {hit:0.00} ms; after a change (new list, rows cached: concatenate {plan.Experiments:N0} rows) {rebuild:0.00} ms; cold (map and serialize every row, as every request did before the cache) {cold:0.0} ms; Kestrel + HTTP for the same bytes ≈ the static file's {floorP50:0.0} ms"));
        result.Note($"static file: {Stats.Describe(theirs)}");
        await P3Pages.MeasureAsync(context, result, server, body, p50);
    }

    /// <summary>The endpoint's steps (Ask, then <see cref="ExperimentListCache"/>: hit, rebuild from cached rows, cold), timed separately.</summary>
    private static async Task<(double Ask, double Hit, double Rebuild, double Cold)> BreakdownAsync(SkyDeckUnderTest server)
    {
        var manager = server.Services.GetRequiredService<ActorRegistry>().Get<ExperimentManagerActor>();
        var options = server.Services.GetRequiredService<IOptions<JsonOptions>>();
        var cache = server.Services.GetRequiredService<ExperimentListCache>();
        var asks = new List<double>();
        var hits = new List<double>();
        var rebuilds = new List<double>();
        var colds = new List<double>();
        for (var i = 0; i < 20; i++)
        {
            var started = Stopwatch.GetTimestamp();
            var list = (ExperimentList)await manager.Ask<object>(ListExperiments.Instance, TimeSpan.FromSeconds(30));
            var asked = Stopwatch.GetTimestamp();
            var body = await cache.GetAsync(list, includeDeleted: false, CancellationToken.None);
            var served = Stopwatch.GetTimestamp();
            if (body.Bytes.Length == 0) throw new InvalidOperationException("empty list");
            asks.Add(Stopwatch.GetElapsedTime(started, asked).TotalMilliseconds);
            hits.Add(Stopwatch.GetElapsedTime(asked, served).TotalMilliseconds);

            // A private cache (the server's stays as it is): first cold (every row mapped and serialized, as every
            // request did before the cache), then another list object with the same rows (the first request after a change).
            var probe = new ExperimentListCache(options);
            started = Stopwatch.GetTimestamp();
            await probe.GetAsync(list, includeDeleted: false, CancellationToken.None);
            colds.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            var changed = new ExperimentList([.. list.Experiments], list.Revision);
            started = Stopwatch.GetTimestamp();
            await probe.GetAsync(changed, includeDeleted: false, CancellationToken.None);
            rebuilds.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }

        return (Stats.Median(asks), Stats.Median(hits), Stats.Median(rebuilds), Stats.Median(colds));
    }

    private static async Task<double> GetAsync((HttpClient Client, string Path) target)
    {
        var started = Stopwatch.GetTimestamp();
        using var response = await target.Client.GetAsync(target.Path, HttpCompletionOption.ResponseHeadersRead);
        await response.EnsureSuccessAsync();
        await (await response.Content.ReadAsStreamAsync()).CopyToAsync(Stream.Null);
        return Stopwatch.GetElapsedTime(started).TotalMilliseconds;
    }

    private static async Task<double> ThroughputAsync((HttpClient Client, string Path) target, TimeSpan window)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(window.TotalSeconds * Stopwatch.Frequency);
        var done = 0;
        await Task.WhenAll(Enumerable.Range(0, Clients).Select(async _ =>
        {
            while (Stopwatch.GetTimestamp() < deadline)
            {
                await GetAsync(target);
                Interlocked.Increment(ref done);
            }
        }));
        return done;
    }
}
