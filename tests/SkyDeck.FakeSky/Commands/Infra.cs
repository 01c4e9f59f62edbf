namespace SkyDeck.FakeSky.Commands;

/// <summary>Where a cluster lives: <c>--infra cloud[/region[/zone]]</c> (or the deprecated <c>--cloud/--region/--zone</c>).</summary>
internal sealed record Infra(string Cloud, string? Region, string? Zone)
{
    public static readonly Infra Default = new("AWS", "us-east-1", null);

    /// <summary><c>AWS (us-east-1)</c>, as in the INFRA column.</summary>
    public string Display => (Zone ?? Region) is { } place ? $"{Cloud} ({place})" : Cloud;

    /// <summary><c>AWS us-east-1 (us-east-1a)</c>, as in <c>⚙︎ Launching on …</c>.</summary>
    public string LaunchDisplay => (Region, Zone) switch
    {
        (null, _) => Cloud,
        (_, null) => $"{Cloud} {Region}",
        _ => $"{Cloud} {Region} ({Zone})",
    };

    public static Infra Parse(string? infra, string? cloud, string? region, string? zone)
    {
        if (infra is null && cloud is null)
        {
            return region is null && zone is null ? Default : Default with { Region = region ?? Default.Region, Zone = zone };
        }

        var parts = (infra ?? cloud!).Split('/', 3);
        var cloudName = CloudDisplayName(parts[0]);
        var parsedRegion = parts.Length > 1 ? parts[1] : region;
        var parsedZone = parts.Length > 2 ? parts[2] : zone;
        if (cloudName == Default.Cloud && parsedRegion is null)
        {
            return Default;
        }

        return new Infra(cloudName, parsedRegion, parsedZone);
    }

    private static string CloudDisplayName(string cloud) => cloud.ToLowerInvariant() switch
    {
        "aws" => "AWS",
        "gcp" => "GCP",
        "azure" => "Azure",
        "k8s" or "kubernetes" => "Kubernetes",
        "runpod" => "RunPod",
        "lambda" => "Lambda",
        "slurm" => "Slurm",
        "ssh" => "SSH",
        "" => Default.Cloud,
        var other => char.ToUpperInvariant(other[0]) + other[1..],
    };
}
