using System.Text.RegularExpressions;

namespace SkyDeck.Actors.Core;

/// <summary>Deterministic SkyPilot names: the idempotency keys that let a restarted SkyDeck adopt what it launched.</summary>
public static partial class Naming
{
    public const string ClusterPrefix = "skydeck-";

    public static string Cluster(string experimentId) => ClusterPrefix + experimentId;

    /// <summary><c>skydeck-{id}-g{generation}-{n}</c>, where n counts every launch the experiment ever requested.</summary>
    public static string Job(string experimentId, int generation, int launchNumber) => $"{ClusterPrefix}{experimentId}-g{generation}-{launchNumber}";

    public static string PersistenceId(string experimentId) => "experiment-" + experimentId;

    public static string? ExperimentOfCluster(string cluster) =>
        cluster.StartsWith(ClusterPrefix, StringComparison.Ordinal) && ExperimentId.IsValid(cluster[ClusterPrefix.Length..])
            ? cluster[ClusterPrefix.Length..]
            : null;

    [GeneratedRegex(@"^skydeck-(?<id>.+)-g\d+-\d+\z", RegexOptions.CultureInvariant)]
    private static partial Regex JobPattern();

    public static string? ExperimentOfJob(string jobId) =>
        JobPattern().Match(jobId) is { Success: true } m && ExperimentId.IsValid(m.Groups["id"].Value) ? m.Groups["id"].Value : null;
}
