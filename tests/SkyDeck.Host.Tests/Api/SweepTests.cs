using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using SkyDeck.Actors.Core;
using SkyDeck.Actors.SkyPilot;
using SkyDeck.Host.Tests.Support;
using SkyDeck.Testing;

namespace SkyDeck.Host.Tests.Api;

/// <summary>A server whose failed jobs are not retried (a cell fails at once) and whose sweeps hold at most 50 cells.</summary>
public sealed class SweepFixture : ApiFixture
{
    protected override IReadOnlyDictionary<string, string>? Settings => new Dictionary<string, string>
    {
        ["SKYDECK_MAX_RESTARTS"] = "0",
        ["SKYDECK_MAX_SWEEP_CELLS"] = "50",
    };
}

/// <summary>Every <c>/api/sweeps</c> endpoint over HTTP, bad input included, against the scripted fake <c>sky</c>.</summary>
public sealed class SweepTests(SweepFixture fx) : IClassFixture<SweepFixture>
{
    private readonly HttpClient _client = fx.Client;

    private static JsonObject Body(string id, JsonObject? axes = null, string desired = "RUNNING", object? extra = null)
    {
        var body = new JsonObject
        {
            ["id"] = id,
            ["name"] = $"Sweep {id}",
            ["template"] = new JsonObject
            {
                ["name"] = "PPO", ["base_command"] = "lt", ["run_name"] = $"tests.{id}", ["gpus"] = 1,
                ["flags"] = new JsonObject { ["trainer.losses.ppo.enabled"] = true },
            },
            ["axes"] = axes ?? new JsonObject { ["trainer.lr"] = new JsonArray(0.001, 0.0003, 0.0001), ["seed"] = new JsonArray(1, 2, 3, 4) },
            ["desired_state"] = desired,
        };
        if (extra is not null)
            foreach (var (key, value) in JsonSerializer.SerializeToNode(extra)!.AsObject())
                body[key] = value?.DeepClone();
        return body;
    }

    private async Task<List<JsonElement>> CellsAsync(string sweep) =>
        [.. (await _client.GetJsonAsync($"/api/experiments?sweep={sweep}")).GetProperty("experiments").EnumerateArray()];

    private Task<List<JsonElement>> WaitForCellsAsync(string sweep, Func<List<JsonElement>, bool> done, string what) =>
        Eventually.Until(async () =>
        {
            await (await _client.PostAsync("/api/refresh", null)).ExpectAsync(HttpStatusCode.Accepted);
            return await CellsAsync(sweep);
        }, done, $"{sweep}: {what}", TimeSpan.FromSeconds(30), cells => string.Join(", ", cells.Select(c => $"{c.Str("id")}={c.Str("current_state")}")));

    private static bool AllRunning(List<JsonElement> cells, int count) =>
        cells.Count == count && cells.All(c => c.Str("current_state") == "RUNNING");

    private async Task<List<JsonElement>> CreateRunningAsync(string id, JsonObject? axes = null, int count = 12)
    {
        await (await _client.PostJsonAsync("/api/sweeps", Body(id, axes))).ExpectAsync(HttpStatusCode.Created);
        return await WaitForCellsAsync(id, c => AllRunning(c, count), "every cell running");
    }

    private int LaunchesOf(string cell) => fx.Sky.Launches.Count(l => l.Cluster == $"skydeck-{cell}");

    [Fact]
    public async Task GivenA3x4Sweep_WhenCreated_Then201AndTwelveCellsCarryingTheSweep_IdenticalAgain200_Different409()
    {
        var id = fx.NewId("grid");

        var created = await (await _client.PostJsonAsync("/api/sweeps", Body(id), "alice")).ExpectAsync(HttpStatusCode.Created);
        Assert.Equal(12, created.GetProperty("changes").GetProperty("counts").GetProperty("create").GetInt32());
        Assert.Equal(12, created.GetProperty("sweep").GetProperty("cells").GetArrayLength());

        var cells = await WaitForCellsAsync(id, c => c.Count == 12, "twelve cells");
        Assert.All(cells, c => Assert.Equal(id, c.Str("sweep")));
        Assert.Contains(cells, c => c.Str("id") == $"{id}.seed1_lr0.001" && c.GetProperty("flags").GetProperty("trainer.lr").GetDouble() == 0.001);
        Assert.Equal(12, cells.Select(c => c.Str("id")).Distinct().Count());

        await (await _client.PostJsonAsync("/api/sweeps", Body(id))).ExpectAsync(HttpStatusCode.OK);
        await (await _client.PostJsonAsync("/api/sweeps", Body(id, desired: "STOPPED"))).ExpectProblemAsync(HttpStatusCode.Conflict);

        var sweep = await Eventually.Until(() => _client.GetJsonAsync($"/api/sweeps/{id}"), s => s.GetProperty("progress").GetProperty("open_orders").GetInt32() == 0, "orders done");
        Assert.Equal(12, sweep.GetProperty("progress").GetProperty("created").GetInt32());
        Assert.Equal("grid", sweep.Str("mode"));
        Assert.Contains((await _client.GetJsonAsync("/api/sweeps")).GetProperty("sweeps").EnumerateArray(), s => s.Str("id") == id);
    }

    [Fact]
    public async Task GivenAPreview_ThenTheCellsThatWouldBeCreated_AndNothingPersisted()
    {
        var id = fx.NewId("preview");

        var preview = await (await _client.PostJsonAsync("/api/sweeps/preview", Body(id))).ExpectAsync(HttpStatusCode.OK);

        Assert.True(preview.GetProperty("preview").GetBoolean());
        Assert.Equal(12, preview.GetProperty("changes").GetProperty("cells").GetArrayLength());
        await _client.GetJsonAsync($"/api/sweeps/{id}", HttpStatusCode.NotFound);
        Assert.Empty(await CellsAsync(id));
    }

    public static TheoryData<string, string> BadBodies() => new()
    {
        { """{"id":"s","template":{"base_command":"lt"},"axes":{"lr":[]}}""", "axes.lr" },
        { """{"id":"s","template":{"base_command":"lt"},"axes":{"a":[1,2,3,4,5,6,7,8],"b":[1,2,3,4,5,6,7,8]}}""", "axes" },
        { """{"id":"s","template":{"base_command":"lt"},"axes":{"lr":[1]},"mode":"random"}""", "mode" },
        { """{"id":"s","template":{"base_command":"lt"},"axes":{"bad key":[1]}}""", "axes.bad key" },
        { """{"id":"s","template":{"base_command":"lt"},"axes":{"lr":[{"x":1}]}}""", "axes.lr[0]" },
        { """{"id":"s","template":{"base_command":"lt"},"axes":{"lr":1}}""", "axes.lr" },
        { """{"id":"s","template":{"base_command":"lt"}}""", "axes" },
        { """{"id":"s","template":{"base_command":"lt","nodes":0},"axes":{"lr":[1]}}""", "template.nodes" },
        { """{"id":"s","template":{"base_command":"lt","colour":1},"axes":{"lr":[1]}}""", "template.colour" },
        { """{"id":"s","axes":{"lr":[1]}}""", "template.base_command" },
        { """{"id":"s.x","template":{"base_command":"lt"},"axes":{"lr":[1]}}""", "id" },
        { """{"template":{"base_command":"lt"},"axes":{"lr":[1]}}""", "id" },
        { """{"id":"s","template":{"base_command":"lt"},"axes":{"lr":[1]},"desired_state":"FAST"}""", "desired_state" },
        { """{"id":"s","template":{"base_command":"lt"},"axes":{"lr":[1]},"extra":1}""", "extra" },
        { """{"id":"s","template":{"base_command":"lt"},"axes":{"lr":[1],"lr.x":[2]}}""", "axes.lr" },
        { """{"id":"s","template":{"base_command":"lt"},"axes":{"lr":[1]},"budget":{"usd":-1}}""", "budget.usd" },
        { """{"id":"s","template":{"base_command":"lt"},"axes":{"lr":[1]},"budget":{"gpu_hours":"a"}}""", "budget.gpu_hours" },
        { """{"id":"s","template":{"base_command":"lt"},"axes":{"lr":[1]},"budget":{"hours":1}}""", "budget.hours" },
        { """{"id":"s","template":{"base_command":"lt"},"axes":{"lr":[1]},"budget":5}""", "budget" },
    };

    [Theory]
    [MemberData(nameof(BadBodies))]
    public async Task GivenBadInput_WhenCreatingOrPreviewing_Then400NamingTheField(string body, string field)
    {
        await (await _client.PostRawAsync("/api/sweeps", body)).ExpectProblemAsync(HttpStatusCode.BadRequest, field);
        await (await _client.PostRawAsync("/api/sweeps/preview", body)).ExpectProblemAsync(HttpStatusCode.BadRequest, field);
        await _client.GetJsonAsync("/api/sweeps/s", HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task GivenOneFailedCell_WhenRefilled_ThenOnlyThatCellRunsAgain()
    {
        var id = fx.NewId("refill");
        var cells = await CreateRunningAsync(id);
        var failing = cells[5];
        var job = failing.GetProperty("current_job");
        fx.Sky.SetJobStatus(job.Str("cluster"), job.GetProperty("sky_job_id").GetInt64(), SkyJobStatus.Failed);
        await WaitForCellsAsync(id, c => c.Count(x => x.Str("current_state") == "FAILED") == 1, "one cell failed");
        var launchesBefore = cells.ToDictionary(c => c.Str("id"), c => LaunchesOf(c.Str("id")));

        var preview = await (await _client.PostAsync($"/api/sweeps/{id}/refill/preview", null)).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(1, preview.GetProperty("changes").GetProperty("counts").GetProperty("restart").GetInt32());
        Assert.Equal(11, preview.GetProperty("changes").GetProperty("counts").GetProperty("unchanged").GetInt32());

        await (await _client.PostAsync($"/api/sweeps/{id}/refill", null)).ExpectAsync(HttpStatusCode.OK);
        await WaitForCellsAsync(id, c => AllRunning(c, 12), "the failed cell running again");

        Assert.All(cells, c => Assert.Equal(launchesBefore[c.Str("id")] + (c.Str("id") == failing.Str("id") ? 1 : 0), LaunchesOf(c.Str("id"))));
        var again = await (await _client.PostAsync($"/api/sweeps/{id}/refill", null)).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(0, again.GetProperty("changes").GetProperty("counts").GetProperty("restart").GetInt32());
    }

    [Fact]
    public async Task GivenASweep_WhenAnAxisIsExtended_ThenOnlyTheNewCellsAreCreated_AndRemovingAValueArchivesItsCells()
    {
        var id = fx.NewId("extend");
        var cells = await CreateRunningAsync(id);
        var launchesBefore = fx.Sky.Launches.Count;
        var extended = new JsonObject { ["axes"] = new JsonObject { ["trainer.lr"] = new JsonArray(0.001, 0.0003, 0.0001, 0.00003), ["seed"] = new JsonArray(1, 2, 3, 4) } };

        var preview = await (await _client.PatchJsonAsync($"/api/sweeps/{id}/preview", extended)).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(4, preview.GetProperty("changes").GetProperty("counts").GetProperty("create").GetInt32());
        Assert.Equal(12, preview.GetProperty("changes").GetProperty("counts").GetProperty("unchanged").GetInt32());
        Assert.Equal(12, (await CellsAsync(id)).Count);

        await (await _client.PatchJsonAsync($"/api/sweeps/{id}", extended)).ExpectAsync(HttpStatusCode.OK);
        var after = await WaitForCellsAsync(id, c => AllRunning(c, 16), "sixteen cells running");
        Assert.Equal(launchesBefore + 4, fx.Sky.Launches.Count);
        Assert.Equal(4, after.Count(c => c.Str("id").EndsWith("lr3em05", StringComparison.Ordinal)));

        var shrunk = new JsonObject { ["axes"] = new JsonObject { ["trainer.lr"] = new JsonArray(0.001, 0.0003, 0.0001), ["seed"] = new JsonArray(1, 2, 3, 4) } };
        var answer = await (await _client.PatchJsonAsync($"/api/sweeps/{id}", shrunk)).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(4, answer.GetProperty("changes").GetProperty("counts").GetProperty("archive").GetInt32());
        await Eventually.Until(async () => await CellsAsync(id), c => c.Count == 12, "archived cells deleted");
        var sweep = await _client.GetJsonAsync($"/api/sweeps/{id}");
        Assert.Equal(4, sweep.GetProperty("progress").GetProperty("archived").GetInt32());
        Assert.Equal(cells.Select(c => c.Str("id")).Order(), (await CellsAsync(id)).Select(c => c.Str("id")).Order());
    }

    [Fact]
    public async Task GivenATemplateEdit_ThenRunningCellsShowRestartToApply_AndACappedRestartRestartsThatMany()
    {
        var id = fx.NewId("tmpl");
        var axes = new JsonObject { ["seed"] = new JsonArray(1, 2, 3) };
        await CreateRunningAsync(id, axes, 3);

        var patch = new JsonObject { ["template"] = new JsonObject { ["flags"] = new JsonObject { ["trainer.losses.ppo.enabled"] = false } } };
        var answer = await (await _client.PatchJsonAsync($"/api/sweeps/{id}", patch)).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(3, answer.GetProperty("changes").GetProperty("counts").GetProperty("update").GetInt32());
        await WaitForCellsAsync(id, c => c.Count == 3 && c.All(x => x.GetProperty("needs_restart").GetBoolean()), "restart to apply");
        // A cell whose update the sweep has not yet recorded as answered is still busy: restart waits for it.
        await Eventually.Until(() => _client.GetJsonAsync($"/api/sweeps/{id}"), s => s.GetProperty("progress").GetProperty("open_orders").GetInt32() == 0, "updates recorded");

        var preview = await (await _client.PostAsync($"/api/sweeps/{id}/restart/preview?max=2", null)).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal((2, 1), (preview.GetProperty("changes").GetProperty("counts").GetProperty("restart").GetInt32(), preview.GetProperty("changes").GetProperty("remaining").GetInt32()));
        await (await _client.PostAsync($"/api/sweeps/{id}/restart?max=2", null)).ExpectAsync(HttpStatusCode.OK);
        var cells = await WaitForCellsAsync(id, c => c.Count(x => !x.GetProperty("needs_restart").GetBoolean() && x.Str("current_state") == "RUNNING") == 2, "two restarted");
        Assert.All(cells, c => Assert.False(c.GetProperty("flags").GetProperty("trainer.losses.ppo.enabled").GetBoolean()));
        await (await _client.PostAsync($"/api/sweeps/{id}/restart?max=0", null)).ExpectProblemAsync(HttpStatusCode.BadRequest, "max");
    }

    [Fact]
    public async Task GivenASweep_WhenItsStateChangesAndItIsDeletedAndRestored_ThenEveryCellFollows_AndTheEventsSaySo()
    {
        var id = fx.NewId("life");
        await (await _client.PostJsonAsync("/api/sweeps", Body(id, new JsonObject { ["seed"] = new JsonArray(1, 2) }, "STOPPED"))).ExpectAsync(HttpStatusCode.Created);
        await WaitForCellsAsync(id, c => c.Count == 2, "two cells");

        await (await _client.PostJsonAsync($"/api/sweeps/{id}/state", new JsonObject { ["desired_state"] = "TERMINATED" })).ExpectAsync(HttpStatusCode.OK);
        await WaitForCellsAsync(id, c => c.Count == 2 && c.All(x => x.Str("desired_state") == "TERMINATED"), "terminated");
        await (await _client.PostJsonAsync($"/api/sweeps/{id}/state", new JsonObject { ["desired_state"] = "nope" })).ExpectProblemAsync(HttpStatusCode.BadRequest, "desired_state");

        await (await _client.DeleteAsync($"/api/sweeps/{id}")).ExpectAsync(HttpStatusCode.OK);
        await Eventually.Until(() => CellsAsync(id), c => c.Count == 0, "cells deleted");
        Assert.DoesNotContain((await _client.GetJsonAsync("/api/sweeps")).GetProperty("sweeps").EnumerateArray(), s => s.Str("id") == id);
        await (await _client.PatchJsonAsync($"/api/sweeps/{id}", new JsonObject { ["name"] = "x" })).ExpectProblemAsync(HttpStatusCode.Conflict);

        await (await _client.PostAsync($"/api/sweeps/{id}/restore", null)).ExpectAsync(HttpStatusCode.OK);
        await Eventually.Until(() => CellsAsync(id), c => c.Count == 2, "cells restored");

        var events = (await _client.GetJsonAsync($"/api/sweeps/{id}/events")).GetProperty("events").EnumerateArray().Select(e => e.Str("type")).ToList();
        Assert.Equal("sweep_created", events[0]);
        Assert.Contains("sweep_changed", events);
        Assert.Contains("sweep_deleted", events);
        Assert.Contains("sweep_restored", events);
        Assert.Contains("sweep_orders_completed", events);
    }

    [Fact]
    public async Task GivenACellChangedOnItsOwn_ThenTheSweepShowsItDeviates()
    {
        var id = fx.NewId("dev");
        await (await _client.PostJsonAsync("/api/sweeps", Body(id, new JsonObject { ["seed"] = new JsonArray(1, 2) }, "STOPPED"))).ExpectAsync(HttpStatusCode.Created);
        var cells = await WaitForCellsAsync(id, c => c.Count == 2, "two cells");

        await (await _client.PatchJsonAsync($"/api/experiments/{cells[0].Str("id")}", new JsonObject { ["nodes"] = 2 })).ExpectAsync(HttpStatusCode.OK);

        var sweep = await _client.GetJsonAsync($"/api/sweeps/{id}");
        Assert.Equal(1, sweep.GetProperty("progress").GetProperty("deviating").GetInt32());
        Assert.True(sweep.GetProperty("cells").EnumerateArray().Single(c => c.Str("id") == cells[0].Str("id")).GetProperty("deviates").GetBoolean());
    }

    [Fact]
    public async Task GivenAnUnknownSweep_WhenAnyEndpointIsCalled_Then404()
    {
        const string id = "never-swept";
        foreach (var response in new[]
                 {
                     await _client.GetAsync($"/api/sweeps/{id}"),
                     await _client.GetAsync($"/api/sweeps/{id}/events"),
                     await _client.PatchJsonAsync($"/api/sweeps/{id}", new JsonObject { ["name"] = "x" }),
                     await _client.PatchJsonAsync($"/api/sweeps/{id}/preview", new JsonObject { ["name"] = "x" }),
                     await _client.PostJsonAsync($"/api/sweeps/{id}/state", new JsonObject { ["desired_state"] = "RUNNING" }),
                     await _client.PostAsync($"/api/sweeps/{id}/refill", null),
                     await _client.PostAsync($"/api/sweeps/{id}/restart", null),
                     await _client.DeleteAsync($"/api/sweeps/{id}"),
                     await _client.PostAsync($"/api/sweeps/{id}/restore", null),
                 })
            await response.ExpectProblemAsync(HttpStatusCode.NotFound);
        await (await _client.GetAsync("/api/experiments?sweep=bad.id")).ExpectProblemAsync(HttpStatusCode.BadRequest, "sweep");
    }

    [Fact]
    public async Task TheSweepEndpointsAreInOpenApi()
    {
        var paths = (await _client.GetJsonAsync("/openapi/v1.json")).GetProperty("paths");

        foreach (var path in new[] { "/api/sweeps", "/api/sweeps/preview", "/api/sweeps/{id}", "/api/sweeps/{id}/preview", "/api/sweeps/{id}/state", "/api/sweeps/{id}/refill", "/api/sweeps/{id}/refill/preview", "/api/sweeps/{id}/restart", "/api/sweeps/{id}/restore", "/api/sweeps/{id}/events" })
            Assert.True(paths.TryGetProperty(path, out _), path);
        Assert.True(paths.GetProperty("/api/sweeps").GetProperty("post").GetProperty("responses").TryGetProperty("409", out _));
    }

    [Fact]
    public async Task GivenASweepBudget_WhenCreatedAndPatched_ThenShownWithItsUse_AndBadValues400NamingTheField()
    {
        var id = fx.NewId("budget");
        var created = await (await _client.PostJsonAsync("/api/sweeps", Body(id, new JsonObject { ["seed"] = new JsonArray(1, 2) }, "STOPPED", new { budget = new { usd = 20 } })))
            .ExpectAsync(HttpStatusCode.Created);
        var sweep = created.GetProperty("sweep");
        Assert.Equal(20, sweep.GetProperty("budget").GetProperty("usd").GetDouble());
        Assert.Equal(JsonValueKind.Null, sweep.GetProperty("budget").GetProperty("gpu_hours").ValueKind);
        Assert.Equal(20, sweep.GetProperty("budget_remaining").GetProperty("usd").GetDouble());
        Assert.Equal(0, sweep.GetProperty("cost").GetProperty("gpu_hours").GetDouble());
        Assert.False(sweep.GetProperty("budget_reached").GetBoolean());

        var preview = await (await _client.PatchJsonAsync($"/api/sweeps/{id}/preview", new JsonObject { ["budget"] = new JsonObject { ["gpu_hours"] = 5 } })).ExpectAsync(HttpStatusCode.OK);
        Assert.True(preview.GetProperty("preview").GetBoolean());
        Assert.Equal(20, (await _client.GetJsonAsync($"/api/sweeps/{id}")).GetProperty("budget").GetProperty("usd").GetDouble());

        await (await _client.PatchJsonAsync($"/api/sweeps/{id}", new JsonObject { ["budget"] = new JsonObject { ["gpu_hours"] = 5 } })).ExpectAsync(HttpStatusCode.OK);
        var listed = (await _client.GetJsonAsync("/api/sweeps")).GetProperty("sweeps").EnumerateArray().Single(x => x.Str("id") == id);
        Assert.Equal(5, listed.GetProperty("budget").GetProperty("gpu_hours").GetDouble());
        Assert.Equal(JsonValueKind.Null, listed.GetProperty("budget").GetProperty("usd").ValueKind);
        Assert.Equal(JsonValueKind.Object, listed.GetProperty("cost").ValueKind);

        await (await _client.PatchJsonAsync($"/api/sweeps/{id}", new JsonObject { ["budget"] = new JsonObject { ["usd"] = 0 } })).ExpectProblemAsync(HttpStatusCode.BadRequest, "budget.usd");
        await (await _client.PatchJsonAsync($"/api/sweeps/{id}/preview", new JsonObject { ["budget"] = new JsonObject { ["gpu_hours"] = -2 } })).ExpectProblemAsync(HttpStatusCode.BadRequest, "budget.gpu_hours");
        await (await _client.PatchJsonAsync($"/api/sweeps/{id}", new JsonObject { ["budget"] = "lots" })).ExpectProblemAsync(HttpStatusCode.BadRequest, "budget");

        await (await _client.PatchJsonAsync($"/api/sweeps/{id}", new JsonObject { ["budget"] = null })).ExpectAsync(HttpStatusCode.OK);
        var cleared = await _client.GetJsonAsync($"/api/sweeps/{id}");
        Assert.Equal(JsonValueKind.Null, cleared.GetProperty("budget").ValueKind);
        var events = (await _client.GetJsonAsync($"/api/sweeps/{id}/events")).GetProperty("events").EnumerateArray().ToList();
        Assert.Equal(2, events.Count(e => e.Str("reason") == "budget changed"));
    }

    [Fact]
    public async Task GivenATinySweepBudget_WhenItsRunningCellsUseIt_ThenEveryCellIsStoppedWithBudgetReached_AndRaisingItAllowsStart()
    {
        var id = fx.NewId("tiny");
        // 0.001 GPU-h over two 1-GPU cells: about 2 s of their cluster time.
        await (await _client.PostJsonAsync("/api/sweeps", Body(id, new JsonObject { ["seed"] = new JsonArray(1, 2) }, "RUNNING", new { budget = new { gpu_hours = 0.001 } })))
            .ExpectAsync(HttpStatusCode.Created);

        var stopped = await Eventually.Until(() => _client.GetJsonAsync($"/api/sweeps/{id}"), s => s.GetProperty("budget_reached").GetBoolean(), $"{id} stopped by its budget", TimeSpan.FromSeconds(30));
        Assert.Equal("STOPPED", stopped.Str("desired_state"));
        Assert.True(stopped.GetProperty("cost").GetProperty("gpu_hours").GetDouble() >= 0.001);
        Assert.Equal(0, stopped.GetProperty("budget_remaining").GetProperty("gpu_hours").GetDouble());
        Assert.Contains("raise the budget to start again", stopped.Str("budget_message"));
        await WaitForCellsAsync(id, c => c.Count == 2 && c.All(x => x.Str("desired_state") == "STOPPED" && x.Str("current_state") == "STOPPED"), "every cell stopped");
        var reached = Assert.Single((await _client.GetJsonAsync($"/api/sweeps/{id}/events")).GetProperty("events").EnumerateArray(), e => e.Str("type") == "budget_reached");
        Assert.StartsWith("budget reached: ", reached.Str("reason"));
        Assert.Contains("/ 0.001 GPU-h", reached.Str("reason"));
        Assert.Equal("system", reached.Str("who"));

        await (await _client.PatchJsonAsync($"/api/sweeps/{id}", new JsonObject { ["budget"] = new JsonObject { ["gpu_hours"] = 1000 } })).ExpectAsync(HttpStatusCode.OK);
        var raised = await _client.GetJsonAsync($"/api/sweeps/{id}");
        Assert.Contains("Start runs it again", raised.Str("budget_message"));
        await (await _client.PostJsonAsync($"/api/sweeps/{id}/state", new JsonObject { ["desired_state"] = "RUNNING" })).ExpectAsync(HttpStatusCode.OK);
        await WaitForCellsAsync(id, c => AllRunning(c, 2), "running again under the raised budget");
        var running = await _client.GetJsonAsync($"/api/sweeps/{id}");
        Assert.Equal("RUNNING", running.Str("desired_state"));
        Assert.False(running.GetProperty("budget_reached").GetBoolean());
        Assert.Equal(JsonValueKind.Null, running.GetProperty("budget_message").ValueKind);
    }
}
