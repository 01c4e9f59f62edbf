using System.Collections.Concurrent;
using System.Collections.Immutable;
using SkyDeck.Actors.Core;
using SkyDeck.Actors.Experiments;
using SkyDeck.Actors.SkyPilot;

namespace SkyDeck.Host.Tests.Support;

/// <summary>
/// An in-process <see cref="ISkyGateway"/> backed by a tiny consistent fake cloud: a launch brings the cluster UP
/// and adds a job (status <see cref="LaunchStatus"/>), cancel / stop / down do what SkyPilot does, and
/// <c>sky status</c> / <c>sky queue</c> report that cloud, so polls never contradict what SkyDeck did. Every command
/// is recorded; status calls can be made to fail and stops can be held open (a call in flight at a crash).
/// </summary>
public sealed class ScriptedSkyGateway : ISkyGateway
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, FakeCluster> _clusters = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<SkyCommand> _commands = new();
    private int _statusCalls;
    private volatile bool _holdStops;

    /// <summary>The status a launched job starts with.</summary>
    public SkyJobStatus LaunchStatus { get; set; } = SkyJobStatus.Running;

    /// <summary>Non-null: every <c>sky status</c> fails with this reason.</summary>
    public string? StatusFailure { get; set; }

    /// <summary>Stops never return (until the caller's token is cancelled) and leave the cluster as it was.</summary>
    public bool HoldStops
    {
        get => _holdStops;
        set => _holdStops = value;
    }

    public IReadOnlyList<SkyCommand> Commands => [.. _commands];

    public IReadOnlyList<SkyCommand.Launch> Launches => [.. _commands.OfType<SkyCommand.Launch>()];

    public int StatusCalls => Volatile.Read(ref _statusCalls);

    /// <summary>Puts a cluster in the fake cloud (or changes its status), as if someone used <c>sky</c> by hand.</summary>
    public void SetCluster(string cluster, SkyClusterStatus status)
    {
        lock (_gate)
        {
            if (!_clusters.TryGetValue(cluster, out var c)) _clusters[cluster] = c = new FakeCluster();
            c.Status = status;
        }
    }

    public SkyClusterStatus? ClusterStatus(string cluster)
    {
        lock (_gate) return _clusters.TryGetValue(cluster, out var c) ? c.Status : null;
    }

    public void SetJobStatus(string cluster, long skyJobId, SkyJobStatus status)
    {
        lock (_gate)
        {
            var job = _clusters[cluster].Jobs.Single(j => j.Id == skyJobId);
            job.Status = status;
            if (status.IsTerminal()) job.EndedAt ??= DateTimeOffset.UtcNow;
        }
    }

    public async Task<SkyOutcome> ExecuteAsync(SkyCommand command, CancellationToken cancellationToken, ISkySlot? slot = null)
    {
        _commands.Enqueue(command);
        if (command is SkyCommand.Stop && _holdStops)
        {
            await Task.Delay(Timeout.Infinite, cancellationToken).ConfigureAwait(false);
        }

        lock (_gate)
        {
            switch (command)
            {
                case SkyCommand.Launch launch:
                {
                    if (!_clusters.TryGetValue(launch.Cluster, out var cluster)) _clusters[launch.Cluster] = cluster = new FakeCluster();
                    cluster.Status = SkyClusterStatus.Up;
                    var id = cluster.Jobs.Count + 1L;
                    var now = DateTimeOffset.UtcNow;
                    cluster.Jobs.Add(new FakeJob(id, launch.JobId, now) { Status = LaunchStatus, StartedAt = LaunchStatus == SkyJobStatus.Running ? now : null });
                    return SkyOutcome.Ok(id);
                }
                case SkyCommand.Cancel cancel:
                    if (_clusters.TryGetValue(cancel.Cluster, out var onCluster))
                        foreach (var job in onCluster.Jobs.Where(j => j.Id == cancel.SkyJobId && !j.Status.IsTerminal()))
                        {
                            job.Status = SkyJobStatus.Cancelled;
                            job.EndedAt = DateTimeOffset.UtcNow;
                        }

                    return SkyOutcome.Ok();
                case SkyCommand.Stop stop:
                    if (_clusters.TryGetValue(stop.Cluster, out var stopped))
                    {
                        stopped.Status = SkyClusterStatus.Stopped;
                        foreach (var job in stopped.Jobs.Where(j => !j.Status.IsTerminal())) job.Status = SkyJobStatus.Cancelled;
                    }

                    return SkyOutcome.Ok();
                case SkyCommand.Down down:
                    _clusters.Remove(down.Cluster);
                    return SkyOutcome.Ok();
                default:
                    throw new ArgumentOutOfRangeException(nameof(command));
            }
        }
    }

    public Task<SkyCall<StatusReport>> StatusAsync(CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _statusCalls);
        if (StatusFailure is { } failure) return Task.FromResult(SkyCall<StatusReport>.Failed(new SkyFailure(SkyFailureKind.Unknown, failure)));
        lock (_gate)
        {
            var clusters = _clusters.Select(kv => new ObservedCluster(kv.Key, kv.Value.Status, kv.Value.Status.ToSkyString()));
            return Task.FromResult(SkyCall<StatusReport>.Ok(new StatusReport([.. clusters])));
        }
    }

    public Task<SkyCall<QueueReport>> QueueAsync(IReadOnlyCollection<string> clusters, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            var jobs = ImmutableDictionary.CreateBuilder<string, ImmutableArray<ObservedJob>>(StringComparer.Ordinal);
            var failed = ImmutableDictionary.CreateBuilder<string, string>(StringComparer.Ordinal);
            foreach (var name in clusters)
            {
                if (_clusters.TryGetValue(name, out var c) && c.Status == SkyClusterStatus.Up)
                    jobs[name] = [.. c.Jobs.Select(j => new ObservedJob(j.Id, j.Name, j.Status, j.Status.ToSkyString(), j.SubmittedAt, j.StartedAt, j.EndedAt, "1x[A100:1]"))];
                else
                    failed[name] = "ClusterNotUpError: cluster is not up";
            }

            return Task.FromResult(SkyCall<QueueReport>.Ok(new QueueReport(jobs.ToImmutable(), failed.ToImmutable())));
        }
    }

    private sealed class FakeCluster
    {
        public SkyClusterStatus Status { get; set; } = SkyClusterStatus.Up;

        public List<FakeJob> Jobs { get; } = [];
    }

    private sealed record FakeJob(long Id, string Name, DateTimeOffset SubmittedAt)
    {
        public SkyJobStatus Status { get; set; }

        public DateTimeOffset? StartedAt { get; set; }

        public DateTimeOffset? EndedAt { get; set; }
    }
}
