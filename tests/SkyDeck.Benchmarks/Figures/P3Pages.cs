using System.Diagnostics;
using System.IO.Compression;
using Akka.Actor;
using Akka.Hosting;
using Microsoft.Extensions.DependencyInjection;
using SkyDeck.Actors.Experiments;
using SkyDeck.Benchmarks.Baselines;
using SkyDeck.Benchmarks.Harness;
using SkyDeck.Benchmarks.Server;
using SkyDeck.Host.Api;

namespace SkyDeck.Benchmarks.Figures;

/// <summary>
/// P3's paged list, beside the full one and on the same server: the first page of 100 sorted by a flag, and a
/// filtered page (a wildcard on the id, keeping one experiment in ten, and a numeric flag comparison, so every row is
/// tested), each against a bare Kestrel app serving the very same page bytes. Also what the full list weighs
/// compressed (the server compresses for clients on other machines) and what compressing it costs.
/// </summary>
public static class P3Pages
{
    public const string FlagSort = "f:trainer.optimizer.learning_rate:desc";

    public const string Filter = "id=bench-*7 core_resnet_layers>=4";

    private const int Block = 10;

    public static async Task MeasureAsync(FigureContext context, FigureResult result, SkyDeckUnderTest server, byte[] fullList, double fullListP50)
    {
        var first = $"/api/experiments?sort={FlagSort}&limit=100";
        var filtered = $"/api/experiments?q={Uri.EscapeDataString(Filter)}&sort={FlagSort}&limit=100";
        foreach (var (name, path) in new[] { ("first page of 100 sorted by a flag", first), ("filtered page of 100 (q, sorted by a flag)", filtered) })
        {
            var body = await server.Client.GetByteArrayAsync(path);
            await using var baseline = await StaticJsonServer.StartAsync(context.Workspace.NewDirectory($"p3/static-{(path == first ? "first" : "filtered")}"), body);
            using var staticClient = Http.Client(baseline.Url);
            for (var i = 0; i < Block * 2; i++)
            {
                await GetAsync(server.Client, path);
                await GetAsync(staticClient, StaticJsonServer.Path);
            }

            context.Log($"{name}: {context.Scale.P3LatencyRequests} sequential requests each, interleaved in blocks of {Block}");
            var ours = new List<double>();
            var theirs = new List<double>();
            while (ours.Count < context.Scale.P3LatencyRequests)
            {
                for (var i = 0; i < Block; i++) ours.Add(await GetAsync(server.Client, path));
                for (var i = 0; i < Block; i++) theirs.Add(await GetAsync(staticClient, StaticJsonServer.Path));
            }

            var p50 = Stats.Median(ours);
            result.Add($"{name}, p50", p50, "ms", Stats.Median(theirs), "Kestrel static file, same bytes", "—", Verdict.Info);
            using var json = System.Text.Json.JsonDocument.Parse(body);
            result.Note(FormattableString.Invariant(
                $"{name} (GET {path}): {body.Length / 1024.0:0} KiB, total {json.RootElement.GetProperty("total").GetInt32():N0}; {p50 / fullListP50:0.000}× the full list's p50 ({fullListP50:0.0} ms); SkyDeck {Stats.Describe(ours)}; static {Stats.Describe(theirs)}"));
        }

        result.Note(await BreakdownAsync(server));
        result.Note(Compression(fullList));
    }

    /// <summary>In-process, medians of 10: sorting the table (first page after any change), a page from the cached order, with and without the filter.</summary>
    private static async Task<string> BreakdownAsync(SkyDeckUnderTest server)
    {
        var manager = server.Services.GetRequiredService<ActorRegistry>().Get<ExperimentManagerActor>();
        var list = (ExperimentList)await manager.Ask<object>(ListExperiments.Instance, TimeSpan.FromSeconds(30));
        var cache = server.Services.GetRequiredService<ExperimentListCache>();
        var (sort, _) = ExperimentSort.Parse(FlagSort);
        var filter = ExperimentFilter.Parse(Filter);
        var sorts = new List<double>();
        var pages = new List<double>();
        var filteredPages = new List<double>();
        var filteredAgain = new List<double>();
        var bodies = new List<double>();
        for (var i = 0; i < 10; i++)
        {
            var probe = new ExperimentPages();
            var started = Stopwatch.GetTimestamp();
            probe.Of(list, sort!, "live", s => !s.Deleted, null, 100);
            sorts.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            started = Stopwatch.GetTimestamp();
            var page = probe.Of(list, sort!, "live", s => !s.Deleted, null, 100);
            pages.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            started = Stopwatch.GetTimestamp();
            probe.Of(list, sort!, "filtered", s => !s.Deleted && filter.Matches(s), null, 100);
            filteredPages.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            started = Stopwatch.GetTimestamp();
            probe.Of(list, sort!, "filtered", s => !s.Deleted && filter.Matches(s), null, 100);
            filteredAgain.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            started = Stopwatch.GetTimestamp();
            cache.Rows(page.Rows, (page.Next, page.Total));
            bodies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }

        return FormattableString.Invariant(
            $"where a page's time goes (in-process, medians of 10, {list.Experiments.Length:N0} rows): sort by the flag and keep the live rows (first page after a change) {Stats.Median(sorts):0.0} ms; the next page from the cached order {Stats.Median(pages):0.00} ms; a filter's first page (the filter tested on every row) {Stats.Median(filteredPages):0.0} ms; its next page (matches cached) {Stats.Median(filteredAgain):0.00} ms; the page's body from cached rows {Stats.Median(bodies):0.00} ms");
    }

    /// <summary>The full list through Brotli and gzip at the server's levels (fastest), timed once each after a warm-up.</summary>
    private static string Compression(byte[] body)
    {
        static (long Bytes, double Ms) Compress(byte[] body, Func<Stream, Stream> encoder)
        {
            using var target = new MemoryStream();
            var started = Stopwatch.GetTimestamp();
            using (var stream = encoder(target)) stream.Write(body);
            return (target.Length, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }

        Compress(body[..Math.Min(body.Length, 1 << 20)], s => new BrotliStream(s, CompressionLevel.Fastest, leaveOpen: true));
        var br = Compress(body, s => new BrotliStream(s, CompressionLevel.Fastest, leaveOpen: true));
        var gzip = Compress(body, s => new GZipStream(s, CompressionLevel.Fastest, leaveOpen: true));
        var mib = body.Length / 1024.0 / 1024.0;
        return FormattableString.Invariant(
            $"the full list compressed (what a client on another machine receives; loopback clients get it uncompressed): {mib:0.0} MiB → Brotli {br.Bytes / 1024.0 / 1024.0:0.00} MiB ({body.Length / (double)br.Bytes:0}×) in {br.Ms:0} ms, gzip {gzip.Bytes / 1024.0 / 1024.0:0.00} MiB ({body.Length / (double)gzip.Bytes:0}×) in {gzip.Ms:0} ms (fastest levels, one thread)");
    }

    private static async Task<double> GetAsync(HttpClient client, string path)
    {
        var started = Stopwatch.GetTimestamp();
        using var response = await client.GetAsync(path, HttpCompletionOption.ResponseHeadersRead);
        await response.EnsureSuccessAsync();
        await (await response.Content.ReadAsStreamAsync()).CopyToAsync(Stream.Null);
        return Stopwatch.GetElapsedTime(started).TotalMilliseconds;
    }
}
