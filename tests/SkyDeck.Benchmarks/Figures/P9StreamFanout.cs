using System.Buffers;
using System.Diagnostics;
using System.Text;
using SkyDeck.Benchmarks.Harness;
using SkyDeck.Benchmarks.Seeding;
using SkyDeck.Benchmarks.Server;
using SkyDeck.FakeSky;

namespace SkyDeck.Benchmarks.Figures;

/// <summary>
/// P9: <c>GET /api/stream</c> fan-out. <see cref="Scale.P9Subscribers"/> subscribers open the stream at once on a fleet
/// of <see cref="Scale.P9Fleet"/>: the time until the last of them holds the whole snapshot, and then how long a change
/// (a PATCH) takes to reach every one of them — each against one lone subscriber on the same server in the same run.
/// Meanwhile <c>/api/health</c> is timed, against the same endpoint with no stream open.
/// </summary>
public sealed class P9StreamFanout : IFigure
{
    public string Id => "P9";

    public string Title => "the live stream fanned out to many subscribers";

    public async Task RunAsync(FigureContext context, FigureResult result)
    {
        var scale = context.Scale;
        var plan = new FleetPlan(scale.P9Fleet, scale.QuiescentEvents);
        var (database, seed) = await context.SeedAsync("p9", plan);
        result.Note(seed.ToString());
        var fake = new FakeSkyHome(context.Workspace.NewDirectory("p9/fake"));
        await using var server = await SkyDeckUnderTest.StartAsync(context.Workspace.NewDirectory("p9/home"), database, fake,
            extraArgs: [$"--SKYDECK_MAX_STREAM_CLIENTS={scale.P9Subscribers + 16}"]);
        await server.WaitUntilReadyAsync(plan.Experiments, TimeSpan.FromMinutes(10));
        var target = (await server.Client.FirstExperimentIdAsync()) ?? throw new InvalidOperationException("no experiment to change");
        using var streams = Http.Client(server.Url);

        var idleHealth = await HealthLatenciesAsync(server.Client, 20, CancellationToken.None);

        context.Log("one subscriber alone");
        var (loneSnapshot, loneChange) = await RoundAsync(streams, server.Client, target, 1, scale.P9Changes, "lone");

        context.Log($"{scale.P9Subscribers} subscribers at once");
        using var probing = new CancellationTokenSource();
        var health = HealthLatenciesAsync(server.Client, int.MaxValue, probing.Token);
        var (allSnapshot, allChange) = await RoundAsync(streams, server.Client, target, scale.P9Subscribers, scale.P9Changes, "many");
        await probing.CancelAsync();
        var busyHealth = await health;

        var n = scale.P9Subscribers;
        result.Add($"{n} subscribers: the last holds the snapshot of {plan.Experiments:N0}", allSnapshot, "ms", loneSnapshot, "one subscriber alone",
            $"≤ {n}× baseline (no worse than serving them one by one)", ResultRow.AtMost(allSnapshot, n * loneSnapshot));
        result.Add($"{n} subscribers: a change reaches all, p99", Stats.Percentile(allChange, 99), "ms", Stats.Percentile(loneChange, 99), "one subscriber alone",
            "≤ 250 ms", ResultRow.AtMost(Stats.Percentile(allChange, 99), 250));
        // Info, not a target: the subscribers read in this process, so the server competes with its own clients for the
        // cores; tests/StreamFanout/stream_fanout.cs measures the same from separate processes.
        result.Add($"{n} subscribers: /api/health while they connect, max", Stats.Max(busyHealth), "ms", Stats.Max(idleHealth), "no stream open",
            "— (clients in-process)", Verdict.Info);
        result.Note($"change → every subscriber: {Stats.Describe(allChange)}; lone subscriber: {Stats.Describe(loneChange)}");
        result.Note($"/api/health during the connect burst: {Stats.Describe(busyHealth)} ({busyHealth.Count} requests); the {n} subscribers read every snapshot byte in the harness's own process, beside the server, so this includes their CPU — for the server alone use tests/StreamFanout/stream_fanout.cs (separate processes)");
    }

    /// <summary>Opens <paramref name="subscribers"/> streams at once, waits for every snapshot, then times each change until all saw it.</summary>
    private static async Task<(double Snapshot, List<double> Changes)> RoundAsync(
        HttpClient streams, HttpClient api, string target, int subscribers, int changes, string tag)
    {
        using var stop = new CancellationTokenSource();
        var started = Stopwatch.GetTimestamp();
        var clients = Enumerable.Range(0, subscribers).Select(_ => new StreamSubscriber()).ToList();
        var loops = clients.Select(c => c.RunAsync(streams, stop.Token)).ToList();
        await Task.WhenAll(clients.Select(c => c.Snapshot.Task));
        var snapshot = Stopwatch.GetElapsedTime(started).TotalMilliseconds;

        var latencies = new List<double>(changes);
        for (var i = 0; i < changes; i++)
        {
            var token = $"p9-{tag}-{i}-{Guid.NewGuid():N}";
            foreach (var client in clients) client.Await(token);
            var sent = Stopwatch.GetTimestamp();
            using (var response = await api.PatchAsync($"/api/experiments/{target}", Http.Json($$"""{"description":"{{token}}"}""")))
                await response.EnsureSuccessAsync();
            await Task.WhenAll(clients.Select(c => c.Seen.Task)).WaitAsync(TimeSpan.FromMinutes(2));
            latencies.Add(Stopwatch.GetElapsedTime(sent).TotalMilliseconds);
        }

        await stop.CancelAsync();
        await Task.WhenAll(loops);
        var failed = clients.FirstOrDefault(c => c.Failure is not null);
        if (failed is not null) throw new InvalidOperationException($"a subscriber failed: {failed.Failure}");
        return (snapshot, latencies);
    }

    private static async Task<List<double>> HealthLatenciesAsync(HttpClient client, int count, CancellationToken ct)
    {
        var latencies = new List<double>();
        while (latencies.Count < count && !ct.IsCancellationRequested)
        {
            var started = Stopwatch.GetTimestamp();
            using (var response = await client.GetAsync("/api/health", CancellationToken.None)) await response.Content.LoadIntoBufferAsync();
            latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            try
            {
                await Task.Delay(50, ct);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }

        return latencies;
    }

    /// <summary>
    /// A server-sent-events reader that never holds a snapshot in memory (10,000 rows are ~19 MiB, times hundreds of
    /// subscribers): it scans bytes for event boundaries and keeps only the data of small events, to look for a token.
    /// </summary>
    private sealed class StreamSubscriber
    {
        private const int KeptData = 64 * 1024;
        private byte[]? _token;

        public TaskCompletionSource Snapshot { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource Seen { get; private set; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public string? Failure { get; private set; }

        public void Await(string token)
        {
            Seen = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            Volatile.Write(ref _token, Encoding.UTF8.GetBytes(token));
        }

        public async Task RunAsync(HttpClient http, CancellationToken ct)
        {
            var buffer = ArrayPool<byte>.Shared.Rent(64 * 1024);
            var line = new List<byte>(256);
            var data = new MemoryStream();
            var eventName = "";
            var inData = false;
            var atLineStart = true;
            try
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, "/api/stream");
                request.Headers.Accept.ParseAdd("text/event-stream");
                using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
                if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"GET /api/stream answered {(int)response.StatusCode}");
                await using var body = await response.Content.ReadAsStreamAsync(ct);
                int read;
                while ((read = await body.ReadAsync(buffer, ct)) > 0)
                {
                    for (var i = 0; i < read; i++)
                    {
                        var b = buffer[i];
                        if (b == (byte)'\n')
                        {
                            if (atLineStart)
                            {
                                Dispatch(eventName, data);
                                eventName = "";
                                data.SetLength(0);
                            }
                            else if (!inData)
                            {
                                var text = Encoding.UTF8.GetString(line.ToArray());
                                if (text.StartsWith("event:", StringComparison.Ordinal)) eventName = text[6..].Trim();
                            }

                            line.Clear();
                            inData = false;
                            atLineStart = true;
                            continue;
                        }

                        if (atLineStart && b == (byte)'d') inData = true;
                        atLineStart = false;
                        if (!inData) line.Add(b);
                        else if (eventName != "snapshot" && data.Length < KeptData) data.WriteByte(b);
                    }
                }
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
            }
            catch (Exception e) when (e is HttpRequestException or IOException or InvalidOperationException)
            {
                Failure = e.Message;
                Snapshot.TrySetException(e);
                Seen.TrySetException(e);
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }

        private void Dispatch(string name, MemoryStream data)
        {
            if (name == "snapshot") Snapshot.TrySetResult();
            else if (name == "experiment" && Volatile.Read(ref _token) is { } token && data.GetBuffer().AsSpan(0, (int)data.Length).IndexOf(token) >= 0)
                Seen.TrySetResult();
        }
    }
}
