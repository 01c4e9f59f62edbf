using System.Net;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using SkyDeck.Host.Tests.Support;
using SkyDeck.Testing;

namespace SkyDeck.Host.Tests.Api;

/// <summary>
/// <c>/health/live</c> and <c>/health/ready</c>: the status codes probes act on, without a token (the server here
/// requires one for everything else), and readiness that follows the journal and shutdown.
/// </summary>
public sealed class HealthProbeTests : IAsyncLifetime
{
    private readonly TempDatabase _database = new();
    private SkyDeckApp _app = null!;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        _app = new SkyDeckApp(_database.Path, ScriptedSkyGateway.WithFakeCloud(), new Dictionary<string, string> { ["SKYDECK_TOKEN"] = "probe:0123456789abcdef-secret" });
        _client = _app.CreateClient();
        await Eventually.Until(async () => (await _client.GetAsync("/health/ready")).StatusCode, s => s == HttpStatusCode.OK, "ready after start");
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _app.DisposeAsync();
        _database.Dispose();
    }

    [Fact]
    public async Task GivenARunningServer_WhenProbedWithoutAToken_ThenLiveAndReadyAre200AndTheApiStillNeedsTheToken()
    {
        foreach (var path in new[] { "/health/live", "/health/ready" })
        {
            using var response = await _client.GetAsync(path);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
            Assert.Equal("Healthy", body.GetProperty("status").GetString());
        }

        var ready = JsonDocument.Parse(await _client.GetStringAsync("/health/ready")).RootElement.GetProperty("checks");
        Assert.Equal("Healthy", ready.GetProperty("actors").GetString());
        Assert.Equal("Healthy", ready.GetProperty("journal").GetString());
        Assert.Equal(HttpStatusCode.Unauthorized, (await _client.GetAsync("/api/health")).StatusCode);
    }

    [Fact]
    public async Task GivenTheJournalHeldByAnotherWriter_WhenProbed_ThenReadyIs503AndLiveStays200UntilItIsReleased()
    {
        await using (var other = new SqliteConnection($"Data Source={_database.Path};Pooling=False"))
        {
            await other.OpenAsync();
            await using (var begin = other.CreateCommand())
            {
                begin.CommandText = "BEGIN EXCLUSIVE;";
                await begin.ExecuteNonQueryAsync();
            }

            using var ready = await _client.GetAsync("/health/ready");
            Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
            var checks = JsonDocument.Parse(await ready.Content.ReadAsStringAsync()).RootElement.GetProperty("checks");
            Assert.Equal("Unhealthy", checks.GetProperty("journal").GetString());
            Assert.Equal(HttpStatusCode.OK, (await _client.GetAsync("/health/live")).StatusCode);

            await using var rollback = other.CreateCommand();
            rollback.CommandText = "ROLLBACK;";
            await rollback.ExecuteNonQueryAsync();
        }

        Assert.Equal(HttpStatusCode.OK, (await _client.GetAsync("/health/ready")).StatusCode);
    }

    [Fact]
    public async Task GivenShutdownHasStarted_WhenProbed_ThenReadyIs503()
    {
        // Hold the shutdown at its first step (ApplicationStopping signalled, nothing stopped yet), as a probe sees it
        // while a real server drains; without the hold the host would be torn down under the probe.
        var lifetime = _app.Services.GetRequiredService<IHostApplicationLifetime>();
        using var probed = new ManualResetEventSlim();
        lifetime.ApplicationStopping.Register(() => probed.Wait(TimeSpan.FromSeconds(30)));
        var stopping = Task.Run(lifetime.StopApplication);
        await Eventually.Until(() => lifetime.ApplicationStopping.IsCancellationRequested, "shutdown to start");
        try
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, (await _client.GetAsync("/health/ready")).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await _client.GetAsync("/health/live")).StatusCode);
        }
        finally
        {
            probed.Set();
            await stopping;
        }
    }
}
