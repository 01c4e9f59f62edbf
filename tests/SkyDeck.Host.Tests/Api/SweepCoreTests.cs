using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using SkyDeck.Actors.Core;
using SkyDeck.Actors.SkyPilot;
using SkyDeck.Host.Tests.Support;
using SkyDeck.Testing;

namespace SkyDeck.Host.Tests.Api;

/// <summary>A server with a webhook for sweep events, failed jobs not retried, and a quick poll.</summary>
public sealed class SweepWebhookFixture : ApiFixture
{
    public WebhookReceiver Receiver { get; } = new WebhookReceiver().Start();

    protected override IReadOnlyDictionary<string, string>? Settings => new Dictionary<string, string>
    {
        ["SkyDeck:Webhooks:0:Url"] = Receiver.Url,
        ["SkyDeck:Webhooks:0:Events"] = "sweep.*",
        ["SKYDECK_WEBHOOK_BACKOFF_BASE"] = "0.2",
        ["SKYDECK_WEBHOOK_BACKOFF_CAP"] = "0.5",
        ["SKYDECK_POLL_INTERVAL"] = "0.5",
        ["SKYDECK_MAX_RESTARTS"] = "0",
    };
}

/// <summary>sweep.finished over a real webhook, and a template edit that leaves a cell's own change alone.</summary>
public sealed class SweepCoreTests(SweepWebhookFixture fx) : IClassFixture<SweepWebhookFixture>
{
    private readonly HttpClient _client = fx.Client;

    private static JsonObject Body(string id, string desired, params int[] seeds) => new()
    {
        ["id"] = id,
        ["template"] = new JsonObject
        {
            ["base_command"] = "lt", ["run_name"] = $"tests.{id}", ["gpus"] = 1,
            ["flags"] = new JsonObject { ["trainer.losses.ppo.enabled"] = true, ["model.depth"] = 4 },
        },
        ["axes"] = new JsonObject { ["seed"] = new JsonArray([.. seeds.Select(s => (JsonNode)JsonValue.Create(s))]) },
        ["desired_state"] = desired,
    };

    private async Task<List<JsonElement>> CellsAsync(string sweep) =>
        [.. (await _client.GetJsonAsync($"/api/experiments?sweep={sweep}")).GetProperty("experiments").EnumerateArray()];

    private Task<List<JsonElement>> WaitForCellsAsync(string sweep, Func<List<JsonElement>, bool> done, string what) =>
        Eventually.Until(async () =>
        {
            await (await _client.PostAsync("/api/refresh", null)).ExpectAsync(HttpStatusCode.Accepted);
            return await CellsAsync(sweep);
        }, done, $"{sweep}: {what}", TimeSpan.FromSeconds(30), cells => string.Join(", ", cells.Select(c => $"{c.Str("id")}={c.Str("current_state")}")));

    private List<JsonElement> FinishedOf(string sweep) =>
        [.. fx.Receiver.Received.Select(r => JsonDocument.Parse(r.Body).RootElement)
            .Where(b => b.GetProperty("event").GetString() == "sweep.finished" && b.GetProperty("fields").GetProperty("sweep_id").GetString() == sweep)];

    private void End(JsonElement cell, SkyJobStatus status)
    {
        var job = cell.GetProperty("current_job");
        fx.Sky.SetJobStatus(job.Str("cluster"), job.GetProperty("sky_job_id").GetInt64(), status);
    }

    [Fact]
    public async Task GivenASweepWhoseCellsEnd_ThenSweepFinishedOnceWithCounts_AndAgainAfterARefillFinishes()
    {
        var id = fx.NewId("fin");
        await (await _client.PostJsonAsync("/api/sweeps", Body(id, "RUNNING", 1, 2))).ExpectAsync(HttpStatusCode.Created);
        var cells = await WaitForCellsAsync(id, c => c.Count == 2 && c.All(x => x.Str("current_state") == "RUNNING"), "both running");

        End(cells[0], SkyJobStatus.Succeeded);
        End(cells[1], SkyJobStatus.Failed);
        await WaitForCellsAsync(id, c => c.Count(x => x.Str("current_state") is "SUCCEEDED" or "FAILED") == 2, "both ended");
        var first = await Eventually.Until(() => Task.FromResult(FinishedOf(id)), n => n.Count > 0, $"{id}: sweep.finished", TimeSpan.FromSeconds(20));
        Assert.Contains($"sweep {id} finished: 1 succeeded, 1 failed", first[0].GetProperty("text").GetString());

        await (await _client.PostAsync($"/api/sweeps/{id}/refill", null)).ExpectAsync(HttpStatusCode.OK);
        var again = await WaitForCellsAsync(id, c => c.Count(x => x.Str("current_state") == "RUNNING") == 1 && c.Count(x => x.Str("current_state") == "SUCCEEDED") == 1, "the failed cell running again");
        End(again.Single(c => c.Str("current_state") == "RUNNING"), SkyJobStatus.Succeeded);
        await WaitForCellsAsync(id, c => c.All(x => x.Str("current_state") == "SUCCEEDED"), "both succeeded");
        var both = await Eventually.Until(() => Task.FromResult(FinishedOf(id)), n => n.Count > 1, $"{id}: sweep.finished again", TimeSpan.FromSeconds(20));

        Assert.Contains("finished: 2 succeeded", both[1].GetProperty("text").GetString());
        Assert.NotEqual(both[0].GetProperty("id").GetString(), both[1].GetProperty("id").GetString());
        Assert.Equal(2, both.Select(b => b.GetProperty("id").GetString()).Distinct().Count());
    }

    [Fact]
    public async Task GivenACellWhoseFlagWasChangedOnItsOwn_WhenTheTemplateEditsThatFlag_ThenTheCellKeepsItAndTheAnswerAndTheSweepSaySo()
    {
        var id = fx.NewId("keep");
        await (await _client.PostJsonAsync("/api/sweeps", Body(id, "STOPPED", 1, 2))).ExpectAsync(HttpStatusCode.Created);
        var cells = await WaitForCellsAsync(id, c => c.Count == 2, "two cells");
        var own = cells[0].Str("id");
        var other = cells[1].Str("id");
        var flags = JsonNode.Parse(cells[0].GetProperty("flags").GetRawText())!.AsObject();
        flags["model.depth"] = 6;
        await (await _client.PatchJsonAsync($"/api/experiments/{own}", new JsonObject { ["flags"] = flags })).ExpectAsync(HttpStatusCode.OK);
        await WaitForCellsAsync(id, c => c.Single(x => x.Str("id") == own).GetProperty("flags").GetProperty("model.depth").GetInt32() == 6, "the cell's own change listed");

        var edit = new JsonObject { ["template"] = new JsonObject { ["flags"] = new JsonObject { ["trainer.losses.ppo.enabled"] = true, ["model.depth"] = 8 } } };
        var answer = await (await _client.PatchJsonAsync($"/api/sweeps/{id}", edit)).ExpectAsync(HttpStatusCode.OK);

        var changes = answer.GetProperty("changes").GetProperty("cells").EnumerateArray().ToDictionary(c => c.Str("id"));
        Assert.Equal("unchanged", changes[own].Str("action"));
        Assert.Equal("kept: deviates on flags.model.depth", changes[own].Str("note"));
        Assert.Equal("update", changes[other].Str("action"));
        var after = await WaitForCellsAsync(id, c => c.Single(x => x.Str("id") == other).GetProperty("flags").GetProperty("model.depth").GetInt32() == 8, "the other cell edited");
        Assert.Equal(6, after.Single(x => x.Str("id") == own).GetProperty("flags").GetProperty("model.depth").GetInt32());
        var sweep = await _client.GetJsonAsync($"/api/sweeps/{id}");
        var shown = sweep.GetProperty("cells").EnumerateArray().ToDictionary(c => c.Str("id"));
        Assert.True(shown[own].GetProperty("deviates").GetBoolean());
        Assert.Equal(["flags.model.depth"], shown[own].GetProperty("deviates_on").EnumerateArray().Select(e => e.GetString()));
        Assert.False(shown[other].GetProperty("deviates").GetBoolean());
    }
}
