using SkyDeck.Actors.SkyPilot;

namespace SkyDeck.Actors.Experiments;

/// <summary>
/// Turns one poll into the <see cref="ClusterObserved"/> each experiment should get: every known experiment whose
/// cluster SkyPilot listed hears about it, and every other experiment that is watching its cluster hears that the
/// cluster is absent (or unknown, when <c>sky status</c> failed). Shared by the single-process manager and the cluster
/// manager facade, which differ only in where they send the messages.
/// </summary>
public static class PollFanOut
{
    public static IEnumerable<ClusterObserved> Messages(PollCompleted poll, Func<string, bool> isKnown, IEnumerable<ExperimentSummary> summaries)
    {
        var delivered = new HashSet<string>(StringComparer.Ordinal);
        if (poll.Clusters is { } clusters)
        {
            foreach (var (cluster, observation) in clusters)
            {
                if (Naming.ExperimentOfCluster(cluster) is not { } id || !isKnown(id)) continue;
                delivered.Add(id);
                yield return new ClusterObserved(id, observation);
            }
        }

        foreach (var summary in summaries)
        {
            if (!summary.Watching || delivered.Contains(summary.Id)) continue;
            var cluster = Naming.Cluster(summary.Id);
            var observation = poll.Clusters is null
                ? ClusterObservation.Unknown(cluster, poll.At, poll.Error ?? "sky status failed")
                : ClusterObservation.Absent(cluster, poll.At);
            yield return new ClusterObserved(summary.Id, observation);
        }
    }
}
