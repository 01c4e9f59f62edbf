using System.Net;
using System.Text.Json.Nodes;
using SkyDeck.Host.Tests.Support;

namespace SkyDeck.Host.Tests.Api;

/// <summary><c>GET /api/stream</c>: a snapshot first, then one <c>experiment</c> event per change, resumable with Last-Event-ID.</summary>
public sealed class StreamTests(ApiFixture fx) : IClassFixture<ApiFixture>
{
    private readonly HttpClient _client = fx.Client;

    [Fact]
    public async Task GivenAFreshConnection_WhenSomethingChanges_ThenASnapshotComesFirstAndThenTheChange()
    {
        var existing = fx.NewId("before");
        await fx.CreateAsync(existing);
        await using var stream = await SseStream.OpenAsync(_client);
        Assert.Equal("text/event-stream", stream.Response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("no-cache", stream.Response.Headers.CacheControl?.ToString());

        var snapshot = await stream.NextAsync();
        Assert.Equal("snapshot", snapshot.Type);
        Assert.NotNull(snapshot.Id);
        Assert.Contains(snapshot.Json.GetProperty("experiments").EnumerateArray(), e => e.Str("id") == existing);

        var id = fx.NewId("live");
        await fx.CreateAsync(id);
        var change = await stream.NextMatchingAsync(e => e.Type == "experiment" && e.Json.Str("id") == id, $"experiment {id}");

        Assert.True(change.Sequence > snapshot.Sequence);
        Assert.Equal("STOPPED", change.Json.Str("desired_state"));
        Assert.Equal($"Experiment {id}", change.Json.Str("name"));
    }

    [Fact]
    public async Task GivenALastEventId_WhenReconnecting_ThenOnlyLaterChangesAreSent()
    {
        var first = fx.NewId("first");
        var second = fx.NewId("second");
        string lastSeen;
        await using (var stream = await SseStream.OpenAsync(_client))
        {
            await stream.NextAsync();
            await fx.CreateAsync(first);
            lastSeen = (await stream.NextMatchingAsync(e => e.Type == "experiment" && e.Json.Str("id") == first, first)).Id!;
        }

        // While disconnected: one more change to 'first' and a new experiment.
        await (await _client.PatchJsonAsync($"/api/experiments/{first}", new JsonObject { ["name"] = "renamed while away" })).ExpectAsync(HttpStatusCode.OK);
        await fx.CreateAsync(second);

        await using var resumed = await SseStream.OpenAsync(_client, lastSeen);
        var replayed = new List<SseEvent>();
        while (!replayed.Any(e => e.Json.Str("id") == second)) replayed.Add(await resumed.NextAsync());

        var lastSequence = new SseEvent("experiment", lastSeen, "{}").Sequence;
        Assert.All(replayed, e => Assert.Equal("experiment", e.Type));
        Assert.All(replayed, e => Assert.True(e.Sequence > lastSequence, $"{e.Id} is not after {lastSeen}"));
        Assert.Equal(replayed.Select(e => e.Sequence).Order(), replayed.Select(e => e.Sequence));
        Assert.Contains(replayed, e => e.Json.Str("id") == first && e.Json.Str("name") == "renamed while away");
        Assert.DoesNotContain(replayed, e => e.Json.Str("id") == first && e.Json.Str("name") != "renamed while away");
    }

    [Fact]
    public async Task GivenALastEventIdViaTheQueryString_WhenReconnecting_ThenItResumesToo()
    {
        string lastSeen;
        await using (var stream = await SseStream.OpenAsync(_client))
            lastSeen = (await stream.NextAsync()).Id!;
        var id = fx.NewId("query");
        await fx.CreateAsync(id);

        await using var resumed = await SseStream.OpenAsync(_client, path: $"/api/stream?last_event_id={Uri.EscapeDataString(lastSeen)}");

        var first = await resumed.NextAsync();
        Assert.Equal("experiment", first.Type);
        Assert.Equal(id, first.Json.Str("id"));
        Assert.True(first.Sequence > new SseEvent("snapshot", lastSeen, "{}").Sequence);
    }

    [Theory]
    [InlineData("deadbeef-1")]
    [InlineData("garbage")]
    [InlineData("")]
    public async Task GivenALastEventIdFromAnotherRunOrGarbage_WhenReconnecting_ThenAFreshSnapshotIsSent(string lastEventId)
    {
        await using var stream = await SseStream.OpenAsync(_client, lastEventId.Length == 0 ? null : lastEventId);

        var first = await stream.NextAsync();

        Assert.Equal("snapshot", first.Type);
    }

    [Fact]
    public async Task GivenALastEventIdFromTheFuture_WhenReconnecting_ThenAFreshSnapshotIsSent()
    {
        string seen;
        await using (var stream = await SseStream.OpenAsync(_client))
            seen = (await stream.NextAsync()).Id!;
        var boot = seen[..(seen.LastIndexOf('-') + 1)];

        await using var future = await SseStream.OpenAsync(_client, boot + "999999999");

        Assert.Equal("snapshot", (await future.NextAsync()).Type);
    }
}
