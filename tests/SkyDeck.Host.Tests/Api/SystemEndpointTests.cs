using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using SkyDeck.Actors.Core;
using SkyDeck.Actors.Experiments;
using SkyDeck.Actors.SkyPilot;
using SkyDeck.Host.Tests.Support;
using SkyDeck.Testing;

namespace SkyDeck.Host.Tests.Api;

/// <summary>Health (following the fake <c>sky</c>'s fortunes), flag schemas, refresh / reconcile triggers and OpenAPI.</summary>
public sealed class SystemEndpointTests(SystemEndpointTests.Fixture fx) : IClassFixture<SystemEndpointTests.Fixture>
{
    /// <summary>
    /// Every class fixture is its own server, so the health test's failing <c>sky status</c> stays here.
    /// A short confirm window lets a repeated stop happen within the test.
    /// </summary>
    public sealed class Fixture : ApiFixture
    {
        protected override IReadOnlyDictionary<string, string> Settings => SkyDeckApp.Seconds(("SKYDECK_CONFIRM_WINDOW", 0.3));
    }

    private readonly HttpClient _client = fx.Client;

    private async Task<JsonElement> RefreshThenHealthAsync()
    {
        await (await _client.PostAsync("/api/refresh", null)).ExpectAsync(HttpStatusCode.Accepted);
        // Degraded is a 503 with the health body, so not through the client that fails on any 5xx.
        using var raw = fx.App.CreateClient();
        using var response = await raw.GetAsync("/api/health");
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
        var expected = body.Str("status") == "degraded" ? HttpStatusCode.ServiceUnavailable : HttpStatusCode.OK;
        Assert.True(response.StatusCode == expected, $"/api/health {body.Str("status")} answered {(int)response.StatusCode}, not {(int)expected}");
        return body;
    }

    [Fact]
    public async Task GivenSkyStatusFailsThenRecovers_WhenPolling_ThenHealthGoesDegradedThenOk()
    {
        var ok = await Eventually.Until(RefreshThenHealthAsync, h => h.Str("status") == "ok", "healthy at start");
        Assert.Equal("ok", ok.GetProperty("skypilot").Str("status"));
        Assert.Equal(0, ok.GetProperty("skypilot").GetProperty("consecutive_failures").GetInt32());
        Assert.Equal(30, ok.GetProperty("skypilot").GetProperty("poll_interval_seconds").GetDouble());
        Assert.Equal("ok", ok.Str("backend"));
        Assert.False(string.IsNullOrEmpty(ok.Str("version")));

        fx.Sky.StatusFailure = "injected: sky status exploded";
        try
        {
            var failing = await Eventually.Until(RefreshThenHealthAsync, h => h.Str("status") == "degraded", "degraded");
            var sky = failing.GetProperty("skypilot");
            Assert.Equal("failing", sky.Str("status"));
            Assert.True(sky.GetProperty("consecutive_failures").GetInt32() >= 1);
            Assert.Contains("injected: sky status exploded", sky.Str("last_error"));
            Assert.Equal(JsonValueKind.String, sky.GetProperty("last_error_at").ValueKind);
        }
        finally
        {
            fx.Sky.StatusFailure = null;
        }

        var recovered = await Eventually.Until(RefreshThenHealthAsync, h => h.Str("status") == "ok", "ok again");
        Assert.Equal("ok", recovered.GetProperty("skypilot").Str("status"));
        Assert.Equal(0, recovered.GetProperty("skypilot").GetProperty("consecutive_failures").GetInt32());
    }

    [Fact]
    public async Task GivenARunningExperiment_WhenAskingHealth_ThenCountsIncludeItsJobAndCluster()
    {
        var id = fx.NewId("counted");
        await fx.CreateAsync(id, new { desired_state = "RUNNING" });
        await Eventually.Until(
            async () =>
            {
                await (await _client.PostAsync("/api/refresh", null)).ExpectAsync(HttpStatusCode.Accepted);
                return await fx.GetAsync(id);
            },
            e => e.Str("current_state") == "RUNNING",
            "RUNNING after a poll");

        var health = await _client.GetJsonAsync("/api/health");

        var counts = health.GetProperty("counts");
        Assert.True(counts.GetProperty("experiments").GetInt32() >= 1);
        Assert.True(counts.GetProperty("running").GetInt32() >= 1);
        Assert.True(counts.GetProperty("live_jobs").GetInt32() >= 1);
        Assert.True(counts.GetProperty("clusters").GetInt32() >= 1);
    }

    [Fact]
    public async Task GivenExperimentsWithFlags_WhenAskingFlagSchemas_ThenEveryKeyIsListedWithItsTypesAndExamples()
    {
        var a = fx.NewId("schema");
        var b = fx.NewId("schema");
        var gone = fx.NewId("schema");
        await fx.CreateAsync(a, new { flags = new Dictionary<string, object> { ["schema.lr"] = 0.1, ["schema.mixed"] = 1, ["schema.name"] = "x" } });
        await fx.CreateAsync(b, new { flags = new Dictionary<string, object> { ["schema.lr"] = 0.2, ["schema.mixed"] = "auto" } });
        await fx.CreateAsync(gone, new { flags = new Dictionary<string, object> { ["schema.deleted_only"] = true } });
        await (await _client.DeleteAsync($"/api/experiments/{gone}")).ExpectAsync(HttpStatusCode.OK);

        var schemas = (await _client.GetJsonAsync("/api/flag-schemas")).GetProperty("flags").EnumerateArray().ToDictionary(f => f.Str("key"));

        Assert.Equal(["float"], schemas["schema.lr"].GetProperty("types").EnumerateArray().Select(t => t.GetString()));
        Assert.Equal(2, schemas["schema.lr"].GetProperty("experiments").GetInt32());
        Assert.Equal(["0.1", "0.2"], schemas["schema.lr"].GetProperty("examples").EnumerateArray().Select(e => e.GetRawText()).Order());
        Assert.Equal(["integer", "string"], schemas["schema.mixed"].GetProperty("types").EnumerateArray().Select(t => t.GetString()));
        Assert.Equal(1, schemas["schema.name"].GetProperty("experiments").GetInt32());
        Assert.DoesNotContain("schema.deleted_only", schemas.Keys);
        var keys = schemas.Keys.ToList();
        Assert.Equal(keys.Order(StringComparer.Ordinal), keys);
    }

    [Fact]
    public async Task GivenTheServer_WhenRefreshing_Then202AndTheFakeSkyIsPolled()
    {
        var before = fx.Sky.StatusCalls;

        var accepted = await (await _client.PostAsync("/api/refresh", null)).ExpectAsync(HttpStatusCode.Accepted);

        Assert.Equal("polling", accepted.Str("status"));
        await Eventually.Until(() => fx.Sky.StatusCalls > before, "a sky status call");
    }

    [Fact]
    public async Task GivenAStoppedExperimentWhoseClusterIsUp_WhenReconcilingAll_ThenItGetsStopped()
    {
        var id = fx.NewId("reconcile");
        await fx.CreateAsync(id, new { desired_state = "RUNNING" });
        await fx.WaitForAsync(id, e => e.GetProperty("current_job").ValueKind == JsonValueKind.Object, "a job");
        await (await _client.PostJsonAsync($"/api/experiments/{id}/state", new JsonObject { ["desired_state"] = "STOPPED" })).ExpectAsync(HttpStatusCode.OK);
        await Eventually.Until(() => fx.Sky.ClusterStatus($"skydeck-{id}") == SkyClusterStatus.Stopped, "the cluster stopped");

        // Someone restarts the cluster by hand; SkyDeck learns of it from a poll and a reconcile puts it back.
        fx.Sky.SetCluster($"skydeck-{id}", SkyClusterStatus.Up);
        var stopsBefore = fx.Sky.Commands.OfType<SkyCommand.Stop>().Count(s => s.Cluster == $"skydeck-{id}");
        await Eventually.Until(
            async () =>
            {
                await (await _client.PostAsync("/api/refresh", null)).ExpectAsync(HttpStatusCode.Accepted);
                var accepted = await (await _client.PostAsync("/api/reconcile", null)).ExpectAsync(HttpStatusCode.Accepted);
                Assert.Equal("reconciling", accepted.Str("status"));
                return fx.Sky.Commands.OfType<SkyCommand.Stop>().Count(s => s.Cluster == $"skydeck-{id}");
            },
            n => n > stopsBefore,
            "a second sky stop",
            TimeSpan.FromSeconds(15));
    }

    [Fact]
    public async Task GivenTheServer_WhenFetchingOpenApi_ThenEveryEndpointIsDescribed()
    {
        var doc = await _client.GetJsonAsync("/openapi/v1.json");

        Assert.StartsWith("3.", doc.Str("openapi"));
        var paths = doc.GetProperty("paths");
        foreach (var (path, method) in new[]
                 {
                     ("/api/experiments", "get"), ("/api/experiments", "post"),
                     ("/api/experiments/{id}", "get"), ("/api/experiments/{id}", "patch"), ("/api/experiments/{id}", "delete"),
                     ("/api/experiments/{id}/restore", "post"), ("/api/experiments/{id}/state", "post"), ("/api/experiments/{id}/flags", "post"),
                     ("/api/experiments/{id}/status", "get"), ("/api/experiments/{id}/jobs", "get"),
                     ("/api/experiments/{id}/events", "get"), ("/api/experiments/{id}/history", "get"),
                     ("/api/events", "get"), ("/api/stream", "get"), ("/api/health", "get"), ("/api/flag-schemas", "get"),
                     ("/api/refresh", "post"), ("/api/reconcile", "post"), ("/api/jobs/{jobId}/cancel", "post"),
                 })
        {
            Assert.True(paths.TryGetProperty(path, out var item), $"{path} missing from OpenAPI");
            Assert.True(item.TryGetProperty(method, out _), $"{method.ToUpperInvariant()} {path} missing from OpenAPI");
        }
    }

    [Fact]
    public async Task GivenUnknownRoutesAndMethods_WhenCalled_Then404Or405NeverA500()
    {
        Assert.Equal(HttpStatusCode.NotFound, (await _client.GetAsync("/api/nope")).StatusCode);
        Assert.Equal(HttpStatusCode.MethodNotAllowed, (await _client.PutAsync("/api/experiments", Http.Json("{}"))).StatusCode);
        Assert.Equal(HttpStatusCode.MethodNotAllowed, (await _client.DeleteAsync("/api/health")).StatusCode);
    }
}
