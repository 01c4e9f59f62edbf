namespace SkyDeck.FakeSky.State;

/// <summary>One cluster as SkyPilot's cluster table would hold it.</summary>
public sealed class FakeCluster
{
    public string Name { get; set; } = "";

    /// <summary>One of <see cref="ClusterStatuses"/>.</summary>
    public string Status { get; set; } = ClusterStatuses.Up;

    /// <summary>Epoch seconds of the last (re)start.</summary>
    public long LaunchedAt { get; set; }

    /// <summary>Display name of the cloud: <c>AWS</c>, <c>GCP</c>, <c>Kubernetes</c>…</summary>
    public string Cloud { get; set; } = "AWS";

    public string? Region { get; set; }

    public string? Zone { get; set; }

    public int NumNodes { get; set; } = 1;

    /// <summary><c>A100:4</c>, or null for a CPU-only cluster.</summary>
    public string? Accelerators { get; set; }

    public string InstanceType { get; set; } = "";

    public double Cpus { get; set; }

    public double Memory { get; set; }

    public bool UseSpot { get; set; }

    /// <summary>Idle minutes before autostop; negative when autostop is off.</summary>
    public int Autostop { get; set; } = -1;

    public bool ToDown { get; set; }

    /// <summary>The command line that last used the cluster (SkyPilot's <c>last_use</c>).</summary>
    public string LastUse { get; set; } = "";

    public int NextJobId { get; set; } = 1;

    public List<FakeJob> Jobs { get; set; } = [];

    /// <summary>
    /// When the cluster was up, as SkyPilot's cluster history keeps it (<c>usage_intervals</c>, whole epoch seconds): a
    /// launch or start opens one, a stop or teardown closes it. Clusters from before the fake kept them have none.
    /// </summary>
    public List<FakeInterval> UsageIntervals { get; set; } = [];

    public FakeJob? FindJob(int jobId) => Jobs.Find(j => j.JobId == jobId);

    /// <summary>The cluster came up (launched, restarted): a new interval, unless one is open (SkyPilot's <c>add_or_update_cluster</c>).</summary>
    public void Opened(double now)
    {
        if (UsageIntervals.Count == 0 || UsageIntervals[^1].End is not null)
        {
            UsageIntervals.Add(new FakeInterval { Start = (long)now });
        }
    }

    /// <summary>The cluster was stopped or torn down: its open interval ends (SkyPilot's <c>remove_cluster</c>).</summary>
    public void Closed(double now)
    {
        if (UsageIntervals.Count > 0 && UsageIntervals[^1].End is null)
        {
            UsageIntervals[^1].End = Math.Max(UsageIntervals[^1].Start, (long)now);
        }
    }
}

/// <summary>One entry of a cluster's <c>usage_intervals</c>: [Start, End), End null while it is up.</summary>
public sealed class FakeInterval
{
    public long Start { get; set; }

    public long? End { get; set; }
}
