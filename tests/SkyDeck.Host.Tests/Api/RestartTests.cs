using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using SkyDeck.Actors.Core;
using SkyDeck.Actors.Experiments;
using SkyDeck.Actors.SkyPilot;
using SkyDeck.Host.Tests.Support;
using SkyDeck.Testing;

namespace SkyDeck.Host.Tests.Api;

/// <summary>
/// Stop the server, start a new one over the same SQLite file: experiments, job history and the audit log come back,
/// and reconciliation resumes by itself. The scripted <c>sky</c> outlives both servers, like a real cloud.
/// </summary>
public sealed class RestartTests : IDisposable
{
    private readonly TempDatabase _database = new();
    private readonly ScriptedSkyGateway _sky = ScriptedSkyGateway.WithFakeCloud();

    private static readonly IReadOnlyDictionary<string, string> Settings = SkyDeckApp.Seconds(("SKYDECK_CONFIRM_WINDOW", 0.5));

    public void Dispose() => _database.Dispose();

    [Fact]
    public async Task GivenExperimentsJobsAndEvents_WhenTheServerRestarts_ThenAllComeBackAndAPendingStopIsRetriedUnasked()
    {
        JsonElement listBefore, jobsBefore, eventsBefore;
        await using (var first = new SkyDeckApp(_database.Path, _sky, Settings))
        {
            using var client = first.Client();
            await (await client.PostJsonAsync("/api/experiments", Http.NewExperiment("keeper", new { desired_state = "RUNNING" }), user: "alice")).ExpectAsync(HttpStatusCode.Created);
            await (await client.PostJsonAsync("/api/experiments", Http.NewExperiment("halter", new { desired_state = "RUNNING" }), user: "alice")).ExpectAsync(HttpStatusCode.Created);
            await (await client.PostJsonAsync("/api/experiments", Http.NewExperiment("idle", new { description = "never ran" }))).ExpectAsync(HttpStatusCode.Created);
            foreach (var id in new[] { "keeper", "halter" })
                await Eventually.Until(() => client.GetJsonAsync($"/api/experiments/{id}"), e => e.GetProperty("current_job") is { ValueKind: JsonValueKind.Object } j && j.GetProperty("sky_job_id").ValueKind == JsonValueKind.Number, $"{id} launched");

            // The stop is in flight when the server goes down: 'sky stop' never returns.
            _sky.HoldStops = true;
            await (await client.PostJsonAsync("/api/experiments/halter/state", new JsonObject { ["desired_state"] = "STOPPED" }, user: "bob")).ExpectAsync(HttpStatusCode.OK);
            await Eventually.Until(() => _sky.Commands.OfType<SkyCommand.Stop>().Any(s => s.Cluster == "skydeck-halter"), "sky stop started");

            listBefore = await client.GetJsonAsync("/api/experiments");
            jobsBefore = await client.GetJsonAsync("/api/experiments/keeper/jobs");
            eventsBefore = await client.GetJsonAsync("/api/events?limit=1000");
        }

        Assert.Equal(SkyClusterStatus.Up, _sky.ClusterStatus("skydeck-halter"));
        _sky.HoldStops = false;
        var commandsBefore = _sky.Commands.Count;

        await using var second = new SkyDeckApp(_database.Path, _sky, Settings);
        using var again = second.Client();

        // The list fills as experiment actors recover (see GivenARestart_WhenListingAtOnce_ThenNothingIsMissing).
        var list = await Eventually.Until(() => again.GetJsonAsync("/api/experiments"), l => Ids(l).Count == 3, "all three listed");
        Assert.Equal(Ids(listBefore), Ids(list));
        foreach (var before in listBefore.GetProperty("experiments").EnumerateArray())
        {
            var after = list.GetProperty("experiments").EnumerateArray().Single(e => e.Str("id") == before.Str("id"));
            foreach (var field in new[] { "name", "base_command", "run_name", "flags", "nodes", "gpus", "description", "desired_state", "generation", "run", "created_at" })
                Assert.Equal(before.GetProperty(field).GetRawText(), after.GetProperty(field).GetRawText());
        }

        var jobs = await again.GetJsonAsync("/api/experiments/keeper/jobs");
        var jobBefore = Assert.Single(jobsBefore.GetProperty("jobs").EnumerateArray());
        var jobAfter = Assert.Single(jobs.GetProperty("jobs").EnumerateArray());
        foreach (var field in new[] { "job_id", "sky_job_id", "cluster", "generation", "command", "requested_at", "submitted_at" })
            Assert.Equal(jobBefore.GetProperty(field).GetRawText(), jobAfter.GetProperty(field).GetRawText());

        var events = (await again.GetJsonAsync("/api/events?limit=1000")).GetProperty("events").EnumerateArray().Select(e => e.GetRawText()).ToList();
        var oldEvents = eventsBefore.GetProperty("events").EnumerateArray().Select(e => e.GetRawText()).ToList();
        Assert.Equal(oldEvents, events.Take(oldEvents.Count));
        Assert.Contains(eventsBefore.GetProperty("events").EnumerateArray(), e => e.Str("type") == "desired_state_changed" && e.Str("who") == "bob");

        // No user action: the restarted server retries the interrupted stop and stops the cluster.
        await Eventually.Until(() => _sky.Commands.Skip(commandsBefore).OfType<SkyCommand.Stop>().Any(s => s.Cluster == "skydeck-halter"), "sky stop retried after the restart");
        await Eventually.Until(() => _sky.ClusterStatus("skydeck-halter") == SkyClusterStatus.Stopped, "halter's cluster stopped");
        await Eventually.Until(
            async () =>
            {
                await (await again.PostAsync("/api/refresh", null)).ExpectAsync(HttpStatusCode.Accepted);
                return await again.GetJsonAsync("/api/experiments/halter");
            },
            e => e.Str("current_state") == "STOPPED",
            "halter STOPPED");

        // The running job was adopted, not launched again.
        Assert.DoesNotContain(_sky.Commands.Skip(commandsBefore), c => c is SkyCommand.Launch);
        var keeper = await Eventually.Until(() => again.GetJsonAsync("/api/experiments/keeper"), e => e.Str("current_state") == "RUNNING", "keeper RUNNING");
        Assert.Equal(jobBefore.Str("job_id"), keeper.GetProperty("current_job").Str("job_id"));
        Assert.Equal("never ran", (await again.GetJsonAsync("/api/experiments/idle")).Str("description"));

        // And the restarted server still takes new work.
        await (await again.PostJsonAsync("/api/experiments", Http.NewExperiment("newcomer"))).ExpectAsync(HttpStatusCode.Created);
    }

    [Fact]
    public async Task GivenARestart_WhenListingAtOnce_ThenNothingIsMissing()
    {
        var ids = Enumerable.Range(1, 20).Select(i => $"many-{i}").ToList();
        await using (var first = new SkyDeckApp(_database.Path, _sky, Settings))
        {
            using var client = first.Client();
            foreach (var id in ids)
                await (await client.PostJsonAsync("/api/experiments", Http.NewExperiment(id))).ExpectAsync(HttpStatusCode.Created);
        }

        await using var second = new SkyDeckApp(_database.Path, _sky, Settings);
        using var again = second.Client();
        var list = await again.GetJsonAsync("/api/experiments");

        Assert.Equal(ids.Order(StringComparer.Ordinal), Ids(list));
    }

    private static List<string> Ids(JsonElement list) => [.. list.GetProperty("experiments").EnumerateArray().Select(e => e.Str("id")).Order(StringComparer.Ordinal)];
}
