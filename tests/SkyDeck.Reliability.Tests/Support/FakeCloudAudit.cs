using System.Diagnostics;
using System.Globalization;
using SkyDeck.FakeSky;
using SkyDeck.FakeSky.State;

namespace SkyDeck.Reliability.Tests.Support;

/// <summary>What the fake cloud says about SkyDeck's behaviour: duplicate launches and clusters with two live jobs.</summary>
public static class FakeCloudAudit
{
    public static bool IsLive(FakeJob job) => !JobStatuses.IsTerminal(job.Status);

    /// <summary>Job names submitted more than once (<c>launches.jsonl</c>), with how often and when.</summary>
    public static IReadOnlyList<string> DuplicateJobNames(FakeSkyHome home) =>
        [.. home.ReadLaunches()
            .GroupBy(l => l.JobName, StringComparer.Ordinal)
            .Where(g => g.Count() > 1)
            .Select(g => $"{g.Key} launched {g.Count()}× (at {string.Join(", ", g.Select(l => l.At.ToString("HH:mm:ss.fff", CultureInfo.InvariantCulture)))})")];

    /// <summary>
    /// Clusters on which two jobs were ever live at once, judged from the jobs the fake still holds: each job is live
    /// from its submission until its end (or now). Clusters that were torn down are covered by <see cref="LiveJobWatch"/>.
    /// </summary>
    public static IReadOnlyList<string> OverlappingJobs(FakeSkyState state)
    {
        var problems = new List<string>();
        foreach (var cluster in state.Clusters)
        {
            var jobs = cluster.Jobs.OrderBy(j => j.SubmittedAt).ToList();
            for (var i = 1; i < jobs.Count; i++)
            {
                foreach (var earlier in jobs.Take(i))
                {
                    var earlierEnd = earlier.EndAt ?? double.PositiveInfinity;
                    if (jobs[i].SubmittedAt < earlierEnd)
                        problems.Add($"{cluster.Name}: {jobs[i].JobName} (#{jobs[i].JobId}, submitted {jobs[i].SubmittedAt:F3}) while {earlier.JobName} (#{earlier.JobId}, {earlier.Status}, ended {earlier.EndAt?.ToString("F3", CultureInfo.InvariantCulture) ?? "never"}) was live");
                }
            }
        }

        return problems;
    }

    public static string Describe(FakeCluster? cluster) => cluster is null
        ? "absent"
        : $"{cluster.Status} [{string.Join(", ", cluster.Jobs.Select(j => $"{j.JobName}#{j.JobId}:{j.Status}"))}]";
}

/// <summary>Samples the fake cloud in the background and remembers every moment a cluster had more than one live job.</summary>
public sealed class LiveJobWatch : IAsyncDisposable
{
    private readonly FakeSkyHome _home;
    private readonly TimeSpan _interval;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<string> _violations = [];
    private readonly Task _loop;
    private int _samples;

    private LiveJobWatch(FakeSkyHome home, TimeSpan interval)
    {
        _home = home;
        _interval = interval;
        _loop = Task.Run(LoopAsync);
    }

    public static LiveJobWatch Start(FakeSkyHome home, TimeSpan interval) => new(home, interval);

    public int Samples => Volatile.Read(ref _samples);

    public IReadOnlyList<string> Violations
    {
        get
        {
            lock (_violations) return [.. _violations];
        }
    }

    private async Task LoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                var state = _home.ReadState();
                Interlocked.Increment(ref _samples);
                foreach (var cluster in state.Clusters)
                {
                    var live = cluster.Jobs.Where(FakeCloudAudit.IsLive).ToList();
                    if (live.Count <= 1) continue;
                    lock (_violations)
                    {
                        if (_violations.Count < 50)
                            _violations.Add($"{DateTimeOffset.UtcNow:HH:mm:ss.fff} {cluster.Name}: {FakeCloudAudit.Describe(cluster)}");
                    }
                }
            }
            catch (Exception e) when (e is IOException or TimeoutException or System.Text.Json.JsonException or InvalidDataException)
            {
                // The fake is busy; the next sample will do.
            }

            try
            {
                await Task.Delay(_interval, _stop.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        await _loop;
        _stop.Dispose();
    }
}

/// <summary>Latency samples of one request kind, with the percentiles the report needs.</summary>
public sealed class LatencyRecorder(string kind)
{
    private readonly List<double> _ms = [];

    public string Kind => kind;

    public int Count
    {
        get
        {
            lock (_ms) return _ms.Count;
        }
    }

    public void Add(TimeSpan elapsed)
    {
        lock (_ms) _ms.Add(elapsed.TotalMilliseconds);
    }

    public void Add(long startTimestamp) => Add(Stopwatch.GetElapsedTime(startTimestamp));

    public double Percentile(double p)
    {
        lock (_ms)
        {
            if (_ms.Count == 0) return double.NaN;
            var sorted = _ms.Order().ToList();
            var rank = (int)Math.Ceiling(p / 100.0 * sorted.Count) - 1;
            return sorted[Math.Clamp(rank, 0, sorted.Count - 1)];
        }
    }

    public string Summary(TimeSpan duration) => string.Create(CultureInfo.InvariantCulture,
        $"{Kind,-14} n={Count,6}  {Count / duration.TotalSeconds,7:F1}/s  p50={Percentile(50),7:F1} ms  p99={Percentile(99),7:F1} ms  max={Percentile(100),7:F1} ms");
}
