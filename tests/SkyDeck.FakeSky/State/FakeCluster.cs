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

    public FakeJob? FindJob(int jobId) => Jobs.Find(j => j.JobId == jobId);
}
