using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using SkyDeck.Host.Api;
using SkyDeck.Host.Tests.Support;
using SkyDeck.Testing;

namespace SkyDeck.Host.Tests.Api;

/// <summary>
/// <c>/api/stream</c> under many subscribers: snapshots are the list's cached bytes (built once, not once per client),
/// the number of open streams is capped (503 + Retry-After beyond it), and streams end when the server shuts down.
/// </summary>
public sealed class StreamSharingTests : IAsyncLifetime
{
    private readonly TempDatabase _database = new();
    private SkyDeckApp _app = null!;

    public async Task InitializeAsync()
    {
        _app = new SkyDeckApp(_database.Path, ScriptedSkyGateway.WithFakeCloud(), new Dictionary<string, string> { ["SKYDECK_MAX_STREAM_CLIENTS"] = "3" });
        using var client = _app.Client();
        await (await client.PostJsonAsync("/api/experiments", Http.NewExperiment("shared-1"))).ExpectAsync(HttpStatusCode.Created);
    }

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        _database.Dispose();
    }

    [Fact]
    public async Task GivenSeveralSubscribers_WhenEachTakesASnapshot_ThenTheyShareTheListsCachedBodyInsteadOfBuildingTheirOwn()
    {
        using var client = _app.Client();
        var cache = _app.Services.GetRequiredService<ExperimentListCache>();
        Assert.Equal(0, cache.Builds);

        var streams = new List<SseStream>();
        var snapshots = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            var stream = await SseStream.OpenAsync(client);
            streams.Add(stream);
            var snapshot = await stream.NextAsync();
            Assert.Equal("snapshot", snapshot.Type);
            snapshots.Add(snapshot.Data);
        }

        // Built from the cache (at least once), and not once per subscriber: the experiment created at the start may
        // still change once while they connect (its first reconcile), which is a new body, shared again.
        Assert.InRange(cache.Builds, 1, 2);
        var list = await (await client.GetAsync("/api/experiments?include_deleted=true")).Content.ReadAsStringAsync();
        Assert.Equal(list, snapshots[^1]);
        foreach (var stream in streams) await stream.DisposeAsync();
    }

    [Fact]
    public async Task GivenTheMaximumOfSubscribers_WhenOneMoreConnects_ThenItIs503WithRetryAfterUntilOneLeaves()
    {
        using var client = _app.CreateClient();
        var streams = new List<SseStream>();
        for (var i = 0; i < 3; i++)
        {
            var stream = await SseStream.OpenAsync(client);
            await stream.NextAsync();
            streams.Add(stream);
        }

        using (var refused = await client.GetAsync("/api/stream", HttpCompletionOption.ResponseHeadersRead))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
            Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
            Assert.Equal(TimeSpan.FromSeconds(StreamEndpoints.RetryAfterSeconds), refused.Headers.RetryAfter?.Delta);
            var problem = JsonDocument.Parse(await refused.Content.ReadAsStringAsync()).RootElement;
            Assert.Contains("SKYDECK_MAX_STREAM_CLIENTS", problem.GetProperty("detail").GetString());
        }

        await streams[0].DisposeAsync();
        var feed = _app.Services.GetRequiredService<LiveFeed>();
        await Eventually.Until(() => Task.FromResult(feed.Clients), n => n < 3, "the subscriber that left to be removed");
        await using var again = await SseStream.OpenAsync(client);
        Assert.Equal("snapshot", (await again.NextAsync()).Type);
        foreach (var stream in streams.Skip(1)) await stream.DisposeAsync();
    }

    [Fact]
    public async Task GivenAnOpenStream_WhenTheServerStartsShuttingDown_ThenTheStreamEnds()
    {
        // Shutdown held at its first step (ApplicationStopping signalled, nothing torn down yet): the stream must end
        // by itself then, not when the server is finally destroyed under it. Registered before the stream subscribes,
        // because stopping callbacks run last-registered first.
        var lifetime = _app.Services.GetRequiredService<IHostApplicationLifetime>();
        using var ended = new ManualResetEventSlim();
        lifetime.ApplicationStopping.Register(() => ended.Wait(TimeSpan.FromSeconds(30)));
        using var client = _app.Client();
        await using var stream = await SseStream.OpenAsync(client);
        await stream.NextAsync();

        var stopping = Task.Run(lifetime.StopApplication);
        try
        {
            await Assert.ThrowsAsync<EndOfStreamException>(() => stream.NextAsync());
        }
        finally
        {
            ended.Set();
            await stopping;
        }
    }
}
