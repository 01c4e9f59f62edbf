using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using SkyDeck.Actors.Core;
using SkyDeck.Actors.Experiments;
using SkyDeck.Host.Tests.Support;
using SkyDeck.Testing;

namespace SkyDeck.Host.Tests.Api;

/// <summary>
/// <c>GET/PATCH/DELETE /api/experiments/{id}</c>, <c>restore</c>, <c>state</c>, <c>flags</c>, <c>status</c>, <c>jobs</c>
/// and <c>POST /api/jobs/{job_id}/cancel</c>, against the scripted fake <c>sky</c>.
/// </summary>
public sealed class ExperimentLifecycleTests(ApiFixture fx) : IClassFixture<ApiFixture>
{
    private readonly HttpClient _client = fx.Client;

    private async Task<JsonElement> StartRunningAsync(string id)
    {
        await fx.CreateAsync(id, new { desired_state = "RUNNING" });
        return await fx.WaitForAsync(id, e => e.GetProperty("current_job") is { ValueKind: JsonValueKind.Object } job && job.GetProperty("sky_job_id").ValueKind == JsonValueKind.Number,
            "a submitted job");
    }

    [Fact]
    public async Task GivenAnUnknownId_WhenAnyExperimentEndpointIsCalled_Then404ProblemNamingIt()
    {
        var id = "never-created";
        var patch = new JsonObject { ["name"] = "x" };

        foreach (var response in new[]
                 {
                     await _client.GetAsync($"/api/experiments/{id}"),
                     await _client.PatchJsonAsync($"/api/experiments/{id}", patch),
                     await _client.DeleteAsync($"/api/experiments/{id}"),
                     await _client.PostAsync($"/api/experiments/{id}/restore", null),
                     await _client.PostAsync($"/api/experiments/{id}/restart", null),
                     await _client.PostJsonAsync($"/api/experiments/{id}/state", new JsonObject { ["desired_state"] = "RUNNING" }),
                     await _client.PostJsonAsync($"/api/experiments/{id}/flags", new JsonObject { ["flags"] = new JsonObject() }),
                     await _client.GetAsync($"/api/experiments/{id}/status"),
                     await _client.GetAsync($"/api/experiments/{id}/jobs"),
                     await _client.GetAsync($"/api/experiments/{id}/events"),
                     await _client.GetAsync($"/api/experiments/{id}/history?at=2026-01-01T00:00:00Z"),
                 })
        {
            await response.ExpectProblemAsync(HttpStatusCode.NotFound);
        }
    }

    [Fact]
    public async Task GivenAVeryLongOrOddId_WhenFetched_Then404WithATruncatedDetail()
    {
        var id = new string('z', 5000);

        var problem = await (await _client.GetAsync($"/api/experiments/{id}")).ExpectProblemAsync(HttpStatusCode.NotFound);

        Assert.True(problem.Str("detail").Length < 200, problem.Str("detail"));
        await (await _client.GetAsync("/api/experiments/..%2F..%2Fetc%2Fpasswd")).ExpectProblemAsync(HttpStatusCode.NotFound);
        await (await _client.GetAsync("/api/experiments/%E5%AE%9E%E9%AA%8C")).ExpectProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task GivenAnExperiment_WhenPatched_ThenOnlyTheGivenFieldsChangeAndGenerationBumps()
    {
        var id = fx.NewId("patch");
        var created = await fx.CreateAsync(id, new { description = "before", accelerator = "H100" });

        var patched = await (await _client.PatchJsonAsync($"/api/experiments/{id}", new JsonObject { ["nodes"] = 2, ["description"] = "after" }))
            .ExpectAsync(HttpStatusCode.OK);

        Assert.Equal(2, patched.GetProperty("nodes").GetInt32());
        Assert.Equal("after", patched.Str("description"));
        Assert.Equal("H100", patched.Str("accelerator"));
        Assert.Equal(created.Str("name"), patched.Str("name"));
        Assert.Equal(created.GetProperty("flags").GetRawText(), patched.GetProperty("flags").GetRawText());
        Assert.Equal(2, patched.GetProperty("generation").GetInt32());
        Assert.Equal(patched.GetRawText(), (await fx.GetAsync(id)).GetRawText());
    }

    [Fact]
    public async Task GivenAnExperiment_WhenPatchedWithNullForAnOptionalField_ThenItIsCleared()
    {
        var id = fx.NewId("clear");
        await fx.CreateAsync(id, new { accelerator = "H100", group = "sweep" });

        var patched = await (await _client.PatchJsonAsync($"/api/experiments/{id}", new JsonObject { ["accelerator"] = null, ["group"] = null }))
            .ExpectAsync(HttpStatusCode.OK);

        Assert.Equal(JsonValueKind.Null, patched.GetProperty("accelerator").ValueKind);
        Assert.Equal(JsonValueKind.Null, patched.GetProperty("group").ValueKind);
    }

    [Fact]
    public async Task GivenAnExperiment_WhenPatchedWithoutAnOptionalField_ThenItIsKept()
    {
        var id = fx.NewId("keep");
        await fx.CreateAsync(id, new { accelerator = "H100", group = "sweep" });

        var patched = await (await _client.PatchJsonAsync($"/api/experiments/{id}", new JsonObject { ["gpus"] = 2 })).ExpectAsync(HttpStatusCode.OK);

        Assert.Equal("H100", patched.Str("accelerator"));
        Assert.Equal("sweep", patched.Str("group"));
    }

    [Fact]
    public async Task GivenAnExperiment_WhenPatchedWithNothingNew_Then200AndGenerationStays()
    {
        var id = fx.NewId("noop");
        var created = await fx.CreateAsync(id);

        var patched = await (await _client.PatchJsonAsync($"/api/experiments/{id}", new JsonObject { ["nodes"] = 1 })).ExpectAsync(HttpStatusCode.OK);

        Assert.Equal(1, patched.GetProperty("generation").GetInt32());
        Assert.Equal(created.GetProperty("version").GetInt64(), patched.GetProperty("version").GetInt64());
    }

    [Theory]
    [InlineData("id", "\"other\"")]
    [InlineData("nodes", "\"2\"")]
    [InlineData("gpus", "65")]
    [InlineData("flags", "{\"a\":[1]}")]
    [InlineData("desired_state", "\"PAUSED\"")]
    [InlineData("base_command", "\"\"")]
    [InlineData("colour", "\"blue\"")]
    public async Task GivenABadPatch_WhenSent_Then400NamingTheFieldAndNothingChanges(string field, string json)
    {
        var id = fx.NewId("badpatch");
        var created = await fx.CreateAsync(id);

        var response = await _client.PatchJsonAsync($"/api/experiments/{id}", new JsonObject { [field] = JsonNode.Parse(json) });

        var problem = await response.ExpectProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains(problem.GetProperty("errors").EnumerateObject(), e => e.Name == field || e.Name.StartsWith(field + ".", StringComparison.Ordinal));
        Assert.Equal(created.GetRawText(), (await fx.GetAsync(id)).GetRawText());
    }

    [Fact]
    public async Task GivenABadPatchBody_WhenSent_Then415Or400()
    {
        var id = fx.NewId("patchbody");
        await fx.CreateAsync(id);

        await (await _client.SendAsync(Http.Request(HttpMethod.Patch, $"/api/experiments/{id}", Http.Json("{\"nodes\":2}", "text/plain"), null)))
            .ExpectProblemAsync(HttpStatusCode.UnsupportedMediaType);
        await (await _client.SendAsync(Http.Request(HttpMethod.Patch, $"/api/experiments/{id}", Http.Json("[1]"), null)))
            .ExpectProblemAsync(HttpStatusCode.BadRequest, "body");
        await (await _client.SendAsync(Http.Request(HttpMethod.Patch, $"/api/experiments/{id}", Http.Json("{nodes:2}"), null)))
            .ExpectProblemAsync(HttpStatusCode.BadRequest, "body");
    }

    [Fact]
    public async Task GivenAPatchWithDesiredState_WhenSent_ThenSpecAndStateChangeTogether()
    {
        var id = fx.NewId("patchstate");
        await fx.CreateAsync(id);

        var patched = await (await _client.PatchJsonAsync($"/api/experiments/{id}", new JsonObject { ["gpus"] = 2, ["desired_state"] = "TERMINATED" }))
            .ExpectAsync(HttpStatusCode.OK);

        Assert.Equal(2, patched.GetProperty("gpus").GetInt32());
        Assert.Equal("TERMINATED", patched.Str("desired_state"));
    }

    [Fact]
    public async Task GivenAnExperiment_WhenDeletedAndRestored_ThenDeletedFlagFollowsAndBothAreIdempotent()
    {
        var id = fx.NewId("delete");
        await fx.CreateAsync(id);

        var deleted = await (await _client.DeleteAsync($"/api/experiments/{id}")).ExpectAsync(HttpStatusCode.OK);
        var deletedAgain = await (await _client.DeleteAsync($"/api/experiments/{id}")).ExpectAsync(HttpStatusCode.OK);
        Assert.True(deleted.GetProperty("deleted").GetBoolean());
        Assert.True(deletedAgain.GetProperty("deleted").GetBoolean());
        Assert.True((await fx.GetAsync(id)).GetProperty("deleted").GetBoolean());
        await (await _client.PatchJsonAsync($"/api/experiments/{id}", new JsonObject { ["nodes"] = 3 })).ExpectProblemAsync(HttpStatusCode.Conflict);
        await (await _client.PostJsonAsync($"/api/experiments/{id}/state", new JsonObject { ["desired_state"] = "RUNNING" })).ExpectProblemAsync(HttpStatusCode.Conflict);

        var restored = await (await _client.PostAsync($"/api/experiments/{id}/restore", null)).ExpectAsync(HttpStatusCode.OK);
        var restoredAgain = await (await _client.PostAsync($"/api/experiments/{id}/restore", null)).ExpectAsync(HttpStatusCode.OK);

        Assert.False(restored.GetProperty("deleted").GetBoolean());
        Assert.False(restoredAgain.GetProperty("deleted").GetBoolean());
        var types = (await _client.GetJsonAsync($"/api/experiments/{id}/events")).GetProperty("events").EnumerateArray().Select(e => e.Str("type")).ToList();
        Assert.Single(types, t => t == "experiment_deleted");
        Assert.Single(types, t => t == "experiment_restored");
    }

    [Fact]
    public async Task GivenAStoppedExperiment_WhenSetToRunning_ThenTheFakeSkyLaunchesOneJobAndItShowsInJobsAndStatus()
    {
        var id = fx.NewId("start");
        await fx.CreateAsync(id);

        var accepted = await (await _client.PostJsonAsync($"/api/experiments/{id}/state", new JsonObject { ["desired_state"] = "running", ["reason"] = "go" }))
            .ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("RUNNING", accepted.Str("desired_state"));

        var running = await fx.WaitForAsync(id, e => e.Str("current_state") is "PENDING" or "RUNNING" && e.GetProperty("current_job").ValueKind == JsonValueKind.Object, "launched");
        var job = running.GetProperty("current_job");
        Assert.Equal($"skydeck-{id}-g1-1", job.Str("job_id"));
        Assert.Equal("SUBMITTED", job.Str("phase"));
        Assert.Single(fx.Sky.Launches, l => l.Cluster == $"skydeck-{id}");

        var jobs = await _client.GetJsonAsync($"/api/experiments/{id}/jobs");
        Assert.Equal(job.Str("job_id"), Assert.Single(jobs.GetProperty("jobs").EnumerateArray()).Str("job_id"));
        var status = await _client.GetJsonAsync($"/api/experiments/{id}/status");
        Assert.Equal(id, status.GetProperty("experiment").Str("id"));
        Assert.Equal(job.Str("job_id"), status.GetProperty("current_job").Str("job_id"));
        Assert.Single(status.GetProperty("recent_jobs").EnumerateArray());

        var stateEvent = (await _client.GetJsonAsync($"/api/experiments/{id}/events")).GetProperty("events").EnumerateArray()
            .Single(e => e.Str("type") == "desired_state_changed");
        Assert.Equal("go", stateEvent.Str("reason"));
    }

    [Theory]
    [InlineData("""{"desired_state":"SPRINTING"}""", "desired_state")]
    [InlineData("""{"desired_state":""}""", "desired_state")]
    [InlineData("""{"desired_state":1}""", "desired_state")]
    [InlineData("""{"desired_state":null}""", "desired_state")]
    [InlineData("""{}""", "desired_state")]
    [InlineData("""{"state":"RUNNING"}""", "state")]
    [InlineData("""{"desired_state":"RUNNING","reason":5}""", "reason")]
    public async Task GivenABadStateBody_WhenPosted_Then400NamingTheField(string raw, string field)
    {
        var id = fx.NewId("badstate");
        var created = await fx.CreateAsync(id);

        await (await _client.PostRawAsync($"/api/experiments/{id}/state", raw)).ExpectProblemAsync(HttpStatusCode.BadRequest, field);

        Assert.Equal(created.GetRawText(), (await fx.GetAsync(id)).GetRawText());
    }

    [Fact]
    public async Task GivenAReasonOver500Characters_WhenStateIsPosted_Then400NamingReason()
    {
        var id = fx.NewId("reason");
        await fx.CreateAsync(id);

        var body = new JsonObject { ["desired_state"] = "TERMINATED", ["reason"] = new string('r', 501) };

        await (await _client.PostJsonAsync($"/api/experiments/{id}/state", body)).ExpectProblemAsync(HttpStatusCode.BadRequest, "reason");
        await (await _client.PostRawAsync($"/api/experiments/{id}/state", "{\"desired_state\":\"RUNNING\"}", "text/plain")).ExpectProblemAsync(HttpStatusCode.UnsupportedMediaType);
    }

    [Fact]
    public async Task GivenAStoppedExperiment_WhenFlagsAreReplaced_ThenGenerationBumpsWithoutRestartNotice()
    {
        var id = fx.NewId("flags");
        await fx.CreateAsync(id);

        var updated = await (await _client.PostJsonAsync($"/api/experiments/{id}/flags", new JsonObject { ["flags"] = new JsonObject { ["trainer.lr"] = 0.01 } }))
            .ExpectAsync(HttpStatusCode.OK);

        Assert.Equal(2, updated.GetProperty("generation").GetInt32());
        Assert.Equal(["trainer.lr"], updated.GetProperty("flags").EnumerateObject().Select(p => p.Name));
        Assert.False(updated.GetProperty("needs_restart").GetBoolean());
    }

    [Fact]
    public async Task GivenARunningJob_WhenFlagsAreReplaced_ThenNeedsRestartAndMessageSayRestartToApply()
    {
        var id = fx.NewId("hot");
        var running = await StartRunningAsync(id);
        var jobId = running.GetProperty("current_job").Str("job_id");

        var updated = await (await _client.PostJsonAsync($"/api/experiments/{id}/flags", new JsonObject { ["flags"] = new JsonObject { ["trainer.lr"] = 0.5 } }))
            .ExpectAsync(HttpStatusCode.OK);

        Assert.Equal(2, updated.GetProperty("generation").GetInt32());
        var settled = await fx.WaitForAsync(id, e => e.GetProperty("needs_restart").GetBoolean(), "needs_restart");
        Assert.Contains("restart to apply", settled.Str("message"));
        Assert.Equal(jobId, settled.GetProperty("current_job").Str("job_id"));
        Assert.Equal(1, settled.GetProperty("current_job").GetProperty("generation").GetInt32());
        Assert.Single(fx.Sky.Launches, l => l.Cluster == $"skydeck-{id}");
    }

    [Fact]
    public async Task GivenFlagsChangedWhileRunning_WhenRestarted_ThenTheOldJobIsCancelledAndTheNewGenerationRunsWithoutTheNotice()
    {
        var id = fx.NewId("restart");
        var running = await StartRunningAsync(id);
        var oldJob = running.GetProperty("current_job").Str("job_id");
        await (await _client.PostJsonAsync($"/api/experiments/{id}/flags", new JsonObject { ["flags"] = new JsonObject { ["trainer.lr"] = 0.5 } }))
            .ExpectAsync(HttpStatusCode.OK);

        var accepted = await (await _client.PostAsync($"/api/experiments/{id}/restart", null)).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(2, accepted.GetProperty("run").GetInt32());

        var restarted = await fx.WaitForAsync(id,
            e => e.GetProperty("current_job") is { ValueKind: JsonValueKind.Object } job && job.Str("job_id") != oldJob && job.GetProperty("sky_job_id").ValueKind == JsonValueKind.Number,
            "the new run's job");
        Assert.Equal(2, restarted.GetProperty("current_job").GetProperty("generation").GetInt32());
        Assert.False(restarted.GetProperty("needs_restart").GetBoolean());
        Assert.Contains(fx.Sky.Commands.OfType<SkyCommand.Cancel>(), c => c.JobId == oldJob);
        Assert.Equal(2, fx.Sky.Launches.Count(l => l.Cluster == $"skydeck-{id}"));
        var jobs = await _client.GetJsonAsync($"/api/experiments/{id}/jobs");
        Assert.Equal("CANCELLED", jobs.GetProperty("jobs").EnumerateArray().Single(j => j.Str("job_id") == oldJob).Str("status"));
    }

    [Theory]
    [InlineData("""{}""", "flags")]
    [InlineData("""{"flags":null}""", "flags")]
    [InlineData("""{"flags":[]}""", "flags")]
    [InlineData("""{"flags":{"ok":1},"nodes":2}""", "nodes")]
    [InlineData("""{"flags":{"bad key":1}}""", "flags.bad key")]
    [InlineData("""{"flags":{"nested":{"a":1}}}""", "flags.nested")]
    public async Task GivenABadFlagsBody_WhenPosted_Then400NamingTheField(string raw, string field)
    {
        var id = fx.NewId("badflags");
        var created = await fx.CreateAsync(id);

        await (await _client.PostRawAsync($"/api/experiments/{id}/flags", raw)).ExpectProblemAsync(HttpStatusCode.BadRequest, field);

        Assert.Equal(created.GetRawText(), (await fx.GetAsync(id)).GetRawText());
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-1")]
    [InlineData("10001")]
    public async Task GivenAnOutOfRangeJobsLimit_WhenListingJobs_Then400NamingLimit(string limit)
    {
        var id = fx.NewId("limit");
        await fx.CreateAsync(id);

        await (await _client.GetAsync($"/api/experiments/{id}/jobs?limit={limit}")).ExpectProblemAsync(HttpStatusCode.BadRequest, "limit");
    }

    [Theory]
    [InlineData("jobs?limit=ten")]
    [InlineData("jobs?limit=1e3")]
    [InlineData("status?limit=ten")]
    public async Task GivenANonNumericLimit_WhenListingJobsOrStatus_Then400(string query)
    {
        var id = fx.NewId("limittext");
        await fx.CreateAsync(id);

        await (await _client.GetAsync($"/api/experiments/{id}/{query}")).ExpectProblemAsync(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task GivenANonBooleanIncludeDeleted_WhenListing_Then400()
    {
        await (await _client.GetAsync("/api/experiments?include_deleted=maybe")).ExpectProblemAsync(HttpStatusCode.BadRequest, "include_deleted");
    }

    [Fact]
    public async Task GivenSeveralJobs_WhenAskingStatusWithALimit_ThenRecentJobsAreCapped()
    {
        var id = fx.NewId("statuslimit");
        await StartRunningAsync(id);

        var status = await _client.GetJsonAsync($"/api/experiments/{id}/status?limit=1");

        Assert.Single(status.GetProperty("recent_jobs").EnumerateArray());
    }

    [Theory]
    [InlineData("status", "limit=-1")]
    [InlineData("status", "limit=0")]
    [InlineData("status", "limit=abc")]
    [InlineData("jobs", "limit=-1")]
    [InlineData("jobs", "limit=abc")]
    [InlineData("jobs", "limit=99999999999")]
    public async Task GivenABadLimit_WhenReadingStatusOrJobs_ThenBothAnswer400NamingIt(string endpoint, string query)
    {
        var id = fx.NewId("limits");
        await fx.CreateAsync(id);

        await (await _client.GetAsync($"/api/experiments/{id}/{endpoint}?{query}")).ExpectProblemAsync(HttpStatusCode.BadRequest, "limit");
    }

    [Fact]
    public async Task GivenSeveralRuns_WhenListingJobsWithALimit_ThenNewestComeFirst()
    {
        var id = fx.NewId("history");
        await StartRunningAsync(id);
        await (await _client.PostJsonAsync($"/api/experiments/{id}/state", new JsonObject { ["desired_state"] = "STOPPED" })).ExpectAsync(HttpStatusCode.OK);
        await Eventually.Until(() => fx.Sky.Commands.Any(c => c is SkyCommand.Stop stop && stop.Cluster == $"skydeck-{id}"), "sky stop");
        await Eventually.Until(
            async () =>
            {
                await (await _client.PostAsync("/api/refresh", null)).ExpectAsync(HttpStatusCode.Accepted);
                return await fx.GetAsync(id);
            },
            e => e.Str("current_state") == "STOPPED",
            "stopped");
        await (await _client.PostJsonAsync($"/api/experiments/{id}/state", new JsonObject { ["desired_state"] = "RUNNING" })).ExpectAsync(HttpStatusCode.OK);
        await fx.WaitForAsync(id, e => e.GetProperty("job_count").GetInt32() == 2, "a second job");

        var all = (await _client.GetJsonAsync($"/api/experiments/{id}/jobs")).GetProperty("jobs").EnumerateArray().ToList();
        var one = (await _client.GetJsonAsync($"/api/experiments/{id}/jobs?limit=1")).GetProperty("jobs").EnumerateArray().ToList();

        Assert.Equal([$"skydeck-{id}-g1-2", $"skydeck-{id}-g1-1"], all.Select(j => j.Str("job_id")));
        Assert.Equal($"skydeck-{id}-g1-2", Assert.Single(one).Str("job_id"));
        Assert.Equal(JsonValueKind.String, all[1].GetProperty("ended_at").ValueKind);
        Assert.Equal("system", all[1].Str("cancelled_by"));
    }

    [Fact]
    public async Task GivenARunningJob_WhenCancelledOverHttp_ThenTheFakeSkyGetsOneCancelAndARepeatIsANoOp()
    {
        var id = fx.NewId("cancel");
        var running = await StartRunningAsync(id);
        var job = running.GetProperty("current_job");
        var jobId = job.Str("job_id");

        var accepted = await (await _client.PostAsync($"/api/jobs/{jobId}/cancel", null)).ExpectAsync(HttpStatusCode.Accepted);
        Assert.Equal("cancelling", accepted.Str("status"));
        await Eventually.Until(() => fx.Sky.Commands.OfType<SkyCommand.Cancel>().Any(c => c.JobId == jobId), "sky cancel");
        var cancel = fx.Sky.Commands.OfType<SkyCommand.Cancel>().Single(c => c.JobId == jobId);
        Assert.Equal(job.GetProperty("sky_job_id").GetInt64(), cancel.SkyJobId);

        var again = await (await _client.PostAsync($"/api/jobs/{jobId}/cancel", null)).ExpectAsync(HttpStatusCode.Accepted);
        Assert.Equal("already finished or cancelling", again.Str("status"));

        var jobs = await _client.GetJsonAsync($"/api/experiments/{id}/jobs");
        var listed = jobs.GetProperty("jobs").EnumerateArray().Single(j => j.Str("job_id") == jobId);
        Assert.Equal("anonymous", listed.Str("cancelled_by"));
        Assert.Equal(JsonValueKind.String, listed.GetProperty("cancel_requested_at").ValueKind);
    }

    [Theory]
    [InlineData("not-a-job")]
    [InlineData("skydeck-nobody-g1-1")]
    [InlineData("skydeck-..-g1-1")]
    public async Task GivenAnUnknownJob_WhenCancelled_Then404(string jobId)
    {
        await (await _client.PostAsync($"/api/jobs/{jobId}/cancel", null)).ExpectProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task GivenAnExistingExperiment_WhenCancellingAJobItNeverHad_Then404NamingTheJob()
    {
        var id = fx.NewId("nojob");
        await fx.CreateAsync(id);

        var problem = await (await _client.PostAsync($"/api/jobs/skydeck-{id}-g7-9/cancel", null)).ExpectProblemAsync(HttpStatusCode.NotFound);

        Assert.Contains($"skydeck-{id}-g7-9", problem.Str("detail"));
    }

    [Fact]
    public async Task GivenAVeryLongJobId_WhenCancelled_Then404WithATruncatedDetail()
    {
        var problem = await (await _client.PostAsync($"/api/jobs/{new string('j', 4000)}/cancel", null)).ExpectProblemAsync(HttpStatusCode.NotFound);

        Assert.True(problem.Str("detail").Length < 200);
    }
}
