using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;

namespace SkyDeck.Browser.Tests;

/// <summary>
/// Opt-in (SKYDECK_SCALE=1): 10,000 real experiments on the server (one sweep), the dashboard opened twice in the same
/// run: paged (the server's default threshold, 5,000) and, as the baseline, with the threshold raised in the page's
/// copy of <c>/api/meta</c> so it loads the whole list. Reports the time until the first rows are painted, the bytes the
/// page received (the stream included), and the page's JS heap.
/// </summary>
[Collection(PagedScaleCollection.Name)]
[Trait("Category", "Slow")]
public sealed class PagedScaleTests(PagedScaleFixture fixture, ITestOutputHelper output)
{
    private async Task<(double FirstRowsMs, double Bytes, double HeapMb)> OpenAsync(bool full)
    {
        var context = await fixture.Dashboard.Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = fixture.Dashboard.Server.BaseAddress.ToString(),
            ViewportSize = new ViewportSize { Width = 1500, Height = 950 },
        });
        try
        {
            if (full)
            {
                await context.RouteAsync("**/api/meta", async route =>
                {
                    var response = await route.FetchAsync();
                    var meta = System.Text.Json.Nodes.JsonNode.Parse(await response.TextAsync())!;
                    meta["dashboard"]!["paged_above"] = 1_000_000_000;
                    await route.FulfillAsync(new() { Response = response, Body = meta.ToJsonString() });
                });
            }

            var page = await context.NewPageAsync();
            var session = await context.NewCDPSessionAsync(page);
            double bytes = 0;
            session.Event("Network.dataReceived").OnEvent += (_, e) =>
            {
                if (e is { } args) bytes += args.GetProperty("dataLength").GetDouble();
            };
            await session.SendAsync("Network.enable");
            await page.GotoAsync("/");
            await Expect(page.Locator("[data-testid='row']").First).ToBeVisibleAsync(new() { Timeout = 120_000 });
            await Expect(page.GetByTestId("row-count")).ToContainTextAsync($"{PagedScaleFixture.Count} shown", new() { Timeout = 120_000 });
            var firstRows = await page.EvaluateAsync<double>("() => __skydeck.stats.firstRowsAt");
            var heap = await page.EvaluateAsync<double>("() => performance.memory.usedJSHeapSize / 1048576");
            if (!full) await Expect(page.GetByTestId("paged-notice")).ToBeVisibleAsync();
            else Assert.Equal(0, await page.GetByTestId("paged-notice").CountAsync());
            return (firstRows, bytes, heap);
        }
        finally
        {
            await context.DisposeAsync();
        }
    }

    [ScaleFact]
    public async Task Ten_thousand_experiments_paged_beside_the_whole_list()
    {
        // alternate, three each: the machine is shared, so a pair is measured close together
        var paged = new List<(double, double, double)>();
        var full = new List<(double, double, double)>();
        for (var i = 0; i < 3; i++)
        {
            full.Add(await OpenAsync(full: true));
            paged.Add(await OpenAsync(full: false));
        }

        static double Median(IEnumerable<double> xs) => xs.Order().ElementAt(1);
        var (pFirst, pBytes, pHeap) = (Median(paged.Select(x => x.Item1)), Median(paged.Select(x => x.Item2)), Median(paged.Select(x => x.Item3)));
        var (fFirst, fBytes, fHeap) = (Median(full.Select(x => x.Item1)), Median(full.Select(x => x.Item2)), Median(full.Select(x => x.Item3)));
        output.WriteLine($"first rows painted, ms from navigation: paged {pFirst:F0} vs whole list {fFirst:F0} ({pFirst / fFirst:F3}x); runs paged {string.Join(" / ", paged.Select(x => x.Item1.ToString("F0")))}, whole {string.Join(" / ", full.Select(x => x.Item1.ToString("F0")))}");
        output.WriteLine($"bytes received until then: paged {pBytes / 1048576:F2} MiB vs whole list {fBytes / 1048576:F2} MiB ({pBytes / fBytes:F3}x)");
        output.WriteLine($"JS heap: paged {pHeap:F1} MB vs whole list {fHeap:F1} MB ({pHeap / fHeap:F2}x)");
        Assert.True(pBytes < fBytes, "the paged table must not receive the whole list");
    }
}

/// <summary>Its own server with 10,000 experiments: one sweep of 100 seeds × 100 shards, with a dozen more flags.</summary>
public sealed class PagedScaleFixture : IAsyncLifetime
{
    public const int Count = 10_000;

    public DashboardFixture Dashboard { get; } = new(pagedAbove: null, "--SKYDECK_MAX_SWEEP_CELLS=10000");

    public async Task InitializeAsync()
    {
        if (!Enabled) return; // the test is skipped: no server either
        await Dashboard.InitializeAsync();
        var flags = new Dictionary<string, object>
        {
            ["trainer.optimizer.name"] = "adam", ["trainer.optimizer.learning_rate"] = 0.0003, ["trainer.optimizer.beta1"] = 0.9,
            ["trainer.batch_size"] = 512, ["trainer.epochs"] = 100, ["trainer.losses.ppo.enabled"] = true, ["trainer.losses.ppo.clip"] = 0.2,
            ["model.core_resnet_layers"] = 4, ["model.hidden"] = 1024, ["env.name"] = "arena", ["env.seed_base"] = 7, ["eval.every"] = 1000,
        };
        await Dashboard.Server.SendAsync(HttpMethod.Post, "api/sweeps", new
        {
            id = "scale",
            name = "scale",
            mode = "grid",
            desired_state = "STOPPED",
            template = new { base_command = "python train.py", run_name = "scale", nodes = 1, gpus = 0, flags },
            axes = new Dictionary<string, object> { ["seed"] = Enumerable.Range(0, 100).ToArray(), ["shard"] = Enumerable.Range(0, Count / 100).ToArray() },
        });
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var page = await Dashboard.Server.Api.GetFromJsonAsync<JsonElement>("api/experiments?limit=1");
            if (page.GetProperty("total").GetInt32() >= Count) break;
            if (clock.Elapsed > TimeSpan.FromMinutes(10)) throw new TimeoutException("the sweep's 10,000 cells were not all created within 10 minutes");
            await Task.Delay(500); // waiting for the server's own work, not asserting on time
        }
    }

    public Task DisposeAsync() => Enabled ? Dashboard.DisposeAsync() : Task.CompletedTask;

    private static bool Enabled => Environment.GetEnvironmentVariable("SKYDECK_SCALE") == "1";
}

[CollectionDefinition(Name)]
public sealed class PagedScaleCollection : ICollectionFixture<PagedScaleFixture>
{
    public const string Name = "paged-scale";
}
