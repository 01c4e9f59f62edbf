using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using SkyDeck.Actors.Core;
using SkyDeck.Actors.SkyPilot;
using SkyDeck.Host.Api;
using SkyDeck.Host.Tests.Support;
using SkyDeck.Testing;

namespace SkyDeck.Host.Tests.Api;

/// <summary>The logs endpoint (live, kept, none; bad input), each job's failure class and the retry policy over HTTP.</summary>
public sealed class LogsAndRetryTests : IDisposable
{
    private readonly TempDatabase _database = new();
    private readonly ScriptedSkyGateway _sky = ScriptedSkyGateway.WithFakeCloud();

    public void Dispose() => _database.Dispose();

    private static SkyCall<LogTail> Output(params string[] lines) =>
        SkyCall<LogTail>.Ok(SkyLogsParser.Parse(string.Join('\n', lines), 1000));

    private static async Task<JsonElement> LaunchedAsync(HttpClient client, string id)
    {
        await (await client.PostJsonAsync("/api/experiments", Http.NewExperiment(id, new { desired_state = "RUNNING" }))).ExpectAsync(HttpStatusCode.Created);
        return await Eventually.Until(() => client.GetJsonAsync($"/api/experiments/{id}"),
            e => e.GetProperty("current_job") is { ValueKind: JsonValueKind.Object } j && j.GetProperty("sky_job_id").ValueKind == JsonValueKind.Number, $"{id} launched");
    }

    [Fact]
    public async Task GivenARunningJob_WhenItsLogsAreAskedFor_ThenTheLastLinesComeLiveFromSkyPilot()
    {
        _sky.OnLogs = (_, _, tail) => Output("Tailing logs of job 1 on cluster 'skydeck-logs'...", "(t, pid=1) step 1", "(t, pid=1) step 2", "(t, pid=1) step 3");
        await using var app = new SkyDeckApp(_database.Path, _sky);
        using var client = app.Client();
        var job = (await LaunchedAsync(client, "logs")).GetProperty("current_job").Str("job_id");

        var log = await client.GetJsonAsync($"/api/experiments/logs/jobs/{job}/logs?tail=2");

        Assert.Equal("live", log.Str("source"));
        Assert.Equal(["(t, pid=1) step 2", "(t, pid=1) step 3"], log.GetProperty("lines").EnumerateArray().Select(l => l.GetString()!).ToArray());
        Assert.True(log.GetProperty("truncated").GetBoolean());
    }

    [Theory]
    [InlineData("tail=-1", "tail")]
    [InlineData("tail=0", "tail")]
    [InlineData("tail=1001", "tail")]
    [InlineData("tail=ten", "tail")]
    [InlineData("follow=maybe", "follow")]
    public async Task GivenBadQueryParameters_WhenLogsAreAskedFor_Then400NamesTheParameter(string query, string field)
    {
        await using var app = new SkyDeckApp(_database.Path, _sky);
        using var client = app.Client();
        var job = (await LaunchedAsync(client, "bad")).GetProperty("current_job").Str("job_id");

        await (await client.GetAsync($"/api/experiments/bad/jobs/{job}/logs?{query}")).ExpectProblemAsync(HttpStatusCode.BadRequest, field);
    }

    [Fact]
    public async Task GivenAnUnknownJobOrExperiment_WhenLogsAreAskedFor_Then404()
    {
        await using var app = new SkyDeckApp(_database.Path, _sky);
        using var client = app.Client();
        await LaunchedAsync(client, "known");

        await (await client.GetAsync("/api/experiments/known/jobs/skydeck-known-g1-99/logs")).ExpectProblemAsync(HttpStatusCode.NotFound);
        await (await client.GetAsync("/api/experiments/nobody/jobs/skydeck-nobody-g1-1/logs")).ExpectProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task GivenAJobThatFailsWithExit1_WhenItsClusterIsTornDown_ThenItsClassExitCodeAndKeptTailRemain()
    {
        _sky.OnLogs = (_, _, _) => Output("(t, pid=1) Traceback", "(t, pid=1) ValueError: bad batch", "ERROR: Job 1 failed with return code list: [1]", "✓ Job finished (status: FAILED).");
        await using var app = new SkyDeckApp(_database.Path, _sky, new Dictionary<string, string> { ["SKYDECK_MAX_RESTARTS"] = "0" });
        using var client = app.Client();
        var job = (await LaunchedAsync(client, "crash")).GetProperty("current_job");

        _sky.SetJobStatus("skydeck-crash", job.GetProperty("sky_job_id").GetInt64(), SkyJobStatus.Failed);
        await client.PostAsync("/api/refresh", null);
        var failed = await Eventually.Until(() => client.GetJsonAsync("/api/experiments/crash"),
            e => e.Str("current_state") == "FAILED" && e.GetProperty("current_job").Str("log") == "kept", "the failure classified and its tail kept");
        var current = failed.GetProperty("current_job");
        Assert.Equal(("user_error", 1), (current.Str("failure_class"), current.GetProperty("exit_code").GetInt32()));
        Assert.Equal("user_error", Assert.Single(failed.GetProperty("attempts").EnumerateArray()).Str("outcome"));
        Assert.Contains("gave up", failed.Str("message"));

        await (await client.PostJsonAsync("/api/experiments/crash/state", new JsonObject { ["desired_state"] = "TERMINATED" })).ExpectAsync(HttpStatusCode.OK);
        await Eventually.Until(() => _sky.ClusterStatus("skydeck-crash") is null, "the cluster torn down");
        var logCallsBefore = _sky.LogCalls;

        var log = await client.GetJsonAsync($"/api/experiments/crash/jobs/{current.Str("job_id")}/logs?tail=2");
        Assert.Equal("kept", log.Str("source"));
        Assert.Equal(["ERROR: Job 1 failed with return code list: [1]", "✓ Job finished (status: FAILED)."], log.GetProperty("lines").EnumerateArray().Select(l => l.GetString()!).ToArray());
        Assert.Equal(1, log.GetProperty("exit_code").GetInt32());
        Assert.Equal(logCallsBefore, _sky.LogCalls);
        var events = await client.GetJsonAsync("/api/experiments/crash/events");
        Assert.Contains(events.GetProperty("events").EnumerateArray(), e => e.Str("type") == "retries_stopped");
    }

    [Fact]
    public async Task GivenARetryPolicy_WhenCreatedPatchedAndCleared_ThenTheExperimentCarriesIt()
    {
        await using var app = new SkyDeckApp(_database.Path, _sky);
        using var client = app.Client();
        var created = await (await client.PostJsonAsync("/api/experiments", Http.NewExperiment("policy", new
        {
            retry = new { max_restarts_on_errors = 2, recover_on_exit_codes = new[] { 137 }, on_preemption = "never" },
        }))).ExpectAsync(HttpStatusCode.Created);
        Assert.Equal(2, created.GetProperty("retry").GetProperty("max_restarts_on_errors").GetInt32());
        Assert.Equal("never", created.GetProperty("retry").Str("on_preemption"));
        Assert.Equal(2, created.GetProperty("max_restarts").GetInt32());

        var patched = await (await client.PatchJsonAsync("/api/experiments/policy", new JsonObject { ["retry"] = new JsonObject { ["recover_on_exit_codes"] = new JsonArray(1, 137) } })).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal([1, 137], patched.GetProperty("retry").GetProperty("recover_on_exit_codes").EnumerateArray().Select(c => c.GetInt32()).ToArray());
        Assert.Equal("always", patched.GetProperty("retry").Str("on_preemption"));
        Assert.Equal(3, patched.GetProperty("max_restarts").GetInt32());

        var cleared = await (await client.PatchJsonAsync("/api/experiments/policy", new JsonObject { ["retry"] = null })).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(JsonValueKind.Null, cleared.TryGetProperty("retry", out var r) ? r.ValueKind : JsonValueKind.Null);
    }

    [Theory]
    [InlineData("""{"max_restarts_on_errors": -1}""", "retry.max_restarts_on_errors")]
    [InlineData("""{"max_restarts_on_errors": "3"}""", "retry.max_restarts_on_errors")]
    [InlineData("""{"recover_on_exit_codes": [0]}""", "retry.recover_on_exit_codes")]
    [InlineData("""{"recover_on_exit_codes": ["137"]}""", "retry.recover_on_exit_codes")]
    [InlineData("""{"on_preemption": "sometimes"}""", "retry.on_preemption")]
    [InlineData("""{"max_retries": 3}""", "retry.max_retries")]
    [InlineData("""[3]""", "retry")]
    public async Task GivenABadRetryPolicy_WhenCreated_Then400NamesTheField(string retry, string field)
    {
        await using var app = new SkyDeckApp(_database.Path, _sky);
        using var client = app.Client();
        var body = Http.NewExperiment("bad_policy");
        body["retry"] = JsonNode.Parse(retry);

        await (await client.PostJsonAsync("/api/experiments", body)).ExpectProblemAsync(HttpStatusCode.BadRequest, field);
    }

    [Theory]
    [InlineData(new[] { "a", "b", "c" }, new[] { "b", "c", "d", "e" }, new[] { "d", "e" })]
    [InlineData(new[] { "a", "b" }, new[] { "a", "b" }, new string[0])]
    [InlineData(new[] { "x", "x" }, new[] { "x", "x", "x" }, new[] { "x" })]
    [InlineData(new[] { "a" }, new[] { "q", "r" }, new[] { "q", "r" })]
    [InlineData(new string[0], new[] { "a" }, new[] { "a" })]
    public void GivenTwoTailsOfOneLog_WhenFollowed_ThenOnlyTheNewLinesAreSent(string[] previous, string[] current, string[] expected)
    {
        Assert.Equal(expected, LogEndpoints.NewLines(previous, current));
    }
}
