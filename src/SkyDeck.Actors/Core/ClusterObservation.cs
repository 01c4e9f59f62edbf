using System.Collections.Immutable;

namespace SkyDeck.Actors.Core;

/// <summary>
/// What one poll saw of one experiment's cluster. <paramref name="At"/> is when the poll started, so nothing launched
/// after it is judged by it. Unknown is not absent: <paramref name="ClusterKnown"/> / <paramref name="QueueKnown"/>
/// false mean SkyPilot could not be asked, and nothing may be concluded from the missing data.
/// </summary>
public sealed record ClusterObservation(
    string Cluster,
    DateTimeOffset At,
    bool ClusterKnown,
    SkyClusterStatus? ClusterStatus,
    bool QueueKnown,
    ImmutableArray<ObservedJob> Jobs,
    string? Error)
{
    public static ClusterObservation Unknown(string cluster, DateTimeOffset at, string error) =>
        new(cluster, at, false, null, false, [], error);

    public static ClusterObservation Absent(string cluster, DateTimeOffset at) =>
        new(cluster, at, true, null, true, [], null);

    public bool IsHealthy => ClusterKnown && Error is null;
}
