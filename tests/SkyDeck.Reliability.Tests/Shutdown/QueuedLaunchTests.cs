using System.Diagnostics;
using System.Globalization;
using SkyDeck.Reliability.Tests.Support;
using SkyDeck.Testing;

namespace SkyDeck.Reliability.Tests.Shutdown;

/// <summary>
/// Launches waiting for a <c>sky</c> process slot (the cap) when the server stops have started nothing: after a restart
/// they can be launched at once, without waiting for the adopt grace meant for launches that may still turn up.
/// </summary>
[Trait("Category", "Slow")]
public sealed class QueuedLaunchTests(ITestOutputHelper output) : IDisposable
{
    private const int Count = 4;
    private static readonly TimeSpan AdoptGrace = TimeSpan.FromSeconds(120);
    private static readonly TimeSpan Prompt = TimeSpan.FromSeconds(60);

    private readonly Testbed _bed = new(new Dictionary<string, string>
    {
        ["SKYDECK_MAX_SKY_PROCESSES"] = "1",
        ["SKYDECK_ADOPT_GRACE"] = AdoptGrace.TotalSeconds.ToString(CultureInfo.InvariantCulture),
    });

    // Regression: the launch intent is persisted before SkyPilotCli waits for a process slot, so without the
    // queued/dispatched journal a launch still queued at shutdown looked exactly like one whose `sky launch` may still be
    // running, and waited the whole adopt grace (10 min by default) after the restart.
    [Fact]
    public async Task GivenLaunchesQueuedBehindTheProcessCap_WhenTheServerRestarts_ThenTheyAreLaunchedWithoutWaitingForTheAdoptGrace()
    {
        _bed.Control(c => c.WithDelay("launch", 2000));
        var server = await _bed.StartAsync();
        var ids = Enumerable.Range(1, Count).Select(i => $"queued-{i}").ToList();
        foreach (var id in ids) Assert.True((await server.Api.CreateAsync(id, "RUNNING")).IsSuccess);
        await Eventually.Until(
            async () => (await server.Api.ExperimentsAsync()).Values.Count(e => e.GetProperty("current_job").ValueKind == System.Text.Json.JsonValueKind.Object),
            requested => requested == Count && _bed.Fake.ReadInvocations().Any(i => i.Argv[0] == "launch"),
            "every launch to be requested and the first to run",
            TimeSpan.FromSeconds(60));
        var started = _bed.Fake.ReadInvocations().Where(i => i.Argv[0] == "launch").Select(i => i.Argv.SkipWhile(a => a != "-c").Skip(1).First()).ToHashSet();
        Assert.Equal(0, await server.TerminateAsync(TimeSpan.FromSeconds(60)));
        var queued = ids.Where(id => !started.Contains($"skydeck-{id}")).ToList();
        Assert.True(queued.Count >= Count - 2, $"expected launches still queued at shutdown; sky launch had started for {string.Join(", ", started)}");

        server = await _bed.StartAsync();
        var clock = Stopwatch.StartNew();
        await Eventually.Until(
            async () => await server.Api.ExperimentsAsync(),
            list => queued.All(id => list[id].GetProperty("current_state").GetString() == "RUNNING"),
            $"the {queued.Count} launches that never started to run (adopt grace {AdoptGrace.TotalSeconds:0} s)",
            Prompt,
            list => string.Join("; ", queued.Select(id => $"{id} {list[id].GetProperty("current_state")} {list[id].GetProperty("current_job").GetProperty("job_id")}")));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{queued.Count} launches queued behind the cap at shutdown ran {clock.Elapsed.TotalSeconds:F1} s after the restart (adopt grace {AdoptGrace.TotalSeconds:0} s)"));
    }

    public void Dispose() => _bed.Dispose();
}
