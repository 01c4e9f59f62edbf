using System.Collections.Immutable;
using SkyDeck.Actors.Core;
using SkyDeck.Actors.Experiments;
using SkyDeck.Actors.SkyPilot;

namespace SkyDeck.Testing;

/// <summary>
/// The clusters and jobs behind <see cref="ScriptedSkyGateway.WithFakeCloud"/>: what SkyPilot would do with each
/// command, and what <c>sky status</c> / <c>sky queue</c> would then show. Thread-safe.
/// </summary>
internal sealed class FakeCloud
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, Cluster> _clusters = new(StringComparer.Ordinal);

    public SkyJobStatus LaunchStatus { get; set; } = SkyJobStatus.Running;

    public void SetCluster(string cluster, SkyClusterStatus status)
    {
        lock (_gate) GetOrAdd(cluster).Status = status;
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

    public SkyOutcome Execute(SkyCommand command)
    {
        lock (_gate)
        {
            switch (command)
            {
                case SkyCommand.Launch launch:
                {
                    var cluster = GetOrAdd(launch.Cluster);
                    cluster.Status = SkyClusterStatus.Up;
                    var id = cluster.Jobs.Count + 1L;
                    var now = DateTimeOffset.UtcNow;
                    cluster.Jobs.Add(new Job(id, launch.JobId, now) { Status = LaunchStatus, StartedAt = LaunchStatus == SkyJobStatus.Running ? now : null });
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

    public SkyCall<StatusReport> Status()
    {
        lock (_gate)
            return SkyCall<StatusReport>.Ok(new StatusReport([.. _clusters.Select(kv => new ObservedCluster(kv.Key, kv.Value.Status, kv.Value.Status.ToSkyString()))]));
    }

    /// <summary>The jobs of every named cluster that is UP; the others fail as SkyPilot's do.</summary>
    public SkyCall<QueueReport> Queue(IReadOnlyCollection<string> clusters)
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

            return SkyCall<QueueReport>.Ok(new QueueReport(jobs.ToImmutable(), failed.ToImmutable()));
        }
    }

    private Cluster GetOrAdd(string name)
    {
        if (!_clusters.TryGetValue(name, out var cluster)) _clusters[name] = cluster = new Cluster();
        return cluster;
    }

    private sealed class Cluster
    {
        public SkyClusterStatus Status { get; set; } = SkyClusterStatus.Up;

        public List<Job> Jobs { get; } = [];
    }

    private sealed record Job(long Id, string Name, DateTimeOffset SubmittedAt)
    {
        public SkyJobStatus Status { get; set; }

        public DateTimeOffset? StartedAt { get; set; }

        public DateTimeOffset? EndedAt { get; set; }
    }
}
