using System.Diagnostics;
using System.Globalization;
using System.Threading.Channels;
using SkyDeck.Benchmarks.Harness;
using SkyDeck.Benchmarks.Seeding;
using SkyDeck.Benchmarks.Server;
using SkyDeck.FakeSky;

namespace SkyDeck.Benchmarks.Figures;

/// <summary>
/// P8: memory follows activity. The production server in a fresh process on a journal of <see cref="Scale.P8Fleet"/>
/// experiments at rest (listed from the stored table, no actor each); every experiment is then touched by one
/// <c>GET /api/experiments/{id}</c>, which recovers its actor. Measured after the touches and again after the idle time
/// (then once more after touching a tenth of them again): RSS and the managed heap still alive after a full, compacting
/// collection. Once with passivation after <see cref="PassivateSeconds"/> s, once with it off (the baseline, same run).
/// </summary>
public sealed class P8IdleMemory : IFigure
{
    private const int PassivateSeconds = 5;
    private const int Clients = 4;

    public string Id => "P8";

    public string Title => "memory after every experiment was touched once (passivation)";

    public async Task RunAsync(FigureContext context, FigureResult result)
    {
        var plan = new FleetPlan(context.Scale.P8Fleet, context.Scale.P4EventsPerExperiment);
        var (template, seed) = await context.SeedAsync("p8/template", plan);
        result.Note(seed.ToString());
        var ids = seed.Fleet.Select(e => e.Id).ToList();

        context.Log("passivation off (baseline)");
        var off = await MeasureAsync(context, template, "p8/off", ids, passivateAfter: 0);
        result.Note($"passivation off: {off}");
        context.Log($"off: {off}");
        context.Log($"passivation after {PassivateSeconds} s");
        var on = await MeasureAsync(context, template, "p8/on", ids, passivateAfter: PassivateSeconds);
        result.Note($"passivation after {PassivateSeconds} s: {on}");
        context.Log($"on: {on}");

        result.Add($"live managed heap after {ids.Count:N0} touched, then idle", on.IdleHeapMb, "MB", off.IdleHeapMb, "passivation off", "—", Verdict.Info);
        result.Add("RSS after idle", on.IdleRssMb, "MB", off.IdleRssMb, "passivation off", "—", Verdict.Info);
        result.Add("live managed heap right after the touches", on.TouchedHeapMb, "MB", off.TouchedHeapMb, "passivation off", "—", Verdict.Info);
        result.Note("heap: GC.GetTotalMemory after two forced, blocking, compacting gen-2 collections in the server process; RSS: VmRSS at the same moment. " +
                    $"Idle = {PassivateSeconds * 3} s without requests after the touches (the passivation time is {PassivateSeconds} s in the 'on' run).");
    }

    private static async Task<Sample> MeasureAsync(FigureContext context, string template, string name, IReadOnlyList<string> ids, int passivateAfter)
    {
        var directory = context.Workspace.NewDirectory(name);
        var database = Path.Combine(directory, "skydeck.db");
        foreach (var suffix in new[] { "", "-wal", "-shm" })
            if (File.Exists(template + suffix)) File.Copy(template + suffix, database + suffix);
        var fake = new FakeSkyHome(Path.Combine(directory, "fake"));
        var port = FreePort.Next();
        var info = ChildServer.StartInfo(["--db", database, "--home", Path.Combine(directory, "home"), "--port", port.ToString(CultureInfo.InvariantCulture),
            "--passivate-after", passivateAfter.ToString(CultureInfo.InvariantCulture)]);
        info.Environment[FakeSkyHome.HomeVariable] = fake.Directory;
        info.Environment.Remove("SKYDECK_TOKEN");

        using var child = Process.Start(info) ?? throw new InvalidOperationException("could not start the child server");
        var lines = Channel.CreateUnbounded<string>();
        _ = Task.Run(async () =>
        {
            while (await child.StandardOutput.ReadLineAsync() is { } line) await lines.Writer.WriteAsync(line);
            lines.Writer.Complete();
        });
        _ = child.StandardError.ReadToEndAsync();
        using var client = Http.Client(new Uri($"http://127.0.0.1:{port}"));
        try
        {
            await Http.Until(async () =>
            {
                try
                {
                    return await client.CountExperimentsAsync() >= ids.Count;
                }
                catch (HttpRequestException)
                {
                    return false;
                }
            }, TimeSpan.FromMinutes(10), "the table to be complete");
            var (startHeap, startRss) = await SampleAsync(child, lines.Reader);

            var touch = Stopwatch.StartNew();
            await TouchAsync(client, ids);
            context.Log($"{ids.Count:N0} experiments touched in {touch.Elapsed.TotalSeconds:0.0} s");
            var (touchedHeap, touchedRss) = await SampleAsync(child, lines.Reader);

            await Task.Delay(TimeSpan.FromSeconds(PassivateSeconds * 3));
            var (idleHeap, idleRss) = await SampleAsync(child, lines.Reader);

            await TouchAsync(client, ids.Where((_, i) => i % 10 == 0).ToList());
            var (againHeap, againRss) = await SampleAsync(child, lines.Reader);
            return new Sample(startHeap, startRss, touchedHeap, touchedRss, idleHeap, idleRss, againHeap, againRss, P4ColdStart.PeakRssMb(child.Id));
        }
        finally
        {
            child.StandardInput.Close();
            if (!child.WaitForExit(30_000)) child.Kill(entireProcessTree: true);
        }
    }

    private static async Task TouchAsync(HttpClient client, IReadOnlyList<string> ids)
    {
        var next = -1;
        await Task.WhenAll(Enumerable.Range(0, Clients).Select(async _ =>
        {
            for (var i = Interlocked.Increment(ref next); i < ids.Count; i = Interlocked.Increment(ref next))
            {
                using var response = await client.GetAsync($"/api/experiments/{ids[i]}");
                await response.EnsureSuccessAsync();
            }
        }));
    }

    private static async Task<(double HeapMb, double RssMb)> SampleAsync(Process child, ChannelReader<string> lines)
    {
        await child.StandardInput.WriteLineAsync("gc");
        await child.StandardInput.FlushAsync();
        while (true)
        {
            var line = await lines.ReadAsync();
            if (!line.StartsWith("heap ", StringComparison.Ordinal)) continue;
            var heap = double.Parse(line["heap ".Length..], CultureInfo.InvariantCulture) / 1024 / 1024;
            return (heap, RssMb(child.Id));
        }
    }

    private static double RssMb(int pid)
    {
        foreach (var line in File.ReadLines($"/proc/{pid}/status"))
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                return double.Parse(line["VmRSS:".Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) / 1024.0;
        throw new InvalidOperationException($"no VmRSS in /proc/{pid}/status");
    }

    private sealed record Sample(
        double StartHeapMb, double StartRssMb, double TouchedHeapMb, double TouchedRssMb, double IdleHeapMb, double IdleRssMb,
        double AgainHeapMb, double AgainRssMb, double PeakRssMb)
    {
        public override string ToString() => FormattableString.Invariant(
            $"live heap / RSS (MB): table complete {StartHeapMb:0} / {StartRssMb:0}; every experiment touched {TouchedHeapMb:0} / {TouchedRssMb:0}; idle {IdleHeapMb:0} / {IdleRssMb:0}; a tenth touched again {AgainHeapMb:0} / {AgainRssMb:0}; peak RSS {PeakRssMb:0}");
    }
}
