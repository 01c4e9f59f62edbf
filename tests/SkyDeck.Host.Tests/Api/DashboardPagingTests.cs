using System.Net;
using System.Text.Json;
using SkyDeck.Host.Api;
using SkyDeck.Host.Tests.Support;

namespace SkyDeck.Host.Tests.Api;

/// <summary>
/// What the dashboard's paged table needs from the server: its threshold in <c>GET /api/meta</c>
/// (<c>SKYDECK_DASHBOARD_PAGED_ABOVE</c>), pages at an <c>offset</c> (a far jump of the scrollbar), the state sort in
/// the dashboard's order, and a live stream of changes without the snapshot.
/// </summary>
public sealed class DashboardPagingTests(DashboardPagingTests.Fixture fx) : IClassFixture<DashboardPagingTests.Fixture>
{
    public sealed class Fixture : ApiFixture
    {
        protected override IReadOnlyDictionary<string, string> Settings => new Dictionary<string, string> { ["SKYDECK_DASHBOARD_PAGED_ABOVE"] = "50" };
    }

    private readonly HttpClient _client = fx.Client;

    private static List<string> Ids(JsonElement page) => [.. page.GetProperty("experiments").EnumerateArray().Select(e => e.Str("id"))];

    [Fact]
    public async Task GivenTheThresholdSetting_WhenTheDashboardReadsMeta_ThenItGetsThatThreshold()
    {
        var meta = await _client.GetJsonAsync("/api/meta");

        Assert.Equal(50, meta.GetProperty("dashboard").GetProperty("paged_above").GetInt32());
    }

    [Fact]
    public async Task GivenAnOffset_WhenPaged_ThenThePageStartsThatManyMatchesInAndTheTotalIsAllMatches()
    {
        var ids = new List<string>();
        for (var i = 0; i < 7; i++)
        {
            ids.Add(fx.NewId("offset"));
            await fx.CreateAsync(ids[^1], new { flags = new Dictionary<string, object> { ["kind"] = "offset", ["n"] = i } });
        }

        var page = await _client.GetJsonAsync("/api/experiments?q=kind=offset&sort=f:n:desc&offset=2&limit=3");
        var past = await _client.GetJsonAsync("/api/experiments?q=kind=offset&sort=f:n:desc&offset=100&limit=3");

        Assert.Equal([ids[4], ids[3], ids[2]], Ids(page));
        Assert.Equal(7, page.GetProperty("total").GetInt32());
        Assert.NotEqual(JsonValueKind.Null, page.GetProperty("next").ValueKind);
        Assert.Empty(Ids(past));
        Assert.Equal(7, past.GetProperty("total").GetInt32());
        Assert.Equal(JsonValueKind.Null, past.GetProperty("next").ValueKind);
    }

    [Theory]
    [InlineData("offset=-1")]
    [InlineData("offset=ten")]
    [InlineData("offset=100000001")]
    public async Task GivenABadOffset_WhenListed_Then400NamingIt(string query)
    {
        await (await _client.GetAsync($"/api/experiments?{query}")).ExpectProblemAsync(HttpStatusCode.BadRequest, "offset");
    }

    [Fact]
    public async Task GivenAnOffsetAndACursor_WhenListed_Then400NamingOffset()
    {
        var id = fx.NewId("both");
        await fx.CreateAsync(id);
        var first = await _client.GetJsonAsync("/api/experiments?limit=1");

        await (await _client.GetAsync($"/api/experiments?limit=1&offset=1&after={first.Str("next")}")).ExpectProblemAsync(HttpStatusCode.BadRequest, "offset");
    }

    [Fact]
    public async Task GivenARunningAndAStoppedExperiment_WhenSortedByState_ThenTheRunningOneComesFirstAsOnTheDashboard()
    {
        var idle = fx.NewId("state-a");
        var live = fx.NewId("state-b");
        await fx.CreateAsync(idle, new { flags = new Dictionary<string, object> { ["kind"] = "state" } });
        await fx.CreateAsync(live, new { flags = new Dictionary<string, object> { ["kind"] = "state" } });
        await (await _client.PostJsonAsync($"/api/experiments/{live}/state", new System.Text.Json.Nodes.JsonObject { ["desired_state"] = "RUNNING" })).ExpectAsync(HttpStatusCode.OK);
        await fx.WaitForAsync(live, e => e.Str("current_state") == "RUNNING", "running");
        var idleState = (await fx.GetAsync(idle)).Str("current_state");
        var order = MetaEndpoints.Value.CurrentStates;
        Assert.True(order.ToList().IndexOf("RUNNING") < order.ToList().IndexOf(idleState), $"{idleState} is before RUNNING in the display order");

        var page = await _client.GetJsonAsync("/api/experiments?q=kind=state&sort=state");
        var reversed = await _client.GetJsonAsync("/api/experiments?q=kind=state&sort=state:desc");

        Assert.Equal([live, idle], Ids(page));
        Assert.Equal([idle, live], Ids(reversed));
    }

    [Fact]
    public async Task GivenAStreamWithoutSnapshot_WhenSomethingChanges_ThenAStartEventAndThenOnlyTheChangeArrive()
    {
        await fx.CreateAsync(fx.NewId("old"));
        await using var stream = await SseStream.OpenAsync(_client, path: "/api/stream?snapshot=false");

        var start = await stream.NextAsync();
        Assert.Equal("start", start.Type);
        Assert.NotNull(start.Id);
        Assert.False(start.Json.GetProperty("snapshot").GetBoolean());

        var id = fx.NewId("new");
        await fx.CreateAsync(id);
        var change = await stream.NextAsync();
        Assert.Equal("experiment", change.Type);
        Assert.Equal(id, change.Json.Str("id"));
        Assert.True(change.Sequence > start.Sequence);
    }

    [Fact]
    public async Task GivenAStreamWithoutSnapshot_WhenResumed_ThenTheMissedChangesAreReplayedElseItStartsAfresh()
    {
        string startId;
        await using (var stream = await SseStream.OpenAsync(_client, path: "/api/stream?snapshot=false"))
            startId = (await stream.NextAsync()).Id!;
        var missed = fx.NewId("missed");
        await fx.CreateAsync(missed);

        await using var resumed = await SseStream.OpenAsync(_client, startId, "/api/stream?snapshot=false");
        var replayed = await resumed.NextAsync();
        Assert.Equal("experiment", replayed.Type);
        Assert.Equal(missed, replayed.Json.Str("id"));

        // an id from another run of the server cannot be resumed: a start event again, never the snapshot
        await using var fresh = await SseStream.OpenAsync(_client, "00000000-1", "/api/stream?snapshot=false");
        Assert.Equal("start", (await fresh.NextAsync()).Type);
    }

    [Fact]
    public async Task GivenABadSnapshotValue_WhenStreaming_Then400NamingIt()
    {
        await (await _client.GetAsync("/api/stream?snapshot=maybe")).ExpectProblemAsync(HttpStatusCode.BadRequest, "snapshot");
    }
}
