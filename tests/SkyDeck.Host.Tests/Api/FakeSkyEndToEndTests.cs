using System.Net;
using System.Text.Json.Nodes;
using SkyDeck.FakeSky;
using SkyDeck.Host.Tests.Support;
using SkyDeck.Testing;

namespace SkyDeck.Host.Tests.Api;

/// <summary>
/// One end-to-end run through the real CLI gateway: SKYDECK_SKY_PATH points at the <c>fake-sky</c> executable (through
/// a wrapper that sets its FAKE_SKY_HOME), so argv building, process handling and output parsing are all exercised.
/// </summary>
public sealed class FakeSkyEndToEndTests : IDisposable
{
    private readonly FakeSkyExecutable _sky = new();

    public void Dispose() => _sky.Dispose();

    [Fact]
    public async Task GivenTheFakeSkyCli_WhenAnExperimentIsStartedThenStopped_ThenItRunsAndItsClusterEndsStopped()
    {
        var settings = SkyDeckApp.Seconds(("SKYDECK_POLL_INTERVAL", 0.3), ("SKYDECK_CONFIRM_WINDOW", 2));
        await using var app = new SkyDeckApp(_sky.Database.Path, gateway: null, _sky.With(settings));
        using var client = app.Client();
        var timeout = TimeSpan.FromSeconds(45); // each sky call is a process start; generous for a loaded machine

        await (await client.PostJsonAsync("/api/experiments", Http.NewExperiment("e2e", new { desired_state = "RUNNING" }))).ExpectAsync(HttpStatusCode.Created);
        var running = await Eventually.Until(() => client.GetJsonAsync("/api/experiments/e2e"), e => e.Str("current_state") == "RUNNING", "e2e RUNNING", timeout);

        var launch = Assert.Single(_sky.Home.ReadLaunches());
        Assert.Equal("skydeck-e2e", launch.Cluster);
        Assert.Equal("skydeck-e2e-g1-1", launch.JobName);
        Assert.Equal(running.Str("command"), launch.Command);
        Assert.Equal(launch.JobId, running.GetProperty("current_job").GetProperty("sky_job_id").GetInt64());
        Assert.Equal("UP", running.GetProperty("cluster").Str("status"));
        // Not through the client that fails on 5xx: at a 0.3 s poll interval a slow tick on a loaded machine is "stale"
        // (more than three intervals old), which /api/health reports as degraded with a 503 and the same body.
        using var raw = app.CreateClient();
        using var health = await raw.GetAsync("/api/health");
        var sky = System.Text.Json.JsonDocument.Parse(await health.Content.ReadAsStringAsync()).RootElement.GetProperty("skypilot");
        Assert.Equal(0, sky.GetProperty("consecutive_failures").GetInt32());
        Assert.Equal(System.Text.Json.JsonValueKind.String, sky.GetProperty("last_success_at").ValueKind);
        Assert.Equal(_sky.Wrapper, sky.Str("executable"));

        await (await client.PostJsonAsync("/api/experiments/e2e/state", new JsonObject { ["desired_state"] = "STOPPED" })).ExpectAsync(HttpStatusCode.OK);
        var stopped = await Eventually.Until(() => client.GetJsonAsync("/api/experiments/e2e"), e => e.Str("current_state") == "STOPPED", "e2e STOPPED", timeout);

        Assert.Equal("STOPPED", stopped.GetProperty("cluster").Str("status"));
        Assert.Equal("STOPPED", _sky.Home.ReadState().FindCluster("skydeck-e2e")?.Status);
        var job = Assert.Single((await client.GetJsonAsync("/api/experiments/e2e/jobs")).GetProperty("jobs").EnumerateArray());
        Assert.Equal(System.Text.Json.JsonValueKind.String, job.GetProperty("ended_at").ValueKind);
        Assert.Equal("system", job.Str("cancelled_by"));
        Assert.Single(_sky.Home.ReadLaunches());
        Assert.Contains(_sky.Home.ReadInvocations(), i => i.Argv.Count > 0 && i.Argv[0] == "stop" && i.Argv.Contains("skydeck-e2e"));
    }

    [Fact]
    public async Task GivenATinyBudget_WhenTheFakeSkyJobRunsPastIt_ThenStoppedWithBudgetReachedInTheAudit()
    {
        var settings = SkyDeckApp.Seconds(("SKYDECK_POLL_INTERVAL", 0.3), ("SKYDECK_CONFIRM_WINDOW", 2));
        await using var app = new SkyDeckApp(_sky.Database.Path, gateway: null, _sky.With(settings));
        using var client = app.Client();
        var timeout = TimeSpan.FromSeconds(60);

        // 0.002 GPU-h on one GPU: 7.2 s of cluster time.
        await (await client.PostJsonAsync("/api/experiments", Http.NewExperiment("tiny", new { desired_state = "RUNNING", budget = new { gpu_hours = 0.002 } })))
            .ExpectAsync(HttpStatusCode.Created);
        // Not waiting to see RUNNING on the way: on a loaded machine the (niced) poll may first see the job after the
        // budget has already stopped it; the job's SkyPilot start time below proves it ran.
        var stopped = await Eventually.Until(() => client.GetJsonAsync("/api/experiments/tiny"),
            e => e.Str("current_state") == "STOPPED" && e.GetProperty("budget_reached").GetBoolean(), "tiny stopped by its budget", timeout);

        Assert.Equal("STOPPED", stopped.Str("desired_state"));
        Assert.StartsWith("budget reached: ", stopped.Str("message"));
        Assert.True(stopped.GetProperty("cost").GetProperty("gpu_hours").GetDouble() >= 0.002);
        var audit = (await client.GetJsonAsync("/api/experiments/tiny/events")).GetProperty("events").EnumerateArray().ToList();
        var reached = Assert.Single(audit, e => e.Str("type") == "budget_reached");
        Assert.Contains("/ 0.002 GPU-h", reached.Str("reason"));
        // The job ran by SkyPilot's own clock (start_at/end_at from the fake's queue) and was cancelled by SkyDeck.
        var job = Assert.Single((await client.GetJsonAsync("/api/jobs?experiment=tiny")).GetProperty("jobs").EnumerateArray());
        Assert.Equal(System.Text.Json.JsonValueKind.String, job.GetProperty("started_at").ValueKind);
        Assert.True(job.GetProperty("cost").GetProperty("job_gpu_hours").GetDouble() > 0);
        Assert.Contains(_sky.Home.ReadInvocations(), i => i.Argv.Count > 0 && i.Argv[0] == "cancel" && i.Argv.Contains("skydeck-tiny"));
        Assert.Single(_sky.Home.ReadLaunches());
    }

    [Fact]
    public async Task GivenAClusterTornDownWhileSkyDeckWasDown_WhenItComesBack_ThenOverheadEndsAtSkyPilotsEndAndTheAuditSaysWhy()
    {
        _sky.Home.SetControl(c => c with { Version = "0.13.0" });
        var settings = SkyDeckApp.Seconds(("SKYDECK_POLL_INTERVAL", 0.3), ("SKYDECK_CONFIRM_WINDOW", 2), ("SKYDECK_COST_REPORT_EVERY", 1));
        var timeout = TimeSpan.FromSeconds(60);
        await using (var first = new SkyDeckApp(_sky.Database.Path, gateway: null, _sky.With(settings)))
        {
            using var client = first.Client();
            await (await client.PostJsonAsync("/api/experiments", Http.NewExperiment("gone", new { desired_state = "RUNNING", retry = new { on_preemption = "never" } }))).ExpectAsync(HttpStatusCode.Created);
            await Eventually.Until(() => client.GetJsonAsync("/api/experiments/gone"), e => e.Str("current_state") == "RUNNING", "gone RUNNING", timeout);
        }

        // SkyDeck is down; a second after its job started the cluster goes (autostop --down, a console click).
        var cluster = _sky.Home.ReadState().FindCluster("skydeck-gone")!;
        var launched = cluster.UsageIntervals[^1].Start;
        var upFor = Math.Ceiling(cluster.Jobs.Single().StartAt!.Value) + 1 - launched;
        _sky.Home.Vanish("skydeck-gone", TimeSpan.FromSeconds(upFor));
        var went = _sky.Home.ReadState().History.Single().UsageIntervals[^1].End!.Value;
        // SkyDeck closes the span when it sees the cluster gone, and corrects it only by a second or more (SkyPilot keeps
        // whole seconds): come back when that is certain, as after any real outage, or a fast restart makes it moot.
        var outage = DateTimeOffset.FromUnixTimeSeconds(went) + TimeSpan.FromSeconds(1.5) - DateTimeOffset.UtcNow;
        if (outage > TimeSpan.Zero) await Task.Delay(outage);

        await using var app = new SkyDeckApp(_sky.Database.Path, gateway: null, _sky.With(settings));
        using var api = app.Client();
        var audit = await Eventually.Until(
            async () => (await api.GetJsonAsync("/api/experiments/gone/events")).GetProperty("events").EnumerateArray().ToList(),
            events => events.Any(e => e.Str("type") == "cluster_span_corrected" && e.GetProperty("change").TryGetProperty("to", out var to) && to.ValueKind == System.Text.Json.JsonValueKind.String),
            "the span closed at SkyPilot's end", timeout);

        // A correction of the start alone (while the span was open) has no "to"; the one that closed it has.
        var corrected = audit.Last(e => e.Str("type") == "cluster_span_corrected" && e.GetProperty("change").TryGetProperty("to", out _));
        Assert.StartsWith("sky cost-report: the cluster was up from ", corrected.Str("reason"));
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(went), corrected.GetProperty("change").GetProperty("to").GetDateTimeOffset());
        // Cluster time (job + overhead) is SkyPilot's lifetime, not the minutes until SkyDeck came back and looked.
        var experiment = await api.GetJsonAsync("/api/experiments/gone");
        var cost = experiment.GetProperty("cost");
        var clusterSeconds = cost.GetProperty("gpu_hours").GetDouble() * 3600 / experiment.GetProperty("gpus").GetInt32();
        Assert.InRange(clusterSeconds, went - launched - 1.0, went - launched + 1.0);
        Assert.True(cost.GetProperty("overhead_gpu_hours").GetDouble() >= 0);
        // Each figure is rounded to 6 decimals on its own.
        Assert.Equal(cost.GetProperty("gpu_hours").GetDouble(), cost.GetProperty("job_gpu_hours").GetDouble() + cost.GetProperty("overhead_gpu_hours").GetDouble(), tolerance: 2e-6);
    }
}
