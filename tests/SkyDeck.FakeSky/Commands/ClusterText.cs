using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using SkyDeck.FakeSky.State;

namespace SkyDeck.FakeSky.Commands;

/// <summary>How a cluster is described in SkyPilot's tables and JSON.</summary>
internal static class ClusterText
{
    public static string Infra(FakeCluster cluster) => new Infra(cluster.Cloud, cluster.Region, cluster.Zone).Display;

    /// <summary><c>1x(gpus=A100:4, cpus=48, mem=576, p4d.24xlarge, ...)</c></summary>
    public static string Resources(FakeCluster cluster) => $"{cluster.NumNodes}x({Parts(cluster)}, ...)";

    public static string ResourcesFull(FakeCluster cluster) => $"{cluster.NumNodes}x({Parts(cluster)}, disk=256)";

    /// <summary><c>10m</c>, <c>10m (down)</c>, <c>(down)</c> or <c>-</c>.</summary>
    public static string Autostop(FakeCluster cluster) => (cluster.Autostop, cluster.ToDown) switch
    {
        ( >= 0, true) => $"{cluster.Autostop}m (down)",
        ( >= 0, false) => $"{cluster.Autostop}m",
        (_, true) => "(down)",
        _ => "-",
    };

    public static string Number(double value) => value.ToString("0.##", CultureInfo.InvariantCulture);

    public static string Hash(FakeCluster cluster) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(cluster.Name)))[..8];

    private static string Parts(FakeCluster cluster)
    {
        var parts = new List<string>();
        if (cluster.Accelerators is { } gpus)
        {
            parts.Add($"gpus={gpus}");
        }

        parts.Add($"cpus={Number(cluster.Cpus)}");
        parts.Add($"mem={Number(cluster.Memory)}");
        parts.Add(cluster.InstanceType);
        return string.Join(", ", parts);
    }
}
