namespace SkyDeck.FakeSky.State;

/// <summary>
/// The whole fake cloud, persisted as <c>state.json</c>. A plain mutable document: the fake reads it,
/// changes it and writes it back while holding the home's file lock (see <see cref="FakeSkyHome"/>).
/// Clusters keep their launch order, which is the order <c>sky status</c> and <c>sky queue</c> list them in.
/// </summary>
public sealed class FakeSkyState
{
    public List<FakeCluster> Clusters { get; set; } = [];

    /// <summary>Torn-down clusters, as SkyPilot's cluster history keeps them for <c>sky cost-report</c> (oldest first).</summary>
    public List<FakeCluster> History { get; set; } = [];

    public FakeCluster? FindCluster(string name) => Clusters.Find(c => c.Name == name);

    /// <summary>The cluster is gone (<c>sky down</c>, preempted, deleted out of band) at <paramref name="endedAt"/>: only its history stays.</summary>
    public void Terminate(FakeCluster cluster, double endedAt)
    {
        cluster.Closed(endedAt);
        Clusters.Remove(cluster);
        History.Add(cluster);
    }
}
