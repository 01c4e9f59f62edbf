using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using SkyDeck.FakeSky.State;
using SkyDeck.Reliability.Tests.Support;
using SkyDeck.Testing;

namespace SkyDeck.Reliability.Tests.Shutdown;

/// <summary>SIGTERM while <c>sky launch</c> is running: a clean exit, and exactly one job once the server is back.</summary>
[Trait("Category", "Slow")]
public sealed class GracefulShutdownTests(ITestOutputHelper output) : IDisposable
{
    private const string Id = "graceful";
    private const string Cluster = "skydeck-" + Id;

    private readonly Testbed _bed = new(new Dictionary<string, string>
    {
        // Longer than the 3 s launch, so a launch that outlives the server is adopted rather than replaced.
        ["SKYDECK_ADOPT_GRACE"] = "8",
    });

    [Fact]
    public async Task GivenALaunchInFlight_WhenTheServerGetsSigterm_ThenItExitsZeroRemovesItsPidFileAndTheNextStartEndsWithExactlyOneRunningJob()
    {
        _bed.Control(c => c.WithDelay("launch", 3000));
        var server = await _bed.StartAsync();
        Assert.True((await server.Api.CreateAsync(Id, "STOPPED")).IsSuccess);
        var running = await server.Api.SetStateAsync(Id, "RUNNING");
        Assert.True(running.IsSuccess, running.ToString());

        var launch = await Eventually.Until(
            () => Task.FromResult(_bed.Fake.ReadInvocations().FirstOrDefault(i => i.Argv.Count > 0 && i.Argv[0] == "launch" && i.Argv.Contains(Cluster))),
            i => i is not null,
            "sky launch to start",
            TimeSpan.FromSeconds(60));
        Assert.True(File.Exists(_bed.PidFile), "the pid file exists while the server runs");
        Assert.Contains($"\"pid\": {server.Pid}", File.ReadAllText(_bed.PidFile));

        var clock = Stopwatch.StartNew();
        var exitCode = await server.TerminateAsync(TimeSpan.FromSeconds(60));
        var stopTook = clock.Elapsed;
        var launchOutlived = Posix.IsAlive(launch!.Pid);
        var launchFinished = _bed.Fake.ReadLaunches().Any(l => l.Cluster == Cluster);

        Assert.True(exitCode == 0, $"exit code {exitCode}:\n{server.Output}");
        Assert.Contains(server.Matches, line => line.Contains("Application is shutting down", StringComparison.Ordinal));
        Assert.False(File.Exists(_bed.PidFile), "the pid file is removed on a clean exit");
        Assert.Contains("Application is shutting down", await ReadSharedAsync(_bed.LogFile));
        Assert.DoesNotContain(server.Matches, line => line.Contains("[FTL]", StringComparison.Ordinal));

        server = await _bed.StartAsync();
        var settled = await Eventually.Until(
            async () => await SettledAsync(server),
            s => s.Problem is null,
            "exactly one RUNNING job",
            TimeSpan.FromSeconds(120),
            s => $"{s.Problem}\n--- server output\n{server.Output}");

        var launches = _bed.Fake.ReadLaunches().Where(l => l.Cluster == Cluster).ToList();
        Assert.Empty(FakeCloudAudit.DuplicateJobNames(_bed.Fake));
        var live = _bed.Fake.ReadState().FindCluster(Cluster)!.Jobs.Where(FakeCloudAudit.IsLive).ToList();
        Assert.Single(live);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"""
            SIGTERM during a 3 s launch: exit code {exitCode} after {stopTook.TotalSeconds:F1} s; pid file removed; "Application is shutting down" logged
            the launch process {(launchOutlived ? "outlived the server" : "ended with the server")}; it had {(launchFinished ? "" : "not ")}submitted its job when the server exited
            after restart: {(settled.Job!.EndsWith("-1", StringComparison.Ordinal) ? "adopted" : "retried as")} {settled.Job}; launches: {string.Join(", ", launches.Select(l => l.JobName))}; live jobs on the cluster: {live.Count}
            """));
    }

    private async Task<(string? Problem, string? Job)> SettledAsync(SkyDeckServerProcess server)
    {
        // Settled means nothing can change any more: no launch (of either server) is still running.
        if (_bed.Fake.ReadInvocations().Any(i => i.Argv[0] == "launch" && _bed.LiveFakeSkyProcesses().Contains(i.Pid)))
            return ("a launch is still running", null);
        var get = await server.Api.GetAsync(Id);
        var current = get.Body.GetProperty("current_state").GetString();
        var job = get.Body.TryGetProperty("current_job", out var j) && j.ValueKind == JsonValueKind.Object ? j.GetProperty("job_id").GetString() : null;
        var cluster = _bed.Fake.ReadState().FindCluster(Cluster);
        var live = cluster?.Jobs.Where(FakeCloudAudit.IsLive).ToList() ?? [];
        if (current != "RUNNING") return ($"current_state {current}; cloud {FakeCloudAudit.Describe(cluster)}", job);
        if (live.Count != 1 || live[0].Status != JobStatuses.Running || live[0].JobName != job)
            return ($"SkyDeck runs {job}; cloud {FakeCloudAudit.Describe(cluster)}", job);
        return (null, job);
    }

    private static async Task<string> ReadSharedAsync(string path)
    {
        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var reader = new StreamReader(stream);
        return await reader.ReadToEndAsync();
    }

    public void Dispose() => _bed.Dispose();
}
