namespace SkyDeck.FakeSky.State;

/// <summary>
/// The whole fake cloud, persisted as <c>state.json</c>. A plain mutable document: the fake reads it,
/// changes it and writes it back while holding the home's file lock (see <see cref="FakeSkyHome"/>).
/// Clusters keep their launch order, which is the order <c>sky status</c> and <c>sky queue</c> list them in.
/// </summary>
public sealed class FakeSkyState
{
    public List<FakeCluster> Clusters { get; set; } = [];

    public FakeCluster? FindCluster(string name) => Clusters.Find(c => c.Name == name);
}
