#:property PublishAot=false
#:property TreatWarningsAsErrors=false
#:package Npgsql
// Measures cluster-mode experiment creation (issue 17, part 5) for one or more builds in the same sitting:
// each build gets its own fresh PostgreSQL database and a cluster of --nodes SkyDeck processes on loopback; then
// round after round, alternating between the builds, --experiments new experiments are POSTed --concurrency at a time,
// round-robin over the nodes. Round 1 of each build includes the first use of every shard (coordinator allocation).
//   dotnet run tests/ClusterCreate/cluster_create.cs -- --dll /tmp/before/skydeck.dll --dll /tmp/after/skydeck.dll \
//       [--experiments 300] [--concurrency 64] [--rounds 3] [--nodes 2]
// Needs the machine's PostgreSQL on 127.0.0.1:5432 with the cluster tests' role (skydeck_test, CREATEDB); the
// databases are dropped at the end. Figures are printed, never asserted; run `uptime` beside it.
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using Npgsql;

var dlls = Args("--dll");
if (dlls.Count == 0) throw new ArgumentException("--dll <path to skydeck.dll> (repeat for each build)");
var experiments = int.Parse(Arg("--experiments") ?? "300");
var concurrency = int.Parse(Arg("--concurrency") ?? "64");
var rounds = int.Parse(Arg("--rounds") ?? "3");
var nodeCount = int.Parse(Arg("--nodes") ?? "2");
var admin = "Host=127.0.0.1;Port=5432;Username=skydeck_test;Password=skydeck_test;Database=postgres;Pooling=false";

var clusters = new List<Cluster>();
try
{
    foreach (var (spec, b) in dlls.Select((d, b) => (d, b)))
    {
        // "path|KEY=VALUE|…": environment given to this build's nodes only (e.g. a tuning switch); DB=… is appended to their connection string.
        var parts = spec.Split('|');
        var dll = parts[0];
        var env = parts.Skip(1).Select(p => p.Split('=', 2)).ToDictionary(p => p[0], p => p[1]);
        var db = $"skydeck_create_{b}_{DateTime.UtcNow:HHmmss}_{Guid.NewGuid():N}"[..40];
        await Sql(admin, $"CREATE DATABASE \"{db}\"");
        var nodeDb = new NpgsqlConnectionStringBuilder(admin) { Database = db, Pooling = true }.ConnectionString;
        if (env.Remove("DB", out var extra)) nodeDb += ";" + extra; // e.g. path|DB=Maximum Pool Size=20
        var cluster = new Cluster(b, dll, db);
        clusters.Add(cluster);
        var remote = Enumerable.Range(0, nodeCount).Select(_ => FreePort()).ToArray();
        var seeds = string.Join(',', remote.Take(Math.Min(2, nodeCount)).Select(p => $"akka.tcp://skydeck@127.0.0.1:{p}"));
        for (var i = 0; i < nodeCount; i++) cluster.Nodes.Add(Node.Start(dll, $"b{b}n{i + 1}", nodeDb, seeds, remote[i], env));
        await Task.WhenAll(cluster.Nodes.Select(n => n.WaitHealthyAsync()));
        Console.WriteLine($"build {b} ({spec}): {nodeCount} nodes up");
    }

    for (var round = 1; round <= rounds; round++)
        foreach (var cluster in clusters)
        {
            var ids = Enumerable.Range(1, experiments).Select(i => $"r{round}x{i:D5}").ToList();
            var load = File.ReadAllText("/proc/loadavg").Split(' ')[0];
            var clock = Stopwatch.StartNew();
            var slowest = 0.0;
            using var sampling = new CancellationTokenSource();
            var sessions = PeakSessionsAsync(admin, cluster.Database, sampling.Token);
            await Parallel.ForEachAsync(ids.Select((id, i) => (id, i)), new ParallelOptions { MaxDegreeOfParallelism = concurrency }, async (x, _) =>
            {
                var sent = clock.Elapsed.TotalSeconds;
                await cluster.Nodes[x.i % nodeCount].CreateAsync(x.id, x.i);
                var took = clock.Elapsed.TotalSeconds - sent;
                lock (cluster) slowest = Math.Max(slowest, took);
            });
            var rate = experiments / clock.Elapsed.TotalSeconds;
            await sampling.CancelAsync();
            cluster.Rates.Add(rate);
            Console.WriteLine($"round {round} build {cluster.Index}: {rate:F1}/s ({experiments} at {concurrency} at a time, slowest request {slowest:F2}s, "
                + $"peak PostgreSQL sessions of its nodes {await sessions}, load before {load})");
        }

    foreach (var c in clusters)
        Console.WriteLine($"build {c.Index}: rounds {string.Join(" / ", c.Rates.Select(r => r.ToString("F1")))} per second; after round 1 mean {(c.Rates.Count > 1 ? c.Rates.Skip(1).Average() : 0):F1}/s");
    if (clusters.Count > 1)
        for (var round = 0; round < rounds; round++)
            Console.WriteLine($"round {round + 1}: build 1 / build 0 = {clusters[1].Rates[round] / clusters[0].Rates[round]:F2}×");
}
finally
{
    foreach (var c in clusters)
    {
        foreach (var n in c.Nodes) n.Dispose();
        NpgsqlConnection.ClearAllPools();
        try { await Sql(admin, $"DROP DATABASE IF EXISTS \"{c.Database}\" WITH (FORCE)"); } catch (Exception e) { Console.WriteLine($"drop {c.Database}: {e.Message}"); }
    }
}

// The most sessions open on the cluster's database while a round ran (sampled every 100 ms).
static async Task<long> PeakSessionsAsync(string admin, string database, CancellationToken stop)
{
    long peak = 0;
    await using var connection = new NpgsqlConnection(admin);
    await connection.OpenAsync();
    await using var command = new NpgsqlCommand("SELECT count(*) FROM pg_stat_activity WHERE datname = @db", connection);
    command.Parameters.AddWithValue("db", database);
    while (!stop.IsCancellationRequested)
    {
        peak = Math.Max(peak, (long)(await command.ExecuteScalarAsync())!);
        try { await Task.Delay(100, stop); } catch (OperationCanceledException) { }
    }

    return peak;
}

static async Task Sql(string connectionString, string sql)
{
    await using var connection = new NpgsqlConnection(connectionString);
    await connection.OpenAsync();
    await using var command = new NpgsqlCommand(sql, connection);
    await command.ExecuteNonQueryAsync();
}

static int FreePort()
{
    using var l = new TcpListener(IPAddress.Loopback, 0);
    l.Start();
    return ((IPEndPoint)l.LocalEndpoint).Port;
}

string? Arg(string name) => Args(name).LastOrDefault();

List<string> Args(string name) =>
    [.. args.Select((a, i) => (a, i)).Where(x => x.a == name && x.i + 1 < args.Length).Select(x => args[x.i + 1])];

sealed record Cluster(int Index, string Dll, string Database)
{
    public List<Node> Nodes { get; } = [];
    public List<double> Rates { get; } = [];
}

sealed class Node : IDisposable
{
    private readonly Process _process;
    private readonly HttpClient _http;
    private readonly string _name;
    private readonly StreamWriter _log;

    private Node(Process process, HttpClient http, string name, StreamWriter log) => (_process, _http, _name, _log) = (process, http, name, log);

    public static Node Start(string dll, string name, string db, string seeds, int remotePort, IReadOnlyDictionary<string, string> env)
    {
        var home = Directory.CreateTempSubdirectory($"skydeck-create-{name}-").FullName;
        var port = FreePort();
        var start = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = home };
        foreach (var a in new[] { dll, "start", "--foreground", "--port", port.ToString(), "--cluster", "--seed-nodes", seeds, "--db", db, "--remote-port", remotePort.ToString() })
            start.ArgumentList.Add(a);
        foreach (var key in start.Environment.Keys.Where(k => k.StartsWith("SKYDECK_", StringComparison.Ordinal)).ToList()) start.Environment.Remove(key);
        start.Environment["HOME"] = home;
        start.Environment["SKYDECK_NO_BROWSER"] = "1";
        start.Environment["SKYDECK_REMOTE_HOST"] = "127.0.0.1";
        start.Environment["SKYDECK_SKY_PATH"] = "/bin/true";
        start.Environment["SKYDECK_POLL_INTERVAL"] = "3600";
        foreach (var (k, v) in env) start.Environment[k] = v;
        var log = new StreamWriter(Path.Combine(home, "node.log")) { AutoFlush = true };
        var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => { if (e.Data is { } d) lock (log) log.WriteLine(d); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is { } d) lock (log) log.WriteLine(d); };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        Console.WriteLine($"{name}: http {port}, remote {remotePort}, log {home}/node.log");
        var http = new HttpClient(new SocketsHttpHandler { UseProxy = false, MaxConnectionsPerServer = 1000 })
            { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(60) };
        return new Node(process, http, name, log);
    }

    public async Task WaitHealthyAsync()
    {
        var deadline = DateTime.UtcNow.AddMinutes(3);
        while (true)
        {
            if (_process.HasExited) throw new InvalidOperationException($"{_name} exited with {_process.ExitCode}");
            try
            {
                using var r = await _http.GetAsync("/api/health");
                if (r.StatusCode == HttpStatusCode.OK || (r.StatusCode == HttpStatusCode.ServiceUnavailable && (await r.Content.ReadAsStringAsync()).Contains("\"skypilot\""))) return;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException) { }
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"{_name} not healthy");
            await Task.Delay(500);
        }
    }

    /// <summary>Until acknowledged (2xx); a 503 (an Ask timed out) is retried, as a client of a cluster would.</summary>
    public async Task CreateAsync(string id, int n)
    {
        var body = new JsonObject
        {
            ["id"] = id, ["name"] = $"Create {n}", ["base_command"] = "lt", ["run_name"] = $"create.{id}", ["nodes"] = 1, ["gpus"] = 0,
            ["desired_state"] = "STOPPED", ["flags"] = new JsonObject { ["trainer.seed"] = n },
        };
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                using var r = await _http.PostAsJsonAsync("/api/experiments", body);
                if (r.IsSuccessStatusCode) return;
                if (r.StatusCode != HttpStatusCode.ServiceUnavailable || attempt > 20) throw new InvalidOperationException($"POST {id}: {(int)r.StatusCode} {await r.Content.ReadAsStringAsync()}");
            }
            catch (Exception e) when ((e is HttpRequestException or TaskCanceledException) && attempt <= 20) { }
            await Task.Delay(200);
        }
    }

    public void Dispose()
    {
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        _process.WaitForExit(10_000);
        _http.Dispose();
        lock (_log) _log.Dispose();
    }

    private static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }
}
