using System.Diagnostics;
using System.Globalization;
using Microsoft.Data.Sqlite;
using SkyDeck.Benchmarks.Baselines;
using SkyDeck.Benchmarks.Harness;
using SkyDeck.Benchmarks.Seeding;
using SkyDeck.Benchmarks.Server;
using SkyDeck.FakeSky;

namespace SkyDeck.Benchmarks.Figures;

/// <summary>
/// P4: a cold start of the server in a fresh process on a journal of <see cref="Scale.P4Fleet"/> experiments ×
/// <see cref="Scale.P4EventsPerExperiment"/> events. Done when (a) <c>GET /api/experiments</c> returns all of them,
/// (b) every experiment whose last event asked for RUNNING has had its <c>sky launch</c> started (the reconciler is
/// running again), and (c) the first SkyPilot poll has succeeded. Peak RSS is the child's VmHWM.
/// </summary>
public sealed class P4ColdStart : IFigure
{
    public string Id => "P4";

    public string Title => "cold start on a full journal";

    public async Task RunAsync(FigureContext context, FigureResult result)
    {
        var scale = context.Scale;
        var plan = new FleetPlan(scale.P4Fleet, scale.P4EventsPerExperiment, PendingLaunches: scale.P4PendingLaunches);
        var (template, seed) = await context.SeedAsync("p4/template", plan);
        result.Note(seed.ToString() + "; one pending launch every " + (plan.Experiments / Math.Max(1, plan.PendingLaunches)).ToString(CultureInfo.InvariantCulture) + " experiments");

        var reads = Enumerable.Range(0, 3).Select(_ => SqliteBaselines.ReadAllPayloads(template)).ToList();
        var rawRead = Stats.Median(reads.Select(r => r.Elapsed.TotalMilliseconds).ToList());
        result.Note($"raw SQLite read of all {reads[0].Rows:N0} journal rows ({reads[0].Bytes / 1024.0 / 1024.0:0.0} MiB of payload): " +
                    string.Join(", ", reads.Select(r => $"{r.Elapsed.TotalMilliseconds:0} ms")));

        var pids = seed.Fleet.Select(e => Actors.Core.Naming.PersistenceId(e.Id)).Append(Actors.Experiments.ExperimentDirectoryActor.DirectoryPersistenceId).ToList();
        var perExperiment = SqliteBaselines.ReadPerExperiment(template, pids);
        result.Note($"raw SQLite, recovery-shaped: {perExperiment.Queries:N0} statements (latest snapshot, events after it, highest sequence number — per experiment, one connection): {perExperiment.Elapsed.TotalMilliseconds:0} ms");

        context.Log("baseline: cold start on an empty database");
        var empty = await ColdStartAsync(context, "p4/empty", null, 0, new HashSet<string>());
        result.Note($"empty database: {empty}");

        var runs = new List<Run>();
        for (var i = 1; i <= scale.P4Runs; i++)
        {
            context.Log($"cold start {i}/{scale.P4Runs} with {plan.Experiments:N0} experiments");
            var pending = seed.Fleet.Where(e => e.Kind == ExperimentKind.PendingLaunch).Select(e => e.State.ClusterName).ToHashSet(StringComparer.Ordinal);
            var run = await ColdStartAsync(context, $"p4/run{i}", template, plan.Experiments, pending);
            runs.Add(run);
            result.Note($"run {i}: {run}");
            context.Log($"run {i}: {run}");
        }

        Run? withoutReadModel = null;
        if (scale.P4WithoutReadModel)
        {
            context.Log("cold start without the stored read model (first start after an upgrade, or every row stale after a crash)");
            var everyPending = seed.Fleet.Where(e => e.Kind == ExperimentKind.PendingLaunch).Select(e => e.State.ClusterName).ToHashSet(StringComparer.Ordinal);
            withoutReadModel = await ColdStartAsync(context, "p4/no-read-model", template, plan.Experiments, everyPending, dropReadModel: true);
            result.Note($"without the stored read model (every experiment recovered from the journal before the table is complete): {withoutReadModel}");
            context.Log($"without the stored read model: {withoutReadModel}");
        }
        else result.Note($"the start without the stored read model is left out at {plan.Experiments:N0} experiments (see Scale.WithFleet)");

        if (scale.P4WithoutReadModel)
        {
            context.Log("diagnosis: the same recoveries with bare persistent actors on the production persistence wiring");
            var bare = await PluginProbe.RecoverAllAsync(Copy(context, template, "p4/plugin-probe"), pids);
            result.Note(FormattableString.Invariant($"plugin alone: {pids.Count:N0} bare persistent actors (same ids, same plugin and settings, no SkyDeck logic, in this warm process) recover in {bare.TotalMilliseconds:0} ms ({pids.Count / bare.TotalSeconds:0} actors/s)"));
            var unstarved = await PluginProbe.RecoverAllAsync(Copy(context, template, "p4/plugin-probe-threads"), pids, minThreads: 128);
            result.Note(FormattableString.Invariant($"plugin alone with the thread pool's minimum raised to 128 (tests starvation by synchronous SQLite calls): {unstarved.TotalMilliseconds:0} ms ({pids.Count / unstarved.TotalSeconds:0} actors/s)"));
            context.Log(FormattableString.Invariant($"plugin alone: {bare.TotalMilliseconds:0} ms; with 128 minimum threads: {unstarved.TotalMilliseconds:0} ms"));
        }
        else result.Note($"the bare-plugin diagnosis is left out at {plan.Experiments:N0} experiments (at 20,000 on a loaded machine each pass took 7 minutes)");

        var total = Stats.Median(runs.Select(r => r.ReadyMs).ToList());
        var recovering = Stats.Median(runs.Select(r => r.ListedMs - r.ListeningMs).ToList());
        result.Note(FormattableString.Invariant($"after HTTP is up, the table fills at {plan.Experiments / Math.Max(1, recovering) * 1000:0} experiments/s ({recovering:0} ms for {plan.Experiments:N0}); the same reads as plain SQLite statements take {perExperiment.Elapsed.TotalMilliseconds:0} ms in total."));
        var rss = runs.Max(r => r.PeakRssMb);
        result.Add("time to complete table + reconciling", total, "ms", rawRead, "raw SQLite read of all journal payloads", "≤ 5 s", ResultRow.AtMost(total, 5000));
        result.Add("peak RSS", rss, "MB", empty.PeakRssMb, "same server, empty database", "≤ 400 MB", ResultRow.AtMost(rss, 400));
        if (withoutReadModel is not null)
        {
            result.Add("time to complete table + reconciling, no stored read model", withoutReadModel.ReadyMs, "ms", rawRead, "raw SQLite read of all journal payloads", "—", Verdict.Info);
            result.Add("peak RSS, no stored read model", withoutReadModel.PeakRssMb, "MB", empty.PeakRssMb, "same server, empty database", "—", Verdict.Info);
        }
        result.Note($"runs: {scale.P4Runs} (time is the median, RSS the maximum); each run starts from a fresh copy of the seeded file and an empty fake cloud.");
    }

    private static string Copy(FigureContext context, string template, string name)
    {
        var copy = context.Workspace.PathOf(Path.Combine(name, "skydeck.db"));
        SqliteConnection.ClearAllPools();
        foreach (var suffix in new[] { "", "-wal", "-shm" })
            if (File.Exists(template + suffix)) File.Copy(template + suffix, copy + suffix);
        return copy;
    }

    private static async Task<Run> ColdStartAsync(
        FigureContext context, string name, string? template, int experiments, IReadOnlySet<string> pendingClusters, bool dropReadModel = false)
    {
        var directory = context.Workspace.NewDirectory(name);
        var database = Path.Combine(directory, "skydeck.db");
        if (template is not null)
        {
            SqliteConnection.ClearAllPools();
            foreach (var suffix in new[] { "", "-wal", "-shm" })
                if (File.Exists(template + suffix)) File.Copy(template + suffix, database + suffix);
        }

        if (dropReadModel)
        {
            using var connection = new SqliteConnection($"Data Source={database}");
            connection.Open();
            using var drop = connection.CreateCommand();
            drop.CommandText = "DROP TABLE skydeck_summary";
            drop.ExecuteNonQuery();
            SqliteConnection.ClearAllPools();
        }

        var fake = new FakeSkyHome(Path.Combine(directory, "fake"));
        var port = FreePort.Next();
        var info = ChildServer.StartInfo(["--db", database, "--home", Path.Combine(directory, "home"), "--port", port.ToString(CultureInfo.InvariantCulture)]);
        info.Environment[FakeSkyHome.HomeVariable] = fake.Directory;
        info.Environment.Remove("SKYDECK_TOKEN");

        var started = Stopwatch.GetTimestamp();
        var startedUtc = DateTimeOffset.UtcNow;
        using var child = Process.Start(info) ?? throw new InvalidOperationException("could not start the child server");
        var stderr = child.StandardError.ReadToEndAsync();
        var listening = ReadListeningAsync(child);
        using var client = Http.Client(new Uri($"http://127.0.0.1:{port}"));
        try
        {
            double? listed = null, polled = null, launched = pendingClusters.Count == 0 ? 0 : null;
            var busy = 0;
            var deadline = TimeSpan.FromMinutes(10);
            while (listed is null || polled is null || launched is null)
            {
                if (child.HasExited) throw new InvalidOperationException($"the child server exited with {child.ExitCode}: {await stderr}");
                if (Stopwatch.GetElapsedTime(started) > deadline) throw new TimeoutException($"cold start not complete after {deadline.TotalMinutes} min (listed={listed}, polled={polled}, launched={launched})");
                try
                {
                    // 503 while busy recovering is an answer, not a failure: count it and keep polling.
                    var health = await client.TryHealthAsync();
                    if (health is null) busy++;
                    else
                    {
                        var (count, lastPoll) = health.Value;
                        if (listed is null && count >= experiments && await client.CountExperimentsAsync() >= experiments)
                            listed = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                        if (polled is null && lastPoll is not null) polled = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                    }
                }
                catch (HttpRequestException)
                {
                    // Not listening yet.
                }

                if (launched is null)
                {
                    var launches = fake.ReadInvocations()
                        .Where(r => r.Argv.Count > 4 && r.Argv[0] == "launch" && pendingClusters.Contains(r.Argv[r.Argv.ToList().IndexOf("-c") + 1]))
                        .ToList();
                    if (launches.Count >= pendingClusters.Count) launched = (launches.Max(r => r.At) - startedUtc).TotalMilliseconds;
                }

                await Task.Delay(50);
            }

            var rss = PeakRssMb(child.Id);
            return new Run(listed.Value, launched.Value, polled.Value, await listening, rss, busy);
        }
        finally
        {
            child.StandardInput.Close();
            if (!child.WaitForExit(30_000)) child.Kill(entireProcessTree: true);
        }
    }

    /// <summary>The child's "listening MS" line; keeps draining stdout afterwards so the child never blocks on a full pipe.</summary>
    private static Task<double> ReadListeningAsync(Process child)
    {
        var listening = new TaskCompletionSource<double>(TaskCreationOptions.RunContinuationsAsynchronously);
        _ = Task.Run(async () =>
        {
            while (await child.StandardOutput.ReadLineAsync() is { } line)
            {
                if (line.StartsWith("listening ", StringComparison.Ordinal))
                    listening.TrySetResult(double.Parse(line["listening ".Length..], CultureInfo.InvariantCulture));
            }

            listening.TrySetResult(double.NaN);
        });
        return listening.Task;
    }

    /// <summary>VmHWM: the peak resident set of the process so far.</summary>
    public static double PeakRssMb(int pid)
    {
        foreach (var line in File.ReadLines($"/proc/{pid}/status"))
        {
            if (!line.StartsWith("VmHWM:", StringComparison.Ordinal)) continue;
            var kb = double.Parse(line["VmHWM:".Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
            return kb / 1024.0;
        }

        throw new InvalidOperationException($"no VmHWM in /proc/{pid}/status");
    }

    private sealed record Run(double ListedMs, double LaunchedMs, double FirstPollMs, double ListeningMs, double PeakRssMb, int Busy)
    {
        public double ReadyMs => Math.Max(ListedMs, Math.Max(LaunchedMs, FirstPollMs));

        public override string ToString() => FormattableString.Invariant(
            $"ready {ReadyMs:0} ms (process start → HTTP listening {ListeningMs:0} ms, table complete {ListedMs:0} ms, pending launches started {LaunchedMs:0} ms, first poll {FirstPollMs:0} ms), peak RSS {PeakRssMb:0} MB, /api/health answered 503 (busy) {Busy} times meanwhile");
    }
}
