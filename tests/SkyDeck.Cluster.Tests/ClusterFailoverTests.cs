using System.Diagnostics;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using SkyDeck.Cluster.Tests.Support;
using SkyDeck.FakeSky;
using SkyDeck.Testing;

namespace SkyDeck.Cluster.Tests;

/// <summary>
/// Three SkyDeck nodes (child processes on loopback) form a cluster on a fresh PostgreSQL database and share one fake
/// SkyPilot. 300 experiments are created round-robin through the three HTTP ports and set RUNNING; then the oldest
/// node (sharding coordinator and poller singleton) is SIGKILLed. Its experiments must come back on the survivors and
/// keep reconciling, no job may be launched twice, and no acknowledged change may be lost. The same run measures the
/// failover time and compares state change → <c>sky launch</c> latency with a single SQLite process; the figures go to
/// the test output and to <c>cluster-figures.txt</c> next to the test assembly.
/// </summary>
[Trait("Category", "Slow")]
public sealed partial class ClusterFailoverTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const int Experiments = 300;
    private const int Measured = 30;
    private const int ChangedAfterKill = 10;
    private const int CreateParallelism = 24;
    private static readonly TimeSpan Pace = TimeSpan.FromSeconds(1);

    // About 5 minutes on an idle 2-core machine; a phase may take far longer when the machine is shared (every `sky`
    // call is a .NET process), so the deadlines only catch what is stuck.
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(10);

    private readonly string _run = Directory.CreateTempSubdirectory("skydeck-cluster-").FullName;
    private readonly List<SkyDeckNode> _nodes = [];
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly WebhookReceiver _receiver = new WebhookReceiver().Start();
    private TestDatabase? _database;
    private bool _passed;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var node in _nodes) await node.DisposeAsync();
        _receiver.Dispose();
        if (_database is not null) await _database.DisposeAsync();
        // SKYDECK_TEST_KEEP_LOGS=1 keeps them after a pass too (to read the failover's timeline).
        if (_passed && Environment.GetEnvironmentVariable("SKYDECK_TEST_KEEP_LOGS") != "1") Directory.Delete(_run, recursive: true);
        else output.WriteLine($"node logs and fake-sky state: {_run}");
    }

    [Fact]
    public async Task GivenThreeNodesOnPostgres_WhenTheOldestIsKilled_ThenItsExperimentsMoveOnWithNothingLostOrLaunchedTwice()
    {
        _database = await LocalPostgres.CreateDatabaseAsync("skydeck_cluster");
        var sky = new FakeSkyHome(Path.Combine(_run, "fake-sky"));
        var remotePorts = Enumerable.Range(0, 3).Select(_ => SkyDeckNode.FreePort()).ToArray();
        var seeds = string.Join(',', remotePorts.Take(2).Select(p => $"akka.tcp://skydeck@127.0.0.1:{p}"));
        // The nodes pool their connections as a deployment does (Npgsql's default). The test's own connection string
        // turns pooling off so the database can be dropped at the end; given to the nodes, it made every journal
        // query open a new PostgreSQL session (a backend process and a password exchange): 4 per experiment created.
        var nodeDb = new Npgsql.NpgsqlConnectionStringBuilder(_database.ConnectionString) { Pooling = true }.ConnectionString;
        for (var i = 0; i < 3; i++)
        {
            var settings = new Dictionary<string, string>(new Dictionary<string, string>
            {
                ["SKYDECK_REMOTE_HOST"] = "127.0.0.1",
                ["SKYDECK_SKY_PATH"] = FakeSkyHome.ExecutablePath,
                ["FAKE_SKY_HOME"] = sky.Directory,
                ["SkyDeck__Webhooks__0__Url"] = _receiver.Url,
                ["SkyDeck__Webhooks__0__Events__0"] = "experiment.succeeded",
                ["SKYDECK_WEBHOOK_BACKOFF_BASE"] = "1",
                ["SKYDECK_WEBHOOK_BACKOFF_CAP"] = "2",
            }.Concat(Common));
            _nodes.Add(SkyDeckNode.Start($"node{i + 1}", SkyDeckNode.FreePort(), _run, settings,
                "--cluster", "--seed-nodes", seeds, "--db", nodeDb, "--remote-port", remotePorts[i].ToString()));
        }

        await Task.WhenAll(_nodes.Select(n => n.WaitHealthyAsync(TimeSpan.FromSeconds(150))));
        Log("three nodes up");

        var ids = Enumerable.Range(1, Experiments).Select(i => $"c{i:D3}").ToList();
        var creating = Stopwatch.StartNew();
        await Parallel.ForEachAsync(ids.Select((id, i) => (id, i)), new ParallelOptions { MaxDegreeOfParallelism = CreateParallelism }, async (x, _) =>
            await Api.PostUntilAcknowledgedAsync(() => _nodes[x.i % 3].Http, "/api/experiments", Api.NewExperiment(x.id, x.i, "STOPPED"), Patience));
        var createdPerSecond = Experiments / creating.Elapsed.TotalSeconds;
        Log($"{Experiments} experiments created round-robin through the three nodes: {createdPerSecond:F1}/s ({CreateParallelism} at a time, shards allocated on the way)");

        string[] ghosts = ["ghost-a", "ghost-b", "ghost-c"];
        for (var i = 0; i < ghosts.Length; i++)
        {
            using var response = await _nodes[i].Http.GetAsync($"/api/experiments/{ghosts[i]}");
            Assert.Equal(System.Net.HttpStatusCode.NotFound, response.StatusCode);
        }

        // Most at once; the last few one by one once the rest run, so their latency is not time spent in a queue.
        var burst = ids.Take(Experiments - Measured).ToList();
        await Parallel.ForEachAsync(burst.Select((id, i) => (id, i)), new ParallelOptions { MaxDegreeOfParallelism = 6 }, async (x, _) =>
            await Api.PostUntilAcknowledgedAsync(() => _nodes[x.i % 3].Http, $"/api/experiments/{x.id}/state", Running, Patience));
        await AllRunningAsync(_nodes[1].Http, burst, Patience);
        Log($"{burst.Count} set RUNNING at once, all RUNNING");
        var clusterLatency = await MeasureLaunchLatencyAsync(ids.TakeLast(Measured).ToList(), i => _nodes[i % 3].Http, sky);
        Log($"{Measured} set RUNNING one per second: state change → sky launch p50 {Api.Percentile(clusterLatency, 50):F2}s p99 {Api.Percentile(clusterLatency, 99):F2}s");
        await AllRunningAsync(_nodes[1].Http, ids, Patience);
        Log("all RUNNING");

        // Notifications: the outbox and the notifier are singletons (on the oldest node, the one killed below).
        await SucceedAsync("notify-before", _nodes[1].Http, sky);
        await DeliveredOnceAsync("notify-before");
        Log("experiment.succeeded of notify-before delivered by the notification singletons");

        var launchedBy = _nodes.Select(LaunchedBy).ToList();
        Assert.All(launchedBy, ran => Assert.NotEmpty(ran));
        Assert.Equal(Experiments, launchedBy.Sum(r => r.Count));
        var victims = launchedBy[0].Order(StringComparer.Ordinal).ToList();

        // The oldest node hosts the shard coordinator and the poller singleton: both move too.
        var killed = Stopwatch.StartNew();
        _nodes[0].Kill();
        Log($"node1 killed ({victims.Count} experiments on it)");
        var survivors = _nodes.Skip(1).ToArray();
        var changed = victims.Take(ChangedAfterKill).ToList();
        var changes = changed.Select((id, i) => Api.PostUntilAcknowledgedAsync(() => survivors[i % 2].Http, $"/api/experiments/{id}/state", Stopped, Patience)).ToList();
        var answered = await Task.WhenAll(victims.Select((id, i) => FirstAnswerAsync(survivors[i % 2].Http, id, killed)));
        var failover = answered.Max();
        Log($"failover: every experiment of node1 answers on the survivors after {failover:F1}s (median {Api.Percentile(answered, 50):F1}s)");
        await Task.WhenAll(changes);
        var changeAcknowledged = killed.Elapsed.TotalSeconds;
        await Api.UntilAsync(async () =>
        {
            var list = await survivors[0].Http.ListAsync();
            var stopped = changed.Count(id => list[id].Str("current_state") == "STOPPED");
            return (stopped == changed.Count, $"{stopped}/{changed.Count} STOPPED");
        }, "the changes made after the kill applied", Patience);
        var changeApplied = killed.Elapsed.TotalSeconds;
        Log($"changes sent after the kill: acknowledged {changeAcknowledged:F1}s, applied (STOPPED) {changeApplied:F1}s after the kill");

        foreach (var (id, i) in changed.Select((id, i) => (id, i)))
            await Api.PostUntilAcknowledgedAsync(() => survivors[i % 2].Http, $"/api/experiments/{id}/state", Running, Patience);
        foreach (var survivor in survivors) await AllRunningAsync(survivor.Http, ids, Patience);
        Log("all RUNNING again, as seen from both survivors");

        // The singletons moved with the kill: a success now is told once, and the one before is not told again.
        await SucceedAsync("notify-after", survivors[1].Http, sky);
        await DeliveredOnceAsync("notify-after");
        await DeliveredOnceAsync("notify-before");
        var deliveries = JsonDocument.Parse(await survivors[0].Http.GetStringAsync("/api/webhooks")).RootElement.GetProperty("deliveries");
        Assert.Equal(2, deliveries.EnumerateArray().Count(d => d.GetProperty("status").GetString() == "sent"));
        Log("experiment.succeeded of notify-after delivered once after the move; /api/webhooks on a survivor lists both as sent");

        var launches = sky.ReadLaunches();
        Assert.Empty(launches.GroupBy(l => l.JobName).Where(g => g.Count() > 1).Select(g => $"{g.Key} launched {g.Count()} times"));
        Assert.All(ids, id => Assert.Contains(launches, l => l.Cluster == $"skydeck-{id}"));
        var lists = await Task.WhenAll(survivors.Select(s => s.Http.ListAsync()));
        foreach (var list in lists)
        {
            Assert.Equal(ids, list.Keys.Where(k => k.StartsWith('c')).Order(StringComparer.Ordinal));
            Assert.DoesNotContain(list.Keys, ghosts.Contains);
            Assert.All(ids, id => Assert.Equal("RUNNING", list[id].Str("desired_state")));
        }

        // Each unknown id's entity was started and then passivated: remember-entities holds no junk.
        foreach (var ghost in ghosts)
        {
            var events = await _database.ScalarAsync($"SELECT count(*) FROM sharding.journal WHERE position(convert_to('{ghost}', 'UTF8') in message) > 0");
            Assert.True(events >= 2 && events % 2 == 0, $"{ghost}: {events} remember-entities events (expected started + stopped)");
        }

        var leaving = survivors[0];
        leaving.Terminate();
        Assert.True(await leaving.WaitForExitAsync(TimeSpan.FromSeconds(90)), "node2 did not stop on SIGTERM");
        Assert.Equal(0, leaving.ExitCode);
        Assert.Contains(leaving.Lines, l => l.Contains("Exiting completed", StringComparison.Ordinal));
        survivors[1].Terminate();
        await survivors[1].WaitForExitAsync(TimeSpan.FromSeconds(90));
        Log("node2 left the cluster gracefully (SIGTERM)");

        var singleLatency = await MeasureSingleProcessAsync();
        var ratio = Api.Percentile(clusterLatency, 99) / Api.Percentile(singleLatency, 99);
        var figures = new StringBuilder()
            .AppendLine($"created_per_second={createdPerSecond:F1} ({Experiments} new experiments, {CreateParallelism} requests at a time, first use of every shard included)")
            .AppendLine($"failover_seconds={failover:F1} (kill → every experiment of the killed node answering on a survivor; median {Api.Percentile(answered, 50):F1})")
            .AppendLine($"change_after_kill_applied_seconds={changeApplied:F1}")
            .AppendLine($"launch_latency_cluster_p50={Api.Percentile(clusterLatency, 50):F2}s p99={Api.Percentile(clusterLatency, 99):F2}s (n={clusterLatency.Count})")
            .AppendLine($"launch_latency_single_p50={Api.Percentile(singleLatency, 50):F2}s p99={Api.Percentile(singleLatency, 99):F2}s (n={singleLatency.Count})")
            .AppendLine($"launch_latency_p99_ratio_cluster_over_single={ratio:F2}")
            .AppendLine($"total_seconds={_clock.Elapsed.TotalSeconds:F0}")
            .ToString();
        output.WriteLine(figures);
        await File.WriteAllTextAsync(Path.Combine(AppContext.BaseDirectory, "cluster-figures.txt"), figures);
        _passed = true;
    }

    /// <summary>
    /// Both modes alike: polls every 3 s; at most 2 <c>sky</c> processes per node (the fake serialises every call on one
    /// file lock and gives up after 10 s, so more only adds contention); short back-off so a retry does not stall a phase.
    /// </summary>
    private static readonly Dictionary<string, string> Common = new()
    {
        ["SKYDECK_POLL_INTERVAL"] = "3",
        ["SKYDECK_MAX_SKY_PROCESSES"] = "2",
        ["SKYDECK_BACKOFF_BASE"] = "2",
        ["SKYDECK_BACKOFF_CAP"] = "15",
    };

    /// <summary>Creates a RUNNING experiment (outside the <c>c…</c> fleet), waits for its job and lets SkyPilot report it SUCCEEDED.</summary>
    private static async Task SucceedAsync(string id, HttpClient client, FakeSkyHome sky)
    {
        await Api.PostUntilAcknowledgedAsync(() => client, "/api/experiments", Api.NewExperiment(id, 0, "RUNNING"), Patience);
        await AllRunningAsync(client, [id], Patience);
        sky.SetStatus($"skydeck-{id}", 1, "SUCCEEDED");
    }

    /// <summary>The receiver got <paramref name="id"/>'s success under one delivery id (a retry repeats the id; nothing announces it anew).</summary>
    private async Task DeliveredOnceAsync(string id) =>
        await Api.UntilAsync(() =>
        {
            var ids = _receiver.Received
                .Where(r => JsonDocument.Parse(r.Body).RootElement.GetProperty("experiment_id").GetString() == id)
                .Select(r => r.Header("X-SkyDeck-Delivery"))
                .Distinct()
                .ToList();
            Assert.True(ids.Count <= 1, $"{id} announced {ids.Count} times: {string.Join(", ", ids)}");
            return Task.FromResult((ids.Count == 1, $"{ids.Count} deliveries of {id}"));
        }, $"experiment.succeeded of {id} received", Patience);

    private static JsonObject Running => new() { ["desired_state"] = "RUNNING" };

    private static JsonObject Stopped => new() { ["desired_state"] = "STOPPED" };

    /// <summary>The same paced state changes against one SQLite process, with its own fake SkyPilot.</summary>
    private async Task<List<double>> MeasureSingleProcessAsync()
    {
        var sky = new FakeSkyHome(Path.Combine(_run, "fake-sky-single"));
        var node = SkyDeckNode.Start("single", SkyDeckNode.FreePort(), _run, new Dictionary<string, string>(new Dictionary<string, string>
        {
            ["SKYDECK_SKY_PATH"] = FakeSkyHome.ExecutablePath,
            ["FAKE_SKY_HOME"] = sky.Directory,
        }.Concat(Common)));
        _nodes.Add(node);
        await node.WaitHealthyAsync(TimeSpan.FromSeconds(120));
        var ids = Enumerable.Range(1, Measured).Select(i => $"s{i:D3}").ToList();
        await Parallel.ForEachAsync(ids.Select((id, i) => (id, i)), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (x, _) =>
            await Api.PostUntilAcknowledgedAsync(() => node.Http, "/api/experiments", Api.NewExperiment(x.id, x.i, "STOPPED"), Patience));
        var latency = await MeasureLaunchLatencyAsync(ids, _ => node.Http, sky);
        Log($"single process: paced state change → sky launch p50 {Api.Percentile(latency, 50):F2}s p99 {Api.Percentile(latency, 99):F2}s");
        return latency;
    }

    /// <summary>
    /// Sets each experiment RUNNING, one per <see cref="Pace"/> (without waiting for the previous answer), and returns for
    /// each the seconds from sending the change to the start of its <c>sky launch</c> (as the fake recorded it).
    /// </summary>
    private async Task<List<double>> MeasureLaunchLatencyAsync(IReadOnlyList<string> ids, Func<int, HttpClient> client, FakeSkyHome sky)
    {
        var sent = new Dictionary<string, DateTimeOffset>();
        var posts = new List<Task>();
        for (var i = 0; i < ids.Count; i++)
        {
            var (id, index) = (ids[i], i);
            sent[id] = DateTimeOffset.UtcNow;
            posts.Add(Api.PostUntilAcknowledgedAsync(() => client(index), $"/api/experiments/{id}/state", Running, Patience));
            await Task.Delay(Pace);
        }

        await Task.WhenAll(posts);
        var launched = new Dictionary<string, DateTimeOffset>();
        await Api.UntilAsync(() =>
        {
            foreach (var call in sky.ReadInvocations().Where(c => c.Argv.Count > 0 && c.Argv[0] == "launch"))
            {
                var cluster = call.Argv.SkipWhile(a => a != "-c").Skip(1).FirstOrDefault() ?? "";
                var id = cluster.StartsWith("skydeck-", StringComparison.Ordinal) ? cluster["skydeck-".Length..] : "";
                if (sent.ContainsKey(id)) launched.TryAdd(id, call.At);
            }

            return Task.FromResult((launched.Count == ids.Count, $"{launched.Count}/{ids.Count} launched"));
        }, "every paced change launched", Patience);
        return [.. ids.Select(id => (launched[id] - sent[id]).TotalSeconds)];
    }

    private static async Task AllRunningAsync(HttpClient client, IReadOnlyList<string> ids, TimeSpan within) =>
        await Api.UntilAsync(async () =>
        {
            var list = await client.ListAsync();
            var states = ids.Select(id => list.TryGetValue(id, out var e) ? e.Str("current_state") : "MISSING").ToList();
            var running = states.Count(s => s == "RUNNING");
            return (running == ids.Count, $"{running}/{ids.Count} RUNNING; others: {string.Join(", ", states.Where(s => s != "RUNNING").GroupBy(s => s).Select(g => $"{g.Key}×{g.Count()}"))}");
        }, $"{ids.Count} experiments RUNNING", within);

    /// <summary>
    /// Seconds from the kill until the experiment answers through a survivor. A request the survivor routed to the dead
    /// node's shard is lost, while one routed after the shard's move waits in the region and is answered once the shard
    /// is back; so instead of cutting requests off (which made the figure up to the timeout late), a new request is
    /// sent every <see cref="ProbeEvery"/> while earlier ones stay open (at most <see cref="ProbesOpen"/>), and the first
    /// answer counts. The figure is then late by at most that interval plus one answer's latency.
    /// </summary>
    private static async Task<double> FirstAnswerAsync(HttpClient client, string id, Stopwatch since)
    {
        using var done = new CancellationTokenSource();
        var open = new List<Task<bool>>();
        try
        {
            while (since.Elapsed < Patience)
            {
                open.RemoveAll(t => t.IsCompleted && !t.Result);
                if (open.Count < ProbesOpen) open.Add(AnswersAsync(client, id, done.Token));
                var tick = Task.Delay(ProbeEvery);
                while (!tick.IsCompleted)
                {
                    var first = await Task.WhenAny(open.Append(tick));
                    if (first != tick && await (Task<bool>)first) return since.Elapsed.TotalSeconds;
                    if (first != tick) open.Remove((Task<bool>)first);
                }
            }
        }
        finally
        {
            await done.CancelAsync();
        }

        throw new TimeoutException($"{id} did not answer on a survivor within {Patience} of the kill");
    }

    private static readonly TimeSpan ProbeEvery = TimeSpan.FromMilliseconds(500);
    private const int ProbesOpen = 8;

    private static async Task<bool> AnswersAsync(HttpClient client, string id, CancellationToken cancel)
    {
        try
        {
            using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancel);
            cts.CancelAfter(TimeSpan.FromSeconds(10));
            var detail = await client.GetJsonAsync($"/api/experiments/{id}", cts.Token);
            return detail.Str("id") == id;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or OperationCanceledException)
        {
            return false; // not back yet (a 503 after the facade's Ask timed out, or lost with the dead node)
        }
    }

    private static HashSet<string> LaunchedBy(SkyDeckNode node) =>
        [.. node.Lines.Select(l => LaunchLine().Match(l)).Where(m => m.Success).Select(m => m.Groups[1].Value)];

    [GeneratedRegex(@" (c\d{3}): running sky Launch ")]
    private static partial Regex LaunchLine();

    private void Log(string message) => output.WriteLine($"[{_clock.Elapsed.TotalSeconds,6:F1}s] {message}");
}
