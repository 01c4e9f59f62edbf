using System.Collections.Immutable;

namespace SkyDeck.Actors.Core;

/// <summary>
/// What one poll of SkyPilot found. <paramref name="Clusters"/> null: <c>sky status</c> failed and nothing is known.
/// Otherwise it holds every SkyDeck cluster SkyPilot listed; a SkyDeck cluster missing from it does not exist.
/// </summary>
public sealed record PollCompleted(DateTimeOffset At, ImmutableDictionary<string, ClusterObservation>? Clusters, string? Error);

/// <summary>What one read of <c>sky cost-report</c> found (<paramref name="At"/>: when it was asked), for the managers to fan out.</summary>
public sealed record CostReportRead(DateTimeOffset At, CostReport Report);

/// <summary>
/// Pure: the poll's observe step (<c>sky status</c> and <c>sky queue</c> reports → one observation per SkyDeck
/// cluster) and its fan-out (which experiment hears what). The poller only runs the two calls; both managers only send.
/// </summary>
public static class PollFanOut
{
    /// <summary>An observation of every SkyDeck cluster <c>sky status</c> listed; queues are read only for UP clusters.</summary>
    public static PollCompleted Observe(StatusReport status, QueueReport? queue, string? queueError, DateTimeOffset at)
    {
        var observations = status.Clusters
            .Where(c => Naming.ExperimentOfCluster(c.Name) is not null)
            .ToImmutableDictionary(c => c.Name, c => Observe(c, at, queue, queueError), StringComparer.Ordinal);
        return new PollCompleted(at, observations, queueError);
    }

    /// <summary>The SkyDeck clusters <c>sky status</c> reported UP: the ones whose job queue the poll reads.</summary>
    public static IReadOnlyList<string> ClustersToQueue(StatusReport status) =>
        [.. status.Clusters.Where(c => c.Status == SkyClusterStatus.Up && Naming.ExperimentOfCluster(c.Name) is not null).Select(c => c.Name)];

    /// <summary>
    /// Who hears what: every known experiment whose cluster SkyPilot listed hears about it, and every other experiment
    /// that is watching its cluster hears that the cluster is absent (or unknown, when <c>sky status</c> failed).
    /// </summary>
    public static IEnumerable<(string ExperimentId, ClusterObservation Observation)> Deliveries(
        PollCompleted poll, Func<string, bool> isKnown, IEnumerable<ExperimentSummary> summaries)
    {
        var delivered = new HashSet<string>(StringComparer.Ordinal);
        if (poll.Clusters is { } clusters)
        {
            foreach (var (cluster, observation) in clusters)
            {
                if (Naming.ExperimentOfCluster(cluster) is not { } id || !isKnown(id)) continue;
                delivered.Add(id);
                yield return (id, observation);
            }
        }

        foreach (var summary in summaries)
        {
            if (!summary.Watching || delivered.Contains(summary.Id)) continue;
            var cluster = Naming.Cluster(summary.Id);
            var observation = poll.Clusters is null
                ? ClusterObservation.Unknown(cluster, poll.At, poll.Error ?? "sky status failed")
                : ClusterObservation.Absent(cluster, poll.At);
            yield return (summary.Id, observation);
        }
    }

    /// <summary>
    /// Who hears about <c>sky cost-report</c>: a known experiment whose cluster SkyPilot recorded, only when SkyPilot's
    /// intervals would correct the cluster spans of its summary (so a read wakes no experiment that is right already).
    /// </summary>
    public static IEnumerable<(string ExperimentId, ImmutableArray<UsageInterval> Intervals)> LifetimeDeliveries(
        CostReportRead read, Func<string, ExperimentSummary?> find)
    {
        foreach (var incarnations in read.Report.Clusters.GroupBy(c => c.Name, StringComparer.Ordinal))
        {
            if (Naming.ExperimentOfCluster(incarnations.Key) is not { } id || find(id) is not { } summary) continue;
            ImmutableArray<UsageInterval> intervals = [.. incarnations.SelectMany(c => c.Intervals).OrderBy(i => i.From)];
            if (intervals.IsEmpty || ClusterLifetimes.Corrections(id, summary.Ledger.ClusterSpans, intervals, read.At).IsEmpty) continue;
            yield return (id, intervals);
        }
    }

    private static ClusterObservation Observe(ObservedCluster cluster, DateTimeOffset at, QueueReport? queue, string? queueError)
    {
        if (cluster.Status is null)
            return new ClusterObservation(cluster.Name, at, false, null, false, [], $"SkyPilot reports an unknown cluster status '{cluster.RawStatus}'");
        if (cluster.Status != SkyClusterStatus.Up)
            return new ClusterObservation(cluster.Name, at, true, cluster.Status, false, [], null);
        if (queue is not null && queue.Jobs.TryGetValue(cluster.Name, out var jobs))
            return new ClusterObservation(cluster.Name, at, true, cluster.Status, true, jobs, null);
        var reason = queue is not null && queue.Failed.TryGetValue(cluster.Name, out var failed) ? failed : queueError ?? "not reported by sky queue";
        return new ClusterObservation(cluster.Name, at, true, cluster.Status, false, [], $"job queue unavailable: {reason}");
    }
}
