using System.Globalization;

namespace SkyDeck.FakeSky.Commands;

/// <summary>A tiny instance catalog (AWS names and rough prices) so the optimizer table and RESOURCES columns look plausible.</summary>
internal static class Catalog
{
    private static readonly Dictionary<string, (string Instance, double VcpusPerGpu, double MemPerGpu, double CostPerGpu)> Gpus =
        new(StringComparer.OrdinalIgnoreCase)
        {
            ["A100"] = ("p4d.24xlarge", 12, 144, 4.10),
            ["A100-80GB"] = ("p4de.24xlarge", 12, 144, 5.12),
            ["H100"] = ("p5.48xlarge", 24, 256, 12.29),
            ["V100"] = ("p3.2xlarge", 8, 61, 3.06),
            ["T4"] = ("g4dn.xlarge", 4, 16, 0.526),
            ["L4"] = ("g6.xlarge", 4, 16, 0.805),
            ["A10G"] = ("g5.xlarge", 4, 16, 1.006),
        };

    public static Offer Choose(Infra infra, string? accelerators, string? cpus, int nodes)
    {
        if (accelerators is null)
        {
            var vcpus = cpus is null ? 8 : double.Parse(cpus.TrimEnd('+'), CultureInfo.InvariantCulture);
            var size = Math.Max(1, (int)Math.Ceiling(vcpus / 4));
            var instance = size == 1 ? "m6i.xlarge" : $"m6i.{size}xlarge";
            return new Offer(Named(infra, instance), vcpus, vcpus * 4, 0.048 * vcpus * nodes);
        }

        var (name, count) = SplitAccelerator(accelerators);
        var (gpuInstance, vcpusPerGpu, memPerGpu, costPerGpu) = Gpus.TryGetValue(name, out var known)
            ? known
            : ($"{name.ToLowerInvariant()}.xlarge", 8, 32, 1.0);
        var whole = Math.Max(1, Math.Ceiling(count));
        return new Offer(Named(infra, gpuInstance), vcpusPerGpu * whole, memPerGpu * whole, costPerGpu * whole * nodes);
    }

    /// <summary><c>A100:4</c> → (A100, 4); <c>A100</c> → (A100, 1).</summary>
    public static (string Name, double Count) SplitAccelerator(string accelerators)
    {
        var colon = accelerators.IndexOf(':', StringComparison.Ordinal);
        return colon < 0
            ? (accelerators, 1)
            : (accelerators[..colon], double.Parse(accelerators[(colon + 1)..], CultureInfo.InvariantCulture));
    }

    /// <summary>Node pools (Kubernetes, Slurm, SSH) have no instance types; every cloud borrows AWS's names.</summary>
    private static string Named(Infra infra, string awsInstance) =>
        infra.Cloud is "Kubernetes" or "Slurm" or "SSH" ? "-" : awsInstance;
}

/// <summary>What the optimizer "chose".</summary>
internal sealed record Offer(string InstanceType, double Vcpus, double MemoryGb, double HourlyCost);
