using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using SkyDeck.Host.Tests.Support;

namespace SkyDeck.Host.Tests.Api;

/// <summary>The audit log: per-experiment events, the global cursor-paged feed, who did it, and history as of a moment.</summary>
public sealed class AuditTests(ApiFixture fx) : IClassFixture<ApiFixture>
{
    private readonly HttpClient _client = fx.Client;

    private async Task<List<JsonElement>> EventsOfAsync(string id) =>
        [.. (await _client.GetJsonAsync($"/api/experiments/{id}/events")).GetProperty("events").EnumerateArray()];

    [Fact]
    public async Task GivenAUserHeader_WhenChangingAnExperiment_ThenEveryEventRecordsWho()
    {
        var id = fx.NewId("who");
        await fx.CreateAsync(id, user: "alice");
        await (await _client.PatchJsonAsync($"/api/experiments/{id}", new JsonObject { ["nodes"] = 2 }, user: "bob@example.com")).ExpectAsync(HttpStatusCode.OK);
        await (await _client.PostJsonAsync($"/api/experiments/{id}/state", new JsonObject { ["desired_state"] = "TERMINATED", ["reason"] = "done" }, user: "  carol  "))
            .ExpectAsync(HttpStatusCode.OK);
        await (await _client.SendAsync(HttpMethod.Delete, $"/api/experiments/{id}")).ExpectAsync(HttpStatusCode.OK);

        var events = await EventsOfAsync(id);

        Assert.Equal(
            [("experiment_created", "alice"), ("spec_updated", "bob@example.com"), ("desired_state_changed", "carol"), ("experiment_deleted", "anonymous")],
            events.Select(e => (e.Str("type"), e.Str("who"))));
        Assert.Equal("done", events[2].Str("reason"));
        Assert.Equal([1L, 2L, 3L, 4L], events.Select(e => e.GetProperty("sequence").GetInt64()));
        Assert.All(events, e => Assert.Equal(id, e.Str("experiment_id")));
        Assert.Equal(2, events[1].GetProperty("change").GetProperty("spec").GetProperty("nodes").GetInt32());
        Assert.Equal(2, events[1].GetProperty("change").GetProperty("generation").GetInt32());
        var page = await _client.GetJsonAsync($"/api/experiments/{id}/events");
        Assert.Equal(events[^1].GetProperty("cursor").GetInt64(), page.GetProperty("cursor").GetInt64());
    }

    [Theory]
    [InlineData("x\u0001y")]
    [InlineData("tab\there")]
    public async Task GivenAUserHeaderWithControlCharacters_WhenCreating_Then400NamingTheHeader(string user)
    {
        var id = fx.NewId("badwho");

        await (await _client.PostJsonAsync("/api/experiments", Http.NewExperiment(id), user)).ExpectProblemAsync(HttpStatusCode.BadRequest, Http.UserHeader);

        await _client.GetJsonAsync($"/api/experiments/{id}", HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task GivenManyEvents_WhenPagingWithTheCursor_ThenEveryEventComesExactlyOnceInOrder()
    {
        for (var i = 0; i < 7; i++)
        {
            var id = fx.NewId("page");
            await fx.CreateAsync(id);
            await (await _client.PatchJsonAsync($"/api/experiments/{id}", new JsonObject { ["nodes"] = 2 })).ExpectAsync(HttpStatusCode.OK);
        }

        var all = (await _client.GetJsonAsync("/api/events?limit=1000")).GetProperty("events").EnumerateArray().ToList();
        var paged = new List<JsonElement>();
        long cursor = 0;
        for (var pages = 0; pages < 100; pages++)
        {
            var page = await _client.GetJsonAsync($"/api/events?after={cursor}&limit=3");
            var events = page.GetProperty("events").EnumerateArray().ToList();
            Assert.True(events.Count <= 3);
            if (events.Count == 0)
            {
                Assert.Equal(cursor, page.GetProperty("cursor").GetInt64());
                break;
            }

            Assert.Equal(events[^1].GetProperty("cursor").GetInt64(), page.GetProperty("cursor").GetInt64());
            paged.AddRange(events);
            cursor = page.GetProperty("cursor").GetInt64();
        }

        Assert.True(all.Count >= 14, $"only {all.Count} events");
        var pagedCursors = paged.Select(e => e.GetProperty("cursor").GetInt64()).ToList();
        Assert.Equal(pagedCursors.Distinct(), pagedCursors);
        Assert.Equal(pagedCursors.Order(), pagedCursors);
        Assert.Equal(all.Select(e => e.GetRawText()), paged.Take(all.Count).Select(e => e.GetRawText()));
    }

    [Fact]
    public async Task GivenTheLastCursor_WhenMoreHappens_ThenOnlyTheNewEventsFollowIt()
    {
        var head = await _client.GetJsonAsync("/api/events?limit=1000");
        var cursor = head.GetProperty("cursor").GetInt64();
        var id = fx.NewId("tail");

        await fx.CreateAsync(id, user: "tailer");

        var next = await _client.GetJsonAsync($"/api/events?after={cursor}");
        var created = Assert.Single(next.GetProperty("events").EnumerateArray());
        Assert.Equal("experiment_created", created.Str("type"));
        Assert.Equal(id, created.Str("experiment_id"));
        Assert.Equal("tailer", created.Str("who"));
        Assert.True(created.GetProperty("cursor").GetInt64() > cursor);
        var empty = await _client.GetJsonAsync($"/api/events?after={next.GetProperty("cursor").GetInt64()}");
        Assert.Empty(empty.GetProperty("events").EnumerateArray());
    }

    [Theory]
    [InlineData("after=-1", "after")]
    [InlineData("limit=0", "limit")]
    [InlineData("limit=1001", "limit")]
    [InlineData("limit=-5", "limit")]
    public async Task GivenABadPagingParameter_WhenReadingEvents_Then400NamingIt(string query, string field)
    {
        await (await _client.GetAsync($"/api/events?{query}")).ExpectProblemAsync(HttpStatusCode.BadRequest, field);
    }

    [Theory]
    [InlineData("after=abc", "after")]
    [InlineData("limit=1.5", "limit")]
    [InlineData("limit=abc", "limit")]
    [InlineData("after=99999999999999999999999", "after")]
    public async Task GivenANonNumericPagingParameter_WhenReadingEvents_Then400NamingIt(string query, string field)
    {
        await (await _client.GetAsync($"/api/events?{query}")).ExpectProblemAsync(HttpStatusCode.BadRequest, field);
    }

    [Fact]
    public async Task GivenAPatchedExperiment_WhenAskingForHistoryBeforeThePatch_ThenTheOldSpecComesBack()
    {
        var id = fx.NewId("history");
        var created = await fx.CreateAsync(id, new { nodes = 1, description = "v1" });
        var createdAt = created.GetProperty("created_at").GetDateTimeOffset();
        await (await _client.PatchJsonAsync($"/api/experiments/{id}", new JsonObject { ["nodes"] = 4, ["description"] = "v2" })).ExpectAsync(HttpStatusCode.OK);
        var patchedAt = (await EventsOfAsync(id)).Single(e => e.Str("type") == "spec_updated").GetProperty("at").GetDateTimeOffset();

        var before = await _client.GetJsonAsync(Http.Url($"/api/experiments/{id}/history", ("at", createdAt.ToString("O"))));
        var after = await _client.GetJsonAsync(Http.Url($"/api/experiments/{id}/history", ("at", patchedAt.ToString("O"))));

        Assert.Equal(createdAt, before.GetProperty("at").GetDateTimeOffset());
        Assert.Equal(1, before.GetProperty("experiment").GetProperty("nodes").GetInt32());
        Assert.Equal("v1", before.GetProperty("experiment").Str("description"));
        Assert.Equal(1, before.GetProperty("experiment").GetProperty("generation").GetInt32());
        Assert.Equal(4, after.GetProperty("experiment").GetProperty("nodes").GetInt32());
        Assert.Equal(2, after.GetProperty("experiment").GetProperty("generation").GetInt32());
        Assert.Equal(4, (await fx.GetAsync(id)).GetProperty("nodes").GetInt32());
    }

    [Fact]
    public async Task GivenATimeBeforeTheExperimentExisted_WhenAskingForHistory_Then404()
    {
        var id = fx.NewId("early");
        await fx.CreateAsync(id);

        var problem = await (await _client.GetAsync($"/api/experiments/{id}/history?at=2000-01-01T00:00:00Z")).ExpectProblemAsync(HttpStatusCode.NotFound);

        Assert.Contains("did not exist", problem.Str("detail"));
    }

    [Theory]
    [InlineData("")]
    [InlineData("?at=")]
    [InlineData("?at=yesterday")]
    [InlineData("?at=2026-13-45T99:00:00Z")]
    public async Task GivenAMissingOrBadAt_WhenAskingForHistory_Then400NamingAt(string query)
    {
        var id = fx.NewId("badat");
        await fx.CreateAsync(id);

        await (await _client.GetAsync($"/api/experiments/{id}/history{query}")).ExpectProblemAsync(HttpStatusCode.BadRequest, "at");
    }

    [Fact]
    public async Task GivenAHugeAt_WhenAskingForHistory_Then400WithATruncatedDetail()
    {
        var id = fx.NewId("hugeat");
        await fx.CreateAsync(id);

        var problem = await (await _client.GetAsync($"/api/experiments/{id}/history?at={new string('9', 3000)}")).ExpectProblemAsync(HttpStatusCode.BadRequest, "at");

        Assert.True(problem.Str("detail").Length < 300);
    }
}
