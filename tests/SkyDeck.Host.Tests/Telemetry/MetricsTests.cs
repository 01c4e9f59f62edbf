using System.Net;
using System.Text.Json.Nodes;
using SkyDeck.FakeSky;
using SkyDeck.Host.Tests.Support;
using SkyDeck.Testing;

namespace SkyDeck.Host.Tests.Telemetry;

/// <summary><c>GET /metrics</c>: Prometheus text with SkyDeck's own families, ASP.NET Core's, and the read-model gauges.</summary>
public sealed class MetricsTests(ApiFixture fx) : IClassFixture<ApiFixture>
{
    public static async Task<PrometheusText> ScrapeAsync(HttpClient client)
    {
        using var response = await client.GetAsync("/metrics");
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"/metrics answered {(int)response.StatusCode}: {text}");
        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
        return PrometheusText.Parse(text);
    }

    [Fact]
    public async Task GivenAServer_WhenScraped_ThenSkyDecksFamiliesHaveTheirPrometheusNamesAndTypes()
    {
        await fx.CreateAsync(fx.NewId("metrics"));
        var scrape = await Eventually.Until(() => ScrapeAsync(fx.Client), s => s.Types.ContainsKey("skydeck_poll_duration_seconds"), "a poll was measured");

        Assert.Equal("gauge", scrape.Types["skydeck_experiments"]);
        Assert.Equal("gauge", scrape.Types["skydeck_jobs_live"]);
        Assert.Equal("gauge", scrape.Types["skydeck_stream_subscribers"]);
        Assert.Equal("gauge", scrape.Types["skydeck_poll_staleness_seconds"]);
        Assert.Equal("histogram", scrape.Types["skydeck_poll_duration_seconds"]);
        Assert.Equal("histogram", scrape.Types["skydeck_journal_write_duration_seconds"]);
        // ASP.NET Core's own HTTP metrics.
        Assert.Equal("histogram", scrape.Types["http_server_request_duration_seconds"]);
        Assert.Contains(scrape.Find("http_server_request_duration_seconds_count", ("http_request_method", "POST")),
            s => s.Labels.GetValueOrDefault("http_route", "").StartsWith("/api/experiments", StringComparison.Ordinal) && s.Value >= 1);
        // A histogram's +Inf bucket holds every observation.
        Assert.Equal(scrape.Sum("skydeck_journal_write_duration_seconds_count"), scrape.Sum("skydeck_journal_write_duration_seconds_bucket", ("le", "+Inf")));
        Assert.True(scrape.Sum("skydeck_journal_write_duration_seconds_count") >= 1);
        Assert.True(scrape.Sum("skydeck_poll_duration_seconds_count", ("outcome", "ok")) >= 1);
        // Every desired × current combination is a series, zeros included.
        Assert.Equal(3 * Enum.GetValues<SkyDeck.Actors.Core.CurrentState>().Length, scrape.Find("skydeck_experiments").Count());
    }

    [Fact]
    public async Task GivenExperimentsAreCreated_WhenScraped_ThenTheGaugeCountsThemByDesiredAndCurrentState()
    {
        var id = fx.NewId("gauge");
        await fx.CreateAsync(id, new { desired_state = "TERMINATED" });
        var expected = (await fx.Client.GetJsonAsync("/api/experiments")).GetProperty("experiments").EnumerateArray()
            .Count(e => e.Str("desired_state") == "TERMINATED");

        var scrape = await Eventually.Until(
            () => ScrapeAsync(fx.Client),
            s => s.Sum("skydeck_experiments", ("desired_state", "TERMINATED")) == expected,
            $"{expected} TERMINATED experiments counted",
            describe: s => $"counted {s.Sum("skydeck_experiments", ("desired_state", "TERMINATED"))}");

        Assert.True(expected >= 1);
        Assert.Equal(expected, scrape.Sum("skydeck_experiments", ("desired_state", "TERMINATED")));
    }

    [Fact]
    public async Task GivenAnOpenLiveStream_WhenScraped_ThenTheSubscriberIsCounted()
    {
        using var stream = fx.App.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/stream");
        using var response = await stream.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        // Eventually: the exporter may answer from its response cache (300 ms) of a scrape from before the stream opened.
        var scrape = await Eventually.Until(() => ScrapeAsync(fx.Client), s => s.Sum("skydeck_stream_subscribers") >= 1, "the open stream counted");

        Assert.True(scrape.Sum("skydeck_stream_subscribers") >= 1, "the open stream is counted");
    }
}

/// <summary>Through the real CLI gateway and the fake <c>sky</c> executable: every process is counted by verb and outcome.</summary>
public sealed class SkyInvocationMetricsTests : IDisposable
{
    private readonly FakeSkyExecutable _sky = new();

    public void Dispose() => _sky.Dispose();

    [Fact]
    public async Task GivenTheFakeSky_WhenAnExperimentLaunches_ThenTheLaunchCounterMovesAndItsDurationIsRecorded()
    {
        var settings = SkyDeckApp.Seconds(("SKYDECK_POLL_INTERVAL", 0.5));
        await using var app = new SkyDeckApp(_sky.Database.Path, gateway: null, _sky.With(settings));
        using var client = app.Client();
        var before = await MetricsTests.ScrapeAsync(client);

        await (await client.PostJsonAsync("/api/experiments", Http.NewExperiment("metered", new { desired_state = "RUNNING" }))).ExpectAsync(HttpStatusCode.Created);
        var after = await Eventually.Until(
            () => MetricsTests.ScrapeAsync(client),
            s => s.Sum("skydeck_sky_invocations_total", ("verb", "launch"), ("outcome", "ok")) >= 1
                 && s.Sum("skydeck_sky_invocations_total", ("verb", "status")) >= 1,
            "a launch and a poll's sky status counted (polls run niced, so on a loaded machine the launch may come first)",
            TimeSpan.FromSeconds(45));

        Assert.Equal(0, before.Sum("skydeck_sky_invocations_total", ("verb", "launch")));
        Assert.Equal(1, after.Sum("skydeck_sky_invocations_total", ("verb", "launch"), ("outcome", "ok")));
        Assert.Single(_sky.Home.ReadLaunches());
        Assert.Equal("counter", after.Types["skydeck_sky_invocations_total"]);
        Assert.Equal("histogram", after.Types["skydeck_sky_invocation_duration_seconds"]);
        Assert.Equal(1, after.Sum("skydeck_sky_invocation_duration_seconds_count", ("verb", "launch")));
        Assert.True(after.Sum("skydeck_sky_invocations_total", ("verb", "status")) >= 1, "polls run sky status");
        Assert.Equal("gauge", after.Types["skydeck_sky_process_queue_length"]);
        Assert.Equal("gauge", after.Types["skydeck_sky_processes"]);
    }
}
