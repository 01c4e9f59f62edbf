using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using SkyDeck.Reliability.Tests.Support;
using SkyDeck.Testing;

namespace SkyDeck.Reliability.Tests.Sweeps;

/// <summary>
/// SIGKILL in the middle of creating a 200-cell sweep: the sweep persisted which cells should exist before creating
/// any, and creating is idempotent, so after the restart every cell exists exactly once and none was launched twice.
/// </summary>
[Trait("Category", "Slow")]
public sealed class SweepCrashTests(ITestOutputHelper output) : IDisposable
{
    private const string Sweep = "crash";
    private const int Cells = 200;

    private readonly Testbed _bed = new(new Dictionary<string, string> { ["SKYDECK_ADOPT_GRACE"] = "20" });

    private static JsonObject Body() => new()
    {
        ["id"] = Sweep,
        ["template"] = new JsonObject { ["base_command"] = "lt", ["gpus"] = 1, ["flags"] = new JsonObject { ["trainer.losses.ppo.enabled"] = true } },
        ["axes"] = new JsonObject
        {
            ["trainer.lr"] = new JsonArray([.. Enumerable.Range(1, 20).Select(i => (JsonNode)JsonValue.Create(i / 10000.0))]),
            ["seed"] = new JsonArray([.. Enumerable.Range(1, 10).Select(i => (JsonNode)JsonValue.Create(i))]),
        },
        ["desired_state"] = "RUNNING",
    };

    [Fact]
    public async Task GivenA200CellSweep_WhenKilledMidCreation_ThenAfterTheRestartEveryCellExistsOnceAndNoneLaunchedTwice()
    {
        var server = await _bed.StartAsync();
        var created = await server.Api.SendAsync(HttpMethod.Post, "/api/sweeps", Body());
        Assert.True(created.Status == System.Net.HttpStatusCode.Created, created.ToString());
        // Kill as soon as cells start to appear: the sweep is then part-way through its 200 creates.
        var atKill = await Eventually.Until(
            async () => (await server.Api.SendAsync(HttpMethod.Get, $"/api/experiments?sweep={Sweep}", null)).Body.GetProperty("experiments").GetArrayLength(),
            n => n > 0,
            "the first cells",
            TimeSpan.FromSeconds(60));
        await server.KillAsync();
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"SIGKILL with {atKill} of {Cells} cells listed"));

        server = await _bed.StartAsync();
        var sweep = await Eventually.Until(
            async () => (await server.Api.SendAsync(HttpMethod.Get, $"/api/sweeps/{Sweep}", null)).Body,
            s => s.ValueKind == JsonValueKind.Object && s.TryGetProperty("progress", out var p) && p.GetProperty("open_orders").GetInt32() == 0 && p.GetProperty("created").GetInt32() == Cells,
            "every order carried out",
            TimeSpan.FromSeconds(120),
            s => s.GetRawText()[..Math.Min(400, s.GetRawText().Length)]);
        Assert.Equal(0, sweep.GetProperty("progress").GetProperty("problems").GetInt32());

        var cells = await Eventually.Until(
            async () => (await server.Api.ExperimentsAsync()).Values.Where(e => e.GetProperty("sweep").GetString() == Sweep).ToList(),
            list => list.Count == Cells && list.All(e => e.GetProperty("current_job") is { ValueKind: JsonValueKind.Object } job && job.GetProperty("sky_job_id").ValueKind == JsonValueKind.Number),
            "every cell's job submitted to SkyPilot",
            TimeSpan.FromSeconds(420),
            list => $"{list.Count} cells, {list.Count(e => e.GetProperty("current_job").ValueKind == JsonValueKind.Object)} with a job");

        Assert.Equal(Cells, cells.Select(e => e.GetProperty("id").GetString()).Distinct().Count());
        // Each cell was created once, and exactly one of its launches reached SkyPilot (has a SkyPilot job id). A launch
        // the kill interrupted before SkyPilot made anything is recorded lost and launched again, as for any experiment.
        foreach (var cell in cells)
        {
            var id = cell.GetProperty("id").GetString()!;
            var events = (await Eventually.Until(() => server.Api.EventsAsync(id), r => r.IsSuccess, $"{id}'s events", TimeSpan.FromSeconds(60), r => r.ToString())).Body.GetProperty("events").EnumerateArray().Select(x => x.GetProperty("type").GetString()).ToList();
            Assert.Equal(1, events.Count(t => t == "experiment_created"));
            var jobs = (await Eventually.Until(() => server.Api.JobsAsync(id), r => r.IsSuccess, $"{id}'s jobs", TimeSpan.FromSeconds(60), r => r.ToString())).Body.GetProperty("jobs").EnumerateArray().ToList();
            if (jobs.Count > 1)
                foreach (var j in jobs) output.WriteLine($"JOB {id}: {j.GetProperty("job_id")} {j.GetProperty("phase")} {j.GetProperty("status")} {j.GetProperty("reason")} requested {j.GetProperty("requested_at")}");
            Assert.True(jobs.Count(j => j.GetProperty("sky_job_id").ValueKind == JsonValueKind.Number) == 1, $"{id}: {string.Join(" | ", jobs.Select(j => j.GetRawText()))}");
        }

        Assert.Empty(FakeCloudAudit.DuplicateJobNames(_bed.Fake));
        Assert.Empty(FakeCloudAudit.OverlappingJobs(_bed.Fake.ReadState()));
    }

    public void Dispose() => _bed.Dispose();
}
