using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using SkyDeck.Host.Tests.Support;
using SkyDeck.Testing;

namespace SkyDeck.Host.Tests.Api;

/// <summary><c>GET /api/jobs</c> (every job, cursor, filters), <c>GET /api/costs</c>, and budgets over HTTP, against the scripted fake <c>sky</c>.</summary>
public sealed class JobsAndCostsTests(ApiFixture fx) : IClassFixture<ApiFixture>
{
    private readonly HttpClient _client = fx.Client;

    private async Task StartRunningAsync(string id, object? extra = null, string? user = null)
    {
        var body = JsonSerializer.SerializeToNode(extra ?? new { })!.AsObject();
        body["desired_state"] = "RUNNING";
        await fx.CreateAsync(id, body, user);
        await fx.WaitForAsync(id, e => e.GetProperty("current_job") is { ValueKind: JsonValueKind.Object } job && job.GetProperty("sky_job_id").ValueKind == JsonValueKind.Number,
            "a submitted job");
    }

    private static IEnumerable<JsonElement> Jobs(JsonElement page) => page.GetProperty("jobs").EnumerateArray();

    private async Task<List<JsonElement>> AllPagesAsync(string query, int limit, string? from = null)
    {
        var all = new List<JsonElement>();
        var after = from;
        do
        {
            var page = await _client.GetJsonAsync($"/api/jobs?limit={limit}{query}{(after is null ? "" : "&after=" + Uri.EscapeDataString(after))}");
            all.AddRange(Jobs(page));
            after = page.GetProperty("next").GetString();
        } while (after is not null);
        return all;
    }

    [Fact]
    public async Task GivenJobsOfSeveralExperiments_WhenPagedWhileANewJobStarts_ThenNewestFirstAndNoPageShifts()
    {
        var ids = new[] { fx.NewId("jobs"), fx.NewId("jobs"), fx.NewId("jobs") };
        foreach (var id in ids) await StartRunningAsync(id);

        var first = await _client.GetJsonAsync("/api/jobs?limit=2");
        var cursor = first.GetProperty("next").GetString()!;
        var late = fx.NewId("late");
        await StartRunningAsync(late);
        var rest = await AllPagesAsync("", 1, from: cursor);
        var all = Jobs(first).Concat(rest).ToList();

        var jobIds = all.Select(j => j.Str("job_id")).ToList();
        Assert.Equal(jobIds.Distinct().Count(), jobIds.Count);
        Assert.All(ids, id => Assert.Contains(jobIds, j => j.StartsWith($"skydeck-{id}-", StringComparison.Ordinal)));
        Assert.DoesNotContain(rest, j => j.Str("experiment_id") == late);
        var times = all.Select(j => j.GetProperty("requested_at").GetDateTimeOffset()).ToList();
        Assert.Equal(times.OrderByDescending(t => t), times);
        Assert.Equal(late, Jobs(await _client.GetJsonAsync("/api/jobs?limit=1")).Single().Str("experiment_id"));
    }

    [Fact]
    public async Task GivenFilters_WhenListed_ThenOnlyMatchingJobsCome()
    {
        var id = fx.NewId("filter");
        await StartRunningAsync(id);
        await StartRunningAsync(fx.NewId("other"));

        var byExperiment = await AllPagesAsync($"&experiment={id}", 50);
        var byCluster = await AllPagesAsync($"&cluster=skydeck-{id}", 50);
        var status = byExperiment.Single().Str("status");
        var byStatus = await AllPagesAsync($"&status={status.ToLowerInvariant()},LOST&experiment={id}", 50);
        var none = await AllPagesAsync($"&status=SUCCEEDED&experiment={id}", 50);

        Assert.Equal(id, byExperiment.Single().Str("experiment_id"));
        Assert.Equal(byExperiment.Select(j => j.Str("job_id")), byCluster.Select(j => j.Str("job_id")));
        Assert.Single(byStatus);
        Assert.Empty(none);
        Assert.Equal(1, byExperiment.Single().GetProperty("gpus_per_node").GetInt32());
        Assert.Equal("A100", byExperiment.Single().Str("accelerator"));
    }

    [Theory]
    [InlineData("limit=0", "limit")]
    [InlineData("limit=1001", "limit")]
    [InlineData("limit=ten", "limit")]
    [InlineData("after=not-a-cursor", "after")]
    [InlineData("after=MTIzfHNreWRlY2s", "after")]
    [InlineData("status=SPRINTING", "status")]
    [InlineData("status=,", "status")]
    [InlineData("experiment=", "experiment")]
    [InlineData("cluster=", "cluster")]
    public async Task GivenABadParameter_WhenJobsAreListed_Then400NamingIt(string query, string field)
    {
        await (await _client.GetAsync($"/api/jobs?{query}")).ExpectProblemAsync(HttpStatusCode.BadRequest, field);
    }

    [Fact]
    public async Task GivenARunningExperiment_WhenCostsAreAsked_ThenItsGpuHoursGrowAndAreGroupedByExperimentUserAndDay()
    {
        var id = fx.NewId("cost");
        await StartRunningAsync(id, user: "carol");

        var row = await fx.WaitForAsync(id, e => e.GetProperty("cost").GetProperty("gpu_hours").GetDouble() > 0, "GPU-hours counted");
        var byExperiment = await _client.GetJsonAsync("/api/costs?group_by=experiment");
        var byUser = await _client.GetJsonAsync("/api/costs?group_by=user");
        var byDay = await _client.GetJsonAsync($"/api/costs?group_by=day&from={DateTime.UtcNow:yyyy-MM-dd}");
        var before = await _client.GetJsonAsync("/api/costs?to=2020-01-01T00:00:00Z");

        Assert.Equal(1, row.GetProperty("cost").GetProperty("gpus_accruing").GetDouble());
        Assert.Equal(4.10, row.GetProperty("cost").GetProperty("usd_per_hour").GetDouble());   // A100's default list price
        Assert.True(row.GetProperty("cost").GetProperty("usd").GetDouble() > 0);
        Assert.Contains(byExperiment.GetProperty("groups").EnumerateArray(), g => g.Str("key") == id && g.GetProperty("gpu_hours").GetDouble() > 0);
        Assert.Contains(byUser.GetProperty("groups").EnumerateArray(), g => g.Str("key") == "carol");
        Assert.Contains(byDay.GetProperty("groups").EnumerateArray(), g => g.Str("key") == DateTime.UtcNow.ToString("yyyy-MM-dd"));
        Assert.Equal(0, before.GetProperty("total").GetProperty("gpu_hours").GetDouble());
        Assert.Empty(before.GetProperty("groups").EnumerateArray());
    }

    [Fact]
    public async Task GivenARunningSweepCell_WhenCostsAreGroupedBySweepAndJobsFilteredBySweep_ThenTheSweepHasItsTotalAndJobs()
    {
        var sweep = fx.NewId("csw").Replace(".", "", StringComparison.Ordinal);
        var body = $$"""{"id": "{{sweep}}", "template": {"base_command": "python train.py", "gpus": 2}, "axes": {"seed": [1]}, "desired_state": "RUNNING"}""";
        var created = await _client.PostAsync("/api/sweeps", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);

        var costs = await Eventually.Until(() => _client.GetJsonAsync("/api/costs?group_by=sweep"),
            c => c.GetProperty("groups").EnumerateArray().Any(g => g.Str("key") == sweep && g.GetProperty("gpu_hours").GetDouble() > 0),
            $"sweep {sweep} costing GPU-hours");
        var jobs = await Eventually.Until(() => _client.GetJsonAsync($"/api/jobs?sweep={sweep}"), p => Jobs(p).Any(), $"jobs of sweep {sweep}");

        Assert.Contains(costs.GetProperty("groups").EnumerateArray(), g => g.Str("key") == sweep);
        Assert.All(Jobs(jobs), j => Assert.StartsWith(sweep + ".", j.Str("experiment_id")));
        await _client.PostAsync($"/api/sweeps/{sweep}/state", new StringContent("""{"desired_state": "STOPPED"}""", System.Text.Encoding.UTF8, "application/json"));
    }

    [Theory]
    [InlineData("group_by=sweepstakes", "group_by")]
    [InlineData("from=yesterday", "from")]
    [InlineData("to=2026-13-01", "to")]
    [InlineData("from=2026-12-02&to=2026-12-01", "from")]
    public async Task GivenABadParameter_WhenCostsAreAsked_Then400NamingIt(string query, string field)
    {
        await (await _client.GetAsync($"/api/costs?{query}")).ExpectProblemAsync(HttpStatusCode.BadRequest, field);
    }

    [Fact]
    public async Task GivenATinyBudget_WhenItIsUsedUp_ThenStoppedWithBudgetReachedAndRaisingItStartsAgain()
    {
        var id = fx.NewId("budget");
        await fx.CreateAsync(id, new { desired_state = "RUNNING", budget = new { gpu_hours = 0.0002 } });

        var stopped = await fx.WaitForAsync(id, e => e.GetProperty("budget_reached").GetBoolean(), "stopped by its budget", TimeSpan.FromSeconds(30));
        var events = await _client.GetJsonAsync($"/api/experiments/{id}/events");
        var patched = await (await _client.PatchJsonAsync($"/api/experiments/{id}",
            new JsonObject { ["budget"] = new JsonObject { ["gpu_hours"] = 1000 }, ["desired_state"] = "RUNNING" })).ExpectAsync(HttpStatusCode.OK);

        Assert.Equal("STOPPED", stopped.Str("desired_state"));
        Assert.StartsWith("budget reached: 0.000", stopped.Str("message"));
        Assert.EndsWith("/ 0.0002 GPU-h", stopped.Str("message"));
        var reached = events.GetProperty("events").EnumerateArray().Single(e => e.Str("type") == "budget_reached");
        Assert.Equal("system", reached.Str("who"));
        Assert.Equal("RUNNING", patched.Str("desired_state"));
        Assert.False(patched.GetProperty("budget_reached").GetBoolean());
        Assert.Equal(1000, patched.GetProperty("budget").GetProperty("gpu_hours").GetDouble());
        Assert.Equal(stopped.GetProperty("generation").GetInt32(), patched.GetProperty("generation").GetInt32());
    }

    [Theory]
    [InlineData("{\"budget\":5}", "budget")]
    [InlineData("{\"budget\":{\"gpu_hours\":-1}}", "budget.gpu_hours")]
    [InlineData("{\"budget\":{\"usd\":\"ten\"}}", "budget.usd")]
    [InlineData("{\"budget\":{\"hours\":1}}", "budget.hours")]
    public async Task GivenABadBudget_WhenPatched_Then400NamingTheField(string raw, string field)
    {
        var id = fx.NewId("badbudget");
        var created = await fx.CreateAsync(id);

        await (await _client.SendAsync(Http.Request(HttpMethod.Patch, $"/api/experiments/{id}", Http.Json(raw), null))).ExpectProblemAsync(HttpStatusCode.BadRequest, field);

        Assert.Equal(created.GetRawText(), (await fx.GetAsync(id)).GetRawText());
    }

    [Fact]
    public async Task GivenABudgetAtCreate_WhenClearedWithNull_ThenNoBudget()
    {
        var id = fx.NewId("clear");
        var created = await fx.CreateAsync(id, new { budget = new { usd = 25.5 } });

        var cleared = await (await _client.PatchJsonAsync($"/api/experiments/{id}", new JsonObject { ["budget"] = null })).ExpectAsync(HttpStatusCode.OK);

        Assert.Equal(25.5, created.GetProperty("budget").GetProperty("usd").GetDouble());
        Assert.Equal(JsonValueKind.Null, cleared.GetProperty("budget").ValueKind);
    }
}
