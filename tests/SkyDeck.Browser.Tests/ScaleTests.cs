using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace SkyDeck.Browser.Tests;

/// <summary>
/// "Stays smooth with 2,000 rows": loads 2,000 experiments into a fresh server and measures, in the page, the initial
/// render and applying 100 stream updates. Prints the numbers (and appends them to TestResults/scale-2000.txt);
/// asserts only correctness, never timings. Opt-in because creating 2,000 experiments takes the server a minute or two:
/// <c>SKYDECK_SCALE=1 dotnet test tests/SkyDeck.Browser.Tests --filter ScaleTests --logger "console;verbosity=detailed"</c>.
/// </summary>
[Collection(DashboardCollection.Name)]
[Trait("Category", "Slow")]
public sealed class ScaleTests(DashboardFixture fixture, ITestOutputHelper output)
{
    private const int Rows = 2000;
    private const int Updates = 100;

    [ScaleFact]
    public async Task Two_thousand_rows_render_once_and_update_only_what_changed()
    {
        await using var server = await DashboardServer.StartAsync(pollIntervalSeconds: 5);
        var created = Stopwatch.StartNew();
        await Parallel.ForEachAsync(Enumerable.Range(0, Rows), new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (i, _) =>
            await server.CreateAsync($"scale-{i:D4}", new Dictionary<string, object>
            {
                ["trainer.lr"] = 0.0001 * (1 + i % 10),
                ["trainer.batch_size"] = 1024 << (i % 4),
                ["trainer.ppo.enabled"] = i % 2 == 0,
                ["model.layers"] = 2 + i % 6,
                ["seed"] = i,
                ["sweep"] = $"grid-{i / 100}",
            }, gpus: i % 8));
        created.Stop();
        Report($"created {Rows} experiments through the API in {created.Elapsed.TotalSeconds:F1} s (16 in parallel)");

        var context = await fixture.Browser.NewContextAsync(new() { BaseURL = server.BaseAddress.ToString(), ViewportSize = new() { Width = 1500, Height = 950 } });
        await using var _ = context;
        var page = await context.NewPageAsync();
        var load = Stopwatch.StartNew();
        await page.GotoAsync("/");
        var rendered = await page.WaitForFunctionAsync(
            $"() => document.querySelectorAll('[data-testid=row]').length === {Rows} ? performance.now() : 0",
            null, new() { Timeout = 60_000, PollingInterval = 20 });
        load.Stop();
        var stats = await page.EvaluateAsync<JsonElement>("""
            () => {
              const s = __skydeck.stats;
              const upTo = s.flushes.filter(f => f.at <= s.allRowsAt);
              return { initial: s.initialRenderMs, first: s.firstRowsAt, all: s.allRowsAt, frames: upTo.length, worst: Math.max(...upTo.map(f => f.ms)) };
            }
            """);
        Report($"initial render: first flush (snapshot → first screen of rows) {Ms(stats.GetProperty("initial"))}; first rows in the DOM at {Ms(stats.GetProperty("first"))} "
            + $"and all {Rows} at {Ms(stats.GetProperty("all"))} after navigation start ({stats.GetProperty("frames").GetInt32()} flushes, worst {Ms(stats.GetProperty("worst"))}); "
            + $"the test saw {Rows} rows at {Ms(await rendered.JsonValueAsync<double>())} (page clock), {load.ElapsedMilliseconds} ms (test clock)");

        // ids for the real updates later; the synthetic ones below use other rows (their made-up versions would
        // otherwise hide the real ones)
        var targets = Enumerable.Range(0, Updates).Select(i => $"scale-{(i * 19 + 7) % Rows:D4}").Distinct().ToList();
        var ids = JsonSerializer.Serialize(targets);
        await page.EvaluateAsync($"() => {{ window.__real = new Set({ids}); }}");

        // 100 synthetic stream events applied in one batch (what a burst of `experiment` events costs)
        var batch = await page.EvaluateAsync<JsonElement>($$"""
            async () => {
              const picked = __skydeck.snapshot().filter(e => !window.__real.has(e.id)).filter((_, i) => i % 9 === 0).slice(0, {{Updates}});
              const updates = picked.map(e => ({ ...e, version: e.version + 1, flags: { ...e.flags, seed: -(e.flags.seed + 1) } }));
              const t0 = performance.now();
              __skydeck.ingest(updates);
              __skydeck.flushNow();
              const applied = performance.now() - t0;
              await new Promise(r => requestAnimationFrame(() => setTimeout(r, 0)));
              return { applied, painted: performance.now() - t0, ok: updates.every(u => document.querySelector(`[data-testid=row][data-id="${u.id}"] [data-key="seed"]`)?.textContent === String(u.flags.seed)) };
            }
            """);
        Assert.True(batch.GetProperty("ok").GetBoolean());
        Report($"{Updates} updates in one batch: applied in {Ms(batch.GetProperty("applied"))}, next frame after {Ms(batch.GetProperty("painted"))}");

        // the same, one event at a time (each gets its own flush, as if they arrived in separate frames)
        var single = await page.EvaluateAsync<JsonElement>($$"""
            async () => {
              const picked = __skydeck.snapshot().filter(e => !window.__real.has(e.id)).filter((_, i) => i % 9 === 1).slice(0, {{Updates}});
              const times = [];
              for (const e of picked) {
                const t0 = performance.now();
                __skydeck.ingest([{ ...e, version: e.version + 1, current_state: 'PENDING' }]);
                __skydeck.flushNow();
                times.push(performance.now() - t0);
              }
              times.sort((a, b) => a - b);
              return { total: times.reduce((a, b) => a + b, 0), median: times[times.length >> 1], max: times[times.length - 1] };
            }
            """);
        Report($"{Updates} updates one at a time: total {Ms(single.GetProperty("total"))}, median {Ms(single.GetProperty("median"))}, max {Ms(single.GetProperty("max"))} per update");

        // real stream updates: 100 flag changes through the API, measured until the page shows them all
        await page.EvaluateAsync("() => { window.__t0 = performance.now(); window.__f0 = __skydeck.stats.flushes.length; }");
        await Parallel.ForEachAsync(targets, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (id, _) =>
            await server.SetFlagsAsync(id, new Dictionary<string, object> { ["seed"] = -1, ["trainer.lr"] = 0.5, ["sweep"] = "updated" }));
        var live = await page.WaitForFunctionAsync($$"""
            () => {{ids}}.every(id => document.querySelector(`[data-testid=row][data-id="${id}"] [data-key="seed"]`)?.textContent === '-1')
              ? (() => { const f = __skydeck.stats.flushes.slice(window.__f0); return { wall: performance.now() - window.__t0, flushes: f.length, busy: f.reduce((a, x) => a + x.ms, 0), worst: Math.max(...f.map(x => x.ms)) }; })()
              : null
            """, null, new() { Timeout = 60_000, PollingInterval = 20 });
        var liveStats = await live.JsonValueAsync<JsonElement>();
        Report($"{targets.Count} real updates via API → SSE → DOM: all shown after {Ms(liveStats.GetProperty("wall"))} wall (incl. server), "
            + $"{liveStats.GetProperty("flushes").GetInt32()} flushes, main-thread render total {Ms(liveStats.GetProperty("busy"))}, worst flush {Ms(liveStats.GetProperty("worst"))}");

        // filtering, clearing the filter and sorting 2,000 rows: script time (flush) and style + layout, separately
        var view = await page.EvaluateAsync<JsonElement>("""
            async () => {
              const wrap = document.querySelector('[data-testid=table-wrap]');
              const step = async hash => {
                const changed = new Promise(r => addEventListener('hashchange', r, { once: true }));
                location.hash = hash;
                await changed;
                const t0 = performance.now();
                __skydeck.flushNow();
                const t1 = performance.now();
                void wrap.scrollHeight; // forces style and layout now
                const t2 = performance.now();
                await new Promise(r => requestAnimationFrame(() => setTimeout(r, 0)));
                return { js: t1 - t0, layout: t2 - t1, frame: performance.now() - t0, rows: document.querySelectorAll('[data-testid=row]').length };
              };
              const filter = await step('q=sweep%3Dgrid-1');
              const clear = await step('');
              const sort = await step('sort=-f%3Atrainer.lr');
              return { filter, clear, sort };
            }
            """);
        Assert.Equal(Rows, view.GetProperty("sort").GetProperty("rows").GetInt32());
        foreach (var (name, label) in new[] { ("filter", "filter sweep=grid-1"), ("clear", "clear the filter"), ("sort", "sort all by a flag column (descending)") })
        {
            var r = view.GetProperty(name);
            Report($"{label}: {r.GetProperty("rows").GetInt32()} rows shown; script {Ms(r.GetProperty("js"))}, style+layout {Ms(r.GetProperty("layout"))}, next frame after {Ms(r.GetProperty("frame"))}");
        }
    }

    private void Report(string line)
    {
        output.WriteLine(line);
        File.AppendAllText(Path.Combine(DashboardTests.ArtifactDirectory(), "scale-2000.txt"), $"{DateTime.UtcNow:O} {line}{Environment.NewLine}");
    }

    private static string Ms(JsonElement value) => Ms(value.GetDouble());

    private static string Ms(double value) => value.ToString("F1", CultureInfo.InvariantCulture) + " ms";
}

/// <summary>A fact that runs only when SKYDECK_SCALE=1.</summary>
public sealed class ScaleFactAttribute : FactAttribute
{
    public ScaleFactAttribute()
    {
        if (Environment.GetEnvironmentVariable("SKYDECK_SCALE") != "1") Skip = "set SKYDECK_SCALE=1 to run the 2,000-row measurement (takes a few minutes)";
    }
}
