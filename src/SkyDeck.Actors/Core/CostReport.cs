using System.Collections.Immutable;

namespace SkyDeck.Actors.Core;

/// <summary>One time SkyPilot recorded a cluster up (an entry of its <c>usage_intervals</c>): [From, To), To null while it still is.</summary>
public sealed record UsageInterval(DateTimeOffset From, DateTimeOffset? To);

/// <summary>
/// One row of <c>sky cost-report</c>: one incarnation of a cluster (a name torn down and launched again has a row per
/// launch). <paramref name="Terminated"/>: SkyPilot lists it as <c>TERMINATED</c> (it no longer exists); otherwise
/// <paramref name="Status"/> is its cluster status, null when this version does not know <paramref name="RawStatus"/>.
/// <paramref name="LaunchedAt"/> is exact from <c>-o json</c>, and from a table only as precise as <c>2 hrs ago</c>.
/// <paramref name="Intervals"/> (when it was up, oldest first) come only with <c>-o json</c>; a table has none.
/// </summary>
public sealed record ClusterLifetime(
    string Name,
    DateTimeOffset? LaunchedAt,
    TimeSpan? Duration,
    SkyClusterStatus? Status,
    bool Terminated,
    string RawStatus,
    ImmutableArray<UsageInterval> Intervals)
{
    public ImmutableArray<UsageInterval> Intervals { get; init; } = Intervals.IsDefault ? [] : Intervals;

    public bool Equals(ClusterLifetime? other) =>
        other is not null && Name == other.Name && LaunchedAt == other.LaunchedAt && Duration == other.Duration && Status == other.Status
        && Terminated == other.Terminated && RawStatus == other.RawStatus && Intervals.SequenceEqual(other.Intervals);

    public override int GetHashCode() => HashCode.Combine(Name, LaunchedAt, Duration, Status, Terminated, Intervals.Length);
}

/// <summary>
/// The parsed answer of one <c>sky cost-report --all</c>: every cluster incarnation SkyPilot has a record of (active ones,
/// and terminated ones of the last 30 days). <see cref="Unsupported"/>: this SkyPilot has no <c>cost-report</c> command.
/// </summary>
public sealed record CostReport(ImmutableArray<ClusterLifetime> Clusters, bool Supported = true)
{
    public static readonly CostReport Unsupported = new([], false);

    public ImmutableArray<ClusterLifetime> Clusters { get; init; } = Clusters.IsDefault ? [] : Clusters;

    /// <summary>Every interval SkyPilot recorded for clusters named <paramref name="cluster"/>, over all incarnations, oldest first.</summary>
    public ImmutableArray<UsageInterval> IntervalsOf(string cluster) =>
        [.. Clusters.Where(c => c.Name == cluster).SelectMany(c => c.Intervals).OrderBy(i => i.From)];

    public bool Equals(CostReport? other) => other is not null && Supported == other.Supported && Clusters.SequenceEqual(other.Clusters);

    public override int GetHashCode() => HashCode.Combine(Clusters.Length, Supported);
}
