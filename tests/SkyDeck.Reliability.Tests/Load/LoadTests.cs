using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using SkyDeck.FakeSky;
using SkyDeck.Reliability.Tests.Support;
using SkyDeck.Testing;

namespace SkyDeck.Reliability.Tests.Load;

/// <summary>
/// A thousand experiments under a bounded load (CI 15 s, full 60 s): table reads, live-feed subscribers and state
/// changes (a bulk start of all of them first), with no errors, a bounded memory growth and the <c>sky</c> process
/// cap respected throughout.
/// </summary>
[Trait("Category", "Slow")]
public sealed class LoadTests(ITestOutputHelper output) : IDisposable
{
    private const int Experiments = 1_000;
    private const int ListWorkers = 2;
    private const int ChangeWorkers = 8;
    private const int Subscribers = 3;
    private const int CreateParallelism = 16;
    private const int Cap = 4;

    /// <summary>Every sky command sleeps this long after it is recorded, so each process is certainly alive for
    /// [recorded at, recorded at + delay]: overlapping those windows gives a lower bound of the concurrency.</summary>
    private const int SkyDelayMs = 400;

    private static readonly string[] SkyCommands = ["launch", "status", "queue", "cancel", "stop", "down"];

    private readonly Testbed _bed = new(new Dictionary<string, string>
    {
        ["SKYDECK_POLL_INTERVAL"] = "2",
        ["SKYDECK_MAX_SKY_PROCESSES"] = Cap.ToString(CultureInfo.InvariantCulture),
    });

    private readonly ConcurrentDictionary<string, int> _errors = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<string> _errorSamples = new();

    [Fact]
    public async Task GivenAThousandExperiments_WhenListedStreamedAndBulkStarted_ThenNoErrorsBoundedMemoryAndTheSkyProcessCapHolds()
    {
        _bed.Control(c => SkyCommands.Aggregate(c, (control, command) => control.WithDelay(command, SkyDelayMs)));
        var server = await _bed.StartAsync();
        var api = server.Api;
        var ids = Enumerable.Range(0, Experiments).Select(i => $"load-{i:D4}").ToArray();

        var create = new LatencyRecorder("create");
        var creating = Stopwatch.StartNew();
        await Parallel.ForEachAsync(ids, new ParallelOptions { MaxDegreeOfParallelism = CreateParallelism }, async (id, _) =>
            await Timed(create, "create", () => api.CreateAsync(id, "STOPPED", new JsonObject { ["trainer.lr"] = 0.001, ["layers"] = 4 })));
        var createTook = creating.Elapsed;
        Assert.Equal(Experiments, (await api.ExperimentsAsync()).Count);

        var list = new LatencyRecorder("list");
        var state = new LatencyRecorder("state");
        var patch = new LatencyRecorder("patch");
        var connect = new LatencyRecorder("sse-snapshot");
        var propagation = new LatencyRecorder("sse-change");
        using var streamClient = new HttpClient { BaseAddress = new Uri(server.Url), Timeout = Timeout.InfiniteTimeSpan };
        var subscribers = Enumerable.Range(0, Subscribers).Select(_ => SseSubscriber.Start(streamClient, connect, propagation)).ToList();

        // Warm-up: the table is read while the subscribers connect, so the RSS baseline includes a served list and streams.
        using (var warmUp = new CancellationTokenSource(TimeSpan.FromSeconds(3)))
            await Task.WhenAll(Enumerable.Range(0, ListWorkers).Select(_ => ListLoopAsync(api, new LatencyRecorder("warm-up"), warmUp.Token)));
        await Eventually.Until(() => subscribers.All(s => s.Snapshots > 0 || s.Failure is not null), "every subscriber to get its snapshot", TimeSpan.FromSeconds(60));
        var rssAfterWarmUp = server.RssKb()!.Value;
        var rssPeak = rssAfterWarmUp;

        TimeSpan? bulkStarted = null;
        var clock = Stopwatch.StartNew();
        using var stop = new CancellationTokenSource(Soak.LoadDuration);
        var next = -1;
        var lastDesired = new System.Collections.Concurrent.ConcurrentDictionary<string, string>(ids.Select(id => KeyValuePair.Create(id, "RUNNING")), StringComparer.Ordinal);
        var changes = Enumerable.Range(0, ChangeWorkers).Select(w => Task.Run(async () =>
        {
            var random = new Random(HashCode.Combine(Soak.Seed, w));
            while (!stop.IsCancellationRequested)
            {
                var n = Interlocked.Increment(ref next);
                if (n < Experiments)
                {
                    // The bulk start: every experiment RUNNING, once.
                    await ChangeStateAsync(api, subscribers, state, ids[n], "RUNNING");
                    if (n == Experiments - 1) bulkStarted = clock.Elapsed;
                    continue;
                }

                var id = ids[random.Next(Experiments)];
                if (random.NextDouble() < 0.5)
                    await Timed(patch, "patch", () => api.PatchAsync(id, new JsonObject { ["flags"] = new JsonObject { ["trainer.lr"] = random.Next(1, 1000) / 1e5, ["layers"] = random.Next(1, 9) } }));
                else
                {
                    // Always a real change (a repeat is a no-op with nothing to stream, which would leave its expectation
                    // waiting for some later, unrelated update and inflate the propagation figure).
                    var desired = lastDesired.AddOrUpdate(id, "STOPPED", (_, last) => last == "RUNNING" ? "STOPPED" : "RUNNING");
                    await ChangeStateAsync(api, subscribers, state, id, desired);
                }
            }
        })).ToList();
        var lists = Enumerable.Range(0, ListWorkers).Select(_ => ListLoopAsync(api, list, stop.Token)).ToList();
        var sampler = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                if (server.RssKb() is { } rss) rssPeak = Math.Max(rssPeak, rss);
                await Task.Delay(500, CancellationToken.None);
            }
        });
        await Task.WhenAll([.. changes, .. lists, sampler]);
        var duration = clock.Elapsed;
        var rssAtEnd = server.RssKb()!.Value;
        var finalList = await api.ExperimentsAsync();
        foreach (var subscriber in subscribers) await subscriber.DisposeAsync();

        var (peak, windows) = PeakConcurrency(_bed.Fake, TimeSpan.FromMilliseconds(SkyDelayMs));
        var launches = _bed.Fake.ReadLaunches();
        var running = finalList.Values.Count(e => e.GetProperty("current_state").GetString() == "RUNNING");
        var requests = list.Count + state.Count + patch.Count;
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"""
            mode {Soak.Mode}: {Experiments} experiments, {ListWorkers} list readers, {Subscribers} stream subscribers, {ChangeWorkers} change writers, {duration.TotalSeconds:F1} s
            setup: {Experiments} creates in {createTook.TotalSeconds:F1} s ({Experiments / createTook.TotalSeconds:F0}/s, {CreateParallelism} at a time); {create.Summary(createTook)}
            bulk start (POST state RUNNING × {Experiments}): {(bulkStarted is { } all ? $"all acknowledged after {all.TotalSeconds:F1} s" : $"{Math.Min(next, Experiments)} acknowledged")}
            throughput: {requests / duration.TotalSeconds:F0} requests/s
              {list.Summary(duration)}
              {state.Summary(duration)}
              {patch.Summary(duration)}
              {connect.Summary(duration)}
              {propagation.Summary(duration)}   (state change sent → seen in the stream)
            stream events received: {string.Join(", ", subscribers.Select(s => s.Events))}
            RSS: {rssAfterWarmUp / 1024.0:F0} MiB after warm-up, {rssAtEnd / 1024.0:F0} MiB at the end ({(double)rssAtEnd / rssAfterWarmUp:F2}×), peak {rssPeak / 1024.0:F0} MiB
            sky processes: {windows} invocations, peak concurrency ≥ {peak} (cap {Cap}); {launches.Count} jobs launched, {running} experiments RUNNING at the end
            errors: {(_errors.IsEmpty ? "none" : string.Join(", ", _errors.Select(kv => $"{kv.Key} {kv.Value}")))}
            """));

        Assert.True(_errors.IsEmpty, $"errors: {string.Join(", ", _errors.Select(kv => $"{kv.Key} {kv.Value}"))}\n{string.Join('\n', _errorSamples.Take(20))}");
        Assert.All(subscribers, s => Assert.True(s.Failure is null, s.Failure));
        Assert.All(subscribers, s => Assert.True(s.Snapshots == 1, $"{s.Snapshots} snapshots: the stream reconnected or never started"));
        Assert.Equal(Experiments, finalList.Count);
        Assert.True(peak <= Cap, $"{peak} sky processes were running at once; the cap is {Cap}");
        Assert.True(peak >= 2, $"sky processes never overlapped (peak {peak}): the cap check saw no concurrency");
        Assert.Empty(FakeCloudAudit.DuplicateJobNames(_bed.Fake));
        Assert.True(rssAtEnd < 2 * rssAfterWarmUp, $"RSS grew from {rssAfterWarmUp} KiB to {rssAtEnd} KiB");
    }

    private async Task ChangeStateAsync(SkyDeckApi api, IReadOnlyList<SseSubscriber> subscribers, LatencyRecorder recorder, string id, string desired)
    {
        foreach (var subscriber in subscribers) subscriber.Expect(id, desired);
        await Timed(recorder, "state", () => api.SetStateAsync(id, desired));
    }

    private async Task ListLoopAsync(SkyDeckApi api, LatencyRecorder recorder, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            var started = Stopwatch.GetTimestamp();
            try
            {
                using var response = await api.Http.GetAsync("/api/experiments", HttpCompletionOption.ResponseContentRead, CancellationToken.None);
                var body = await response.Content.ReadAsByteArrayAsync(CancellationToken.None);
                if (!response.IsSuccessStatusCode || body.Length < Experiments * 100)
                    Error("list", $"{(int)response.StatusCode}, {body.Length} bytes");
                else recorder.Add(started);
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                Error("list", e.Message);
            }
        }
    }

    private async Task Timed(LatencyRecorder recorder, string kind, Func<Task<ApiResponse>> call)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            var answer = await call();
            if (answer.IsSuccess) recorder.Add(started);
            else Error(kind, answer.ToString());
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            Error(kind, e.Message);
        }
    }

    private void Error(string kind, string what)
    {
        _errors.AddOrUpdate(kind, 1, (_, n) => n + 1);
        if (_errorSamples.Count < 50) _errorSamples.Enqueue($"{kind}: {what}");
    }

    /// <summary>
    /// The most <c>fake-sky</c> processes that were certainly running at one instant: each delayed invocation lives at
    /// least from its recorded start until the delay has passed. (<c>--help</c> probes answer at once and are skipped.)
    /// </summary>
    private static (int Peak, int Invocations) PeakConcurrency(FakeSkyHome fake, TimeSpan delay)
    {
        var windows = fake.ReadInvocations()
            .Where(i => i.Argv.Count > 0 && SkyCommands.Contains(i.Argv[0]) && !i.Argv.Contains("--help"))
            .ToList();
        var edges = windows.SelectMany(i => new[] { (At: i.At, Delta: +1), (At: i.At + delay, Delta: -1) })
            .OrderBy(e => e.At)
            .ThenBy(e => e.Delta) // an end and a start at the same instant do not overlap
            .ToList();
        int running = 0, peak = 0;
        foreach (var edge in edges)
        {
            running += edge.Delta;
            peak = Math.Max(peak, running);
        }

        return (peak, windows.Count);
    }

    public void Dispose() => _bed.Dispose();
}
