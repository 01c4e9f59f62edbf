using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using SkyDeck.FakeSky.State;
using SkyDeck.Reliability.Tests.Support;
using SkyDeck.Testing;

namespace SkyDeck.Reliability.Tests.Shutdown;

/// <summary>
/// A <c>sky launch</c> killed while it provisions leaves its cluster behind in INIT with no job (SkyPilot records the
/// cluster before provisioning it). The fake never leaves INIT clusters by itself, so the test writes that record.
/// </summary>
[Trait("Category", "Slow")]
public sealed class InterruptedProvisioningTests(ITestOutputHelper output) : IDisposable
{
    private const string Id = "provisioning";
    private const string Cluster = "skydeck-" + Id;

    private readonly Testbed _bed = new(new Dictionary<string, string> { ["SKYDECK_ADOPT_GRACE"] = "5" });

    // Found the bug fixed in 4d64b92: the experiment stayed LAUNCHING forever (and re-planned on every scheduler tick).
    [Fact]
    public async Task GivenALaunchKilledWhileProvisioning_WhenTheServerRestarts_ThenTheLaunchIsRetriedAndOneJobRuns()
    {
        _bed.Control(c => c.WithDelay("launch", 3000));
        var server = await _bed.StartAsync();
        Assert.True((await server.Api.CreateAsync(Id, "RUNNING")).IsSuccess);
        await Eventually.Until(
            () => Task.FromResult(_bed.Fake.ReadInvocations().Any(i => i.Argv[0] == "launch")),
            started => started,
            "sky launch to start",
            TimeSpan.FromSeconds(60));
        // The server and its launch die together (a machine crash, or SIGKILL of the process group).
        await server.KillAsync();
        foreach (var pid in _bed.LiveFakeSkyProcesses()) Posix.Signal(pid, Posix.SigKill);
        await Eventually.Until(() => _bed.LiveFakeSkyProcesses().Count == 0, "the killed launch to be gone", TimeSpan.FromSeconds(30));
        Assert.Empty(_bed.Fake.ReadLaunches());
        LeaveInitCluster();
        _bed.Control(c => c with { DelaysMs = new Dictionary<string, int>() });

        server = await _bed.StartAsync();
        var cpuBefore = Posix.CpuSeconds(server.Pid);
        var settled = await Eventually.Until(
            async () =>
            {
                var body = (await server.Api.GetAsync(Id)).Body;
                var cluster = _bed.Fake.ReadState().FindCluster(Cluster);
                var live = cluster?.Jobs.Where(FakeCloudAudit.IsLive).ToList() ?? [];
                var current = body.GetProperty("current_state").GetString();
                return (Done: current == "RUNNING" && live is [{ Status: JobStatuses.Running }], What: $"current {current}, message {body.GetProperty("message")}; cloud {FakeCloudAudit.Describe(cluster)}");
            },
            s => s.Done,
            "the experiment to run one job",
            TimeSpan.FromSeconds(60),
            s => $"{s.What}; server used {Posix.CpuSeconds(server.Pid) - cpuBefore:F1} s of CPU meanwhile");
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{settled.What}; launches: {string.Join(", ", _bed.Fake.ReadLaunches().Select(l => l.JobName))}"));
    }

    /// <summary>Adds the INIT cluster to <c>state.json</c> under the fake's own lock (flock on <c>lock</c>).</summary>
    private void LeaveInitCluster()
    {
        WriteUnderLock();
        Assert.Equal(ClusterStatuses.Init, _bed.Fake.ReadState().FindCluster(Cluster)?.Status);
    }

    private void WriteUnderLock()
    {
        using var _ = new FileStream(Path.Combine(_bed.Fake.Directory, "lock"), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        var state = File.Exists(_bed.Fake.StatePath) ? JsonNode.Parse(File.ReadAllText(_bed.Fake.StatePath))!.AsObject() : new JsonObject { ["clusters"] = new JsonArray() };
        state["clusters"]!.AsArray().Add(new JsonObject
        {
            ["name"] = Cluster,
            ["status"] = ClusterStatuses.Init,
            ["launched_at"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
            ["cloud"] = "AWS",
            ["region"] = "us-east-1",
            ["num_nodes"] = 1,
            ["instance_type"] = "m6i.2xlarge",
            ["cpus"] = 8,
            ["memory"] = 32,
            ["last_use"] = $"sky launch -y -d -c {Cluster}",
            ["next_job_id"] = 1,
            ["jobs"] = new JsonArray(),
        });
        var temp = _bed.Fake.StatePath + ".test.tmp";
        File.WriteAllText(temp, state.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        File.Move(temp, _bed.Fake.StatePath, overwrite: true);
    }

    public void Dispose() => _bed.Dispose();
}
