using System.Globalization;
using System.Text.Json;

namespace SkyDeck.Browser.Tests;

/// <summary>
/// The dashboard at 10,000 experiments beside a plain static HTML table of the same rows, measured in the same run, in
/// the same browser: time from the data arriving to the first rows painted, scrolling frame times, filter, sort and
/// select-all. Prints the figures (and writes them to TestResults/scale-10000.txt); asserts only correctness, never
/// timings. The rows are loaded into the page as the stream's snapshot would deliver them (clones of one real row), so
/// it measures the table, not the server. Opt-in (it is a benchmark, about a minute):
/// <c>SKYDECK_SCALE=1 dotnet test tests/SkyDeck.Browser.Tests --filter ScaleTests --logger "console;verbosity=detailed"</c>.
/// </summary>
[Collection(DashboardCollection.Name)]
[Trait("Category", "Slow")]
public sealed class ScaleTests(DashboardFixture fixture, ITestOutputHelper output)
{
    private const int Rows = 10_000;

    // Scrolls 120 px per animation frame for 150 frames and returns the frame intervals; `scroller` is the element.
    private const string ScrollFrames = """
        async scroller => {
          const frames = [];
          const f0 = window.__skydeck ? __skydeck.stats.flushes.length : 0;
          const long = [];
          const observer = new PerformanceObserver(list => long.push(...list.getEntries()));
          try { observer.observe({ type: 'long-animation-frame' }); } catch { }
          let last = await new Promise(r => requestAnimationFrame(r));
          for (let i = 0; i < 150; i++) {
            scroller.scrollTop += 120;
            const t = await new Promise(r => requestAnimationFrame(r));
            frames.push(t - last);
            last = t;
          }
          frames.sort((a, b) => a - b);
          const q = p => frames[Math.min(frames.length - 1, Math.floor(p * frames.length))];
          const total = frames.reduce((a, b) => a + b, 0);
          const flushes = window.__skydeck ? __skydeck.stats.flushes.slice(f0).map(f => f.ms) : [];
          await new Promise(r => setTimeout(r, 0));
          observer.disconnect();
          const sum = f => long.reduce((a, e) => a + f(e), 0);
          const render = sum(e => e.startTime + e.duration - e.renderStart);
          const styleLayout = sum(e => e.startTime + e.duration - e.styleAndLayoutStart);
          return { longFrames: long.length, longScript: sum(e => e.renderStart - e.startTime) + sum(e => e.styleAndLayoutStart - e.renderStart), longStyleLayout: styleLayout, longTotal: sum(e => e.duration), longDetail: JSON.stringify(long.map(e => ({ d: Math.round(e.duration), pre: Math.round(e.renderStart - e.startTime), raf: Math.round(e.styleAndLayoutStart - e.renderStart), sl: Math.round(e.startTime + e.duration - e.styleAndLayoutStart), blk: Math.round(e.blockingDuration), s: e.scripts.map(x => `${x.invoker}:${Math.round(x.duration)}`).join(' ') }))),
                    p50: q(0.5), p95: q(0.95), max: frames[frames.length - 1], fps: 1000 * frames.length / total,
                   script: flushes.reduce((a, b) => a + b, 0), scriptMax: Math.max(0, ...flushes) };
        }
        """;

    private static readonly string[] SortKeys = ["f:trainer.lr", "-f:seed", "name", "f:model.layers", "-f:trainer.lr"];

    private const string NextFrame = "new Promise(r => requestAnimationFrame(() => setTimeout(r, 0)))";

    [ScaleFact]
    public async Task Ten_thousand_rows_beside_a_plain_static_table()
    {
        var p = Ids.New("scale");
        await fixture.Server.CreateAsync($"{p}-tpl", new Dictionary<string, object> { ["trainer.lr"] = 0.1, ["model.layers"] = 2, ["seed"] = 0 });
        await using var d = await DashboardPage.OpenAsync(fixture, $"#q={p}");
        await Expect(d.Row($"{p}-tpl")).ToBeVisibleAsync();
        var page = d.Page;

        // the rows, built before the clock starts; then the snapshot "arrives"
        await page.EvaluateAsync(Synthetic.LoadScript($"{p}-tpl", p, Rows).Replace("__skydeck.load([...all, ...rows]);", "window.__rows = [...all, ...rows];"));
        var arrive = await page.EvaluateAsync<JsonElement>($$"""
            async () => {
              const t0 = performance.now();
              __skydeck.load(window.__rows);
              __skydeck.flushNow();
              const script = performance.now() - t0;
              await {{NextFrame}};
              const f = __skydeck.stats.flushes.at(-1);
              return { script, painted: performance.now() - t0, inDom: document.querySelectorAll('[data-testid=row]').length, phases: JSON.stringify(f.phases) };
            }
            """);
        output.WriteLine($"first flush phases (ms): {arrive.GetProperty("phases").GetString()}");
        await Expect(page.GetByTestId("row-count")).ToContainTextAsync($"{Rows + 1} shown");
        var profiler = await Profiler.StartAsync(page);
        var dashScroll = await page.GetByTestId("table-wrap").EvaluateAsync<JsonElement>(ScrollFrames);
        await profiler.StopAsync("scroll");
        output.WriteLine($"scrolling: table script {Ms(dashScroll, "script")} in total over 150 frames, worst {Ms(dashScroll, "scriptMax")}");
        output.WriteLine($"scrolling: {dashScroll.GetProperty("longFrames").GetInt32()} long animation frames (> 50 ms): {Ms(dashScroll, "longTotal")} in all, of which script and rAF {Ms(dashScroll, "longScript")}, style, layout and paint {Ms(dashScroll, "longStyleLayout")}");
        profiler = await Profiler.StartAsync(page);
        var dashView = await MeasureViewChanges(page, $"q={p}%20lr%3D0.5", $"q={p}&sort=-f%3Aseed", "[data-testid=select-all]");
        await profiler.StopAsync("filter-sort-select");
        Assert.Equal(Rows / 10, dashView.GetProperty("filter").GetProperty("shown").GetInt32());
        output.WriteLine($"filter flush phases (ms): {dashView.GetProperty("filter").GetProperty("phases").GetString()}");
        output.WriteLine($"sort flush phases (ms): {dashView.GetProperty("sort").GetProperty("phases").GetString()}");
        // one sort is one sample on a shared machine: five more, by other keys (ties, text, numbers), and their median
        var dashSorts = await page.EvaluateAsync<JsonElement>($$"""
            async keys => {
              const runs = [];
              for (const key of keys) {
                const changed = new Promise(r => addEventListener('hashchange', r, { once: true }));
                const t0 = performance.now();
                location.hash = 'q={{p}}&sort=' + encodeURIComponent(key);
                await changed;
                __skydeck.flushNow();
                const script = performance.now() - t0;
                await {{NextFrame}};
                runs.push({ script, frame: performance.now() - t0 });
              }
              const median = f => runs.map(f).sort((a, b) => a - b)[runs.length >> 1];
              return { script: median(r => r.script), frame: median(r => r.frame), all: runs.map(r => Math.round(r.frame)).join(' / ') };
            }
            """, SortKeys);

        // the baseline: the same rows as a plain <table> (all of them in the DOM), same browser, same run
        var plain = await fixture.Browser.NewPageAsync(new() { ViewportSize = new() { Width = 1500, Height = 950 } });
        await using var __ = plain.Context;
        var rowsJson = await page.EvaluateAsync<string>("() => JSON.stringify(window.__rows.map(e => [e.id, e.name, e.desired_state, e.current_state, e.nodes, e.gpus, e.flags['trainer.lr'], e.flags['model.layers'], e.flags.seed]))");
        await plain.SetContentAsync("<!doctype html><style>body{margin:0;font:13px system-ui} td,th{padding:0 8px;border:1px solid #ddd;white-space:nowrap;height:30px}</style><div id=wrap style='height:100vh;overflow:auto'></div>");
        await plain.EvaluateAsync($"rows => {{ window.__plain = JSON.parse(rows); }}", rowsJson);
        var plainArrive = await plain.EvaluateAsync<JsonElement>($$"""
            async () => {
              const t0 = performance.now();
              const head = '<tr>' + ['ID','Name','Desired','Current','Nodes','GPUs','trainer.lr','model.layers','seed'].map(h => `<th>${h}</th>`).join('') + '</tr>';
              const body = window.__plain.map(r => '<tr data-lr="' + r[6] + '">' + r.map(c => `<td>${c}</td>`).join('') + '</tr>').join('');
              document.getElementById('wrap').innerHTML = `<table><thead>${head}</thead><tbody>${body}</tbody></table>`;
              const script = performance.now() - t0;
              await {{NextFrame}};
              return { script, painted: performance.now() - t0, inDom: document.querySelectorAll('tbody tr').length };
            }
            """);
        var plainScroll = await plain.Locator("#wrap").EvaluateAsync<JsonElement>(ScrollFrames);
        output.WriteLine(dashScroll.GetProperty("longDetail").GetString());
        output.WriteLine($"plain table scrolling: {plainScroll.GetProperty("longFrames").GetInt32()} long animation frames (> 50 ms): {Ms(plainScroll, "longTotal")} in all, of which style, layout and paint {Ms(plainScroll, "longStyleLayout")}");
        var plainView = await plain.EvaluateAsync<JsonElement>($$"""
            async () => {
              const rows = [...document.querySelectorAll('tbody tr')];
              const time = async f => { const t0 = performance.now(); f(); const script = performance.now() - t0; await {{NextFrame}}; return { script, frame: performance.now() - t0 }; };
              const filter = await time(() => rows.forEach(r => r.style.display = r.dataset.lr === '0.5' ? '' : 'none'));
              await time(() => rows.forEach(r => r.style.display = ''));
              const sort = await time(() => {
                const sorted = rows.slice().sort((a, b) => +b.lastChild.textContent - +a.lastChild.textContent);
                const tbody = document.querySelector('tbody');
                for (const r of sorted) tbody.append(r);
              });
              return { filter, sort };
            }
            """);
        var plainSorts = await plain.EvaluateAsync<JsonElement>($$"""
            async () => {
              const collator = new Intl.Collator('en', { numeric: true, sensitivity: 'base' });
              const tbody = document.querySelector('tbody');
              const cell = (r, i) => r.children[i].textContent;
              const by = [[6, 1, true], [8, -1, true], [1, 1, false], [7, 1, true], [6, -1, true]]; // column, direction, numeric
              const runs = [];
              for (const [i, dir, numeric] of by) {
                const t0 = performance.now();
                const rows = [...tbody.children];
                rows.sort((a, b) => dir * (numeric ? +cell(a, i) - +cell(b, i) : collator.compare(cell(a, i), cell(b, i))) || collator.compare(cell(a, 0), cell(b, 0)));
                for (const r of rows) tbody.append(r);
                const script = performance.now() - t0;
                await {{NextFrame}};
                runs.push({ script, frame: performance.now() - t0 });
              }
              const median = f => runs.map(f).sort((a, b) => a - b)[runs.length >> 1];
              return { script: median(r => r.script), frame: median(r => r.frame) };
            }
            """);

        Report($"10,000 experiments (+1 real), Chromium {fixture.Browser.Version}, viewport 1500×950, same run");
        Report("| figure | dashboard (virtualized) | plain static table | target |");
        Report("|---|---|---|---|");
        Report($"| data arrives → first rows painted | {Ms(arrive, "painted")} (script {Ms(arrive, "script")}; {arrive.GetProperty("inDom").GetInt32()} rows in the DOM) | {Ms(plainArrive, "painted")} (script {Ms(plainArrive, "script")}; {plainArrive.GetProperty("inDom").GetInt32()} rows) | ≤ 1,000 ms |");
        Report($"| scrolling, 120 px per frame: median / p95 / worst frame | {Ms(dashScroll, "p50")} / {Ms(dashScroll, "p95")} / {Ms(dashScroll, "max")} ({Fps(dashScroll)}) | {Ms(plainScroll, "p50")} / {Ms(plainScroll, "p95")} / {Ms(plainScroll, "max")} ({Fps(plainScroll)}) | p95 ≤ 20 ms (≥ 50 fps) |");
        Report($"| filter to 1,000 rows → next frame | {Ms(dashView.GetProperty("filter"), "frame")} (script {Ms(dashView.GetProperty("filter"), "script")}) | {Ms(plainView.GetProperty("filter"), "frame")} (script {Ms(plainView.GetProperty("filter"), "script")}) | ≤ 100 ms |");
        Report($"| sort 10,001 rows by a flag → next frame | {Ms(dashView.GetProperty("sort"), "frame")} (script {Ms(dashView.GetProperty("sort"), "script")}) | {Ms(plainView.GetProperty("sort"), "frame")} (script {Ms(plainView.GetProperty("sort"), "script")}) | ≤ 100 ms |");
        Report($"| select all 10,001 → next frame | {Ms(dashView.GetProperty("select"), "frame")} | — | ≤ 100 ms |");
        Report($"| sort 10,001 rows, median of {SortKeys.Length} (lr, −seed, name, layers, −lr) → next frame | {Ms(dashSorts, "frame")} (script {Ms(dashSorts, "script")}; all: {dashSorts.GetProperty("all").GetString()}) | {Ms(plainSorts, "frame")} (script {Ms(plainSorts, "script")}) | ≤ 100 ms |");
    }

    /// <summary>Filter, then clear and sort, then select all: each from the change to the next painted frame.</summary>
    private static Task<JsonElement> MeasureViewChanges(IPage page, string filterHash, string sortHash, string selectAll) =>
        page.EvaluateAsync<JsonElement>($$"""
            async () => {
              const step = async hash => {
                const changed = new Promise(r => addEventListener('hashchange', r, { once: true }));
                const t0 = performance.now();
                location.hash = hash;
                await changed;
                __skydeck.flushNow();
                const script = performance.now() - t0;
                await {{NextFrame}};
                const phases = JSON.stringify(__skydeck.stats.flushes.at(-1)?.phases ?? {});
                return { script, frame: performance.now() - t0, shown: parseInt(document.querySelector('[data-testid=row-count]').textContent, 10), phases };
              };
              const filter = await step('{{filterHash}}');
              const sort = await step('{{sortHash}}');
              const box = document.querySelector('{{selectAll}}');
              const t0 = performance.now();
              box.click();
              await {{NextFrame}};
              const select = { frame: performance.now() - t0, selected: document.querySelector('[data-testid=bulk-count]').textContent };
              return { filter, sort, select };
            }
            """);

    private void Report(string line)
    {
        output.WriteLine(line);
        File.AppendAllText(Path.Combine(DashboardTests.ArtifactDirectory(), "scale-10000.txt"), line + Environment.NewLine);
    }

    private static string Ms(JsonElement e, string name) => e.GetProperty(name).GetDouble().ToString("F1", CultureInfo.InvariantCulture) + " ms";

    private static string Fps(JsonElement e) => e.GetProperty("fps").GetDouble().ToString("F0", CultureInfo.InvariantCulture) + " fps";
}

/// <summary>
/// With SKYDECK_SCALE_PROFILE=1, Chromium's sampling CPU profiler (CDP Profiler, 100 µs) around a phase of the scale
/// benchmark, written to TestResults/scale-PHASE.cpuprofile (open it in Chrome DevTools' Performance panel, or sum
/// self time per function with tests/SkyDeck.Browser.Tests/profile-summary.mjs). With SKYDECK_SCALE_PROFILE=2, a
/// Chromium trace of the scrolling instead (TestResults/scale-scroll.trace.json: style, layout, paint, layerize and
/// commit per frame; trace-summary.mjs sums them; SKYDECK_SCALE_TRACE replaces the trace categories, e.g. adding
/// disabled-by-default-devtools.timeline.invalidationTracking to see what each frame invalidates). Without either, nothing
/// is started.
/// </summary>
internal sealed class Profiler(ICDPSession? session)
{
    private static readonly string? Mode = Environment.GetEnvironmentVariable("SKYDECK_SCALE_PROFILE");
    private readonly List<string> traceChunks = [];
    private readonly TaskCompletionSource traced = new();

    public static async Task<Profiler> StartAsync(IPage page)
    {
        if (Mode is not ("1" or "2")) return new Profiler(null);
        var session = await page.Context.NewCDPSessionAsync(page);
        var profiler = new Profiler(session);
        if (Mode == "2")
        {
            session.Event("Tracing.dataCollected").OnEvent += (_, e) => profiler.traceChunks.Add(e!.Value.GetProperty("value").GetRawText()[1..^1]);
            session.Event("Tracing.tracingComplete").OnEvent += (_, _) => profiler.traced.TrySetResult();
            await session.SendAsync("Tracing.start", new Dictionary<string, object> { ["categories"] = Environment.GetEnvironmentVariable("SKYDECK_SCALE_TRACE") ?? "devtools.timeline,disabled-by-default-devtools.timeline", ["transferMode"] = "ReportEvents" });
            return profiler;
        }
        await session.SendAsync("Profiler.enable");
        await session.SendAsync("Profiler.setSamplingInterval", new Dictionary<string, object> { ["interval"] = 100 });
        await session.SendAsync("Profiler.start");
        return profiler;
    }

    public async Task StopAsync(string phase)
    {
        if (session is null) return;
        if (Mode == "2")
        {
            await session.SendAsync("Tracing.end");
            await traced.Task.WaitAsync(TimeSpan.FromSeconds(60));
            await File.WriteAllTextAsync(Path.Combine(DashboardTests.ArtifactDirectory(), $"scale-{phase}.trace.json"), "[" + string.Join(",", traceChunks.Where(c => c.Length > 0)) + "]");
        }
        else
        {
            var result = await session.SendAsync("Profiler.stop");
            await File.WriteAllTextAsync(Path.Combine(DashboardTests.ArtifactDirectory(), $"scale-{phase}.cpuprofile"), result!.Value.GetProperty("profile").GetRawText());
        }
        await session.DetachAsync();
    }
}

/// <summary>A fact that runs only when SKYDECK_SCALE=1.</summary>
public sealed class ScaleFactAttribute : FactAttribute
{
    public ScaleFactAttribute()
    {
        if (Environment.GetEnvironmentVariable("SKYDECK_SCALE") != "1") Skip = "set SKYDECK_SCALE=1 to run the 10,000-row measurement (about a minute)";
    }
}
