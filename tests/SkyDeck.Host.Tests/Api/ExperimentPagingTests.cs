using System.Net;
using System.Text.Json;
using SkyDeck.Host.Api;
using SkyDeck.Host.Tests.Support;

namespace SkyDeck.Host.Tests.Api;

/// <summary>
/// <c>GET /api/experiments</c> with <c>q</c>, <c>sort</c>, <c>limit</c> and <c>after</c>: one page at a time from the
/// read model, <c>{experiments, next, total}</c>, with cursors that stay put while experiments are created.
/// </summary>
public sealed class ExperimentPagingTests(ApiFixture fx) : IClassFixture<ApiFixture>
{
    private readonly HttpClient _client = fx.Client;

    private static List<string> Ids(JsonElement page) => [.. page.GetProperty("experiments").EnumerateArray().Select(e => e.Str("id"))];

    private async Task<string[]> CreateScoredAsync(string prefix, params int[] scores)
    {
        var ids = new string[scores.Length];
        for (var i = 0; i < scores.Length; i++)
        {
            ids[i] = fx.NewId(prefix);
            await fx.CreateAsync(ids[i], new { flags = new Dictionary<string, object> { ["eval.score"] = scores[i], ["prefix"] = prefix } });
        }

        return ids;
    }

    [Fact]
    public async Task GivenScoredExperiments_WhenPagedByAFlagDescending_ThenEveryMatchComesOnceInOrderWithTheTotal()
    {
        var ids = await CreateScoredAsync("walk", 5, 1, 9, 3, 7);
        int[] scores = [5, 1, 9, 3, 7];
        var expected = ids.Select((id, i) => (Id: id, Score: scores[i])).OrderByDescending(p => p.Score).Select(p => p.Id).ToList();

        var seen = new List<string>();
        string? next = null;
        var pages = 0;
        do
        {
            var page = await _client.GetJsonAsync("/api/experiments?q=prefix%3Dwalk&sort=f:eval.score:desc&limit=2" + (next is null ? "" : "&after=" + next));
            Assert.Equal(5, page.GetProperty("total").GetInt32());
            seen.AddRange(Ids(page));
            next = page.GetProperty("next").ValueKind == JsonValueKind.Null ? null : page.Str("next");
            pages++;
        }
        while (next is not null);

        Assert.Equal(expected, seen);
        Assert.Equal(3, pages);
    }

    [Fact]
    public async Task GivenACursor_WhenExperimentsAreCreatedBeforeAndAfterIt_ThenTheNextPageNeitherRepeatsNorSkips()
    {
        var ids = await CreateScoredAsync("stable", 10, 20, 30, 40);
        var first = await _client.GetJsonAsync("/api/experiments?q=prefix=stable&sort=f:eval.score&limit=2");
        Assert.Equal(ids[..2], Ids(first));

        // One lands before the cursor (score 15), one after it (score 35).
        var before = (await CreateScoredAsync("stable", 15))[0];
        var after = (await CreateScoredAsync("stable", 35))[0];
        var second = await _client.GetJsonAsync($"/api/experiments?q=prefix=stable&sort=f:eval.score&limit=10&after={first.Str("next")}");

        Assert.Equal([ids[2], after, ids[3]], Ids(second));
        Assert.DoesNotContain(before, Ids(second));
        Assert.Equal(6, second.GetProperty("total").GetInt32());
        Assert.Equal(JsonValueKind.Null, second.GetProperty("next").ValueKind);
    }

    [Fact]
    public async Task GivenFilterSortAndTheOldParameters_WhenCombined_ThenDeletedRowsFollowIncludeDeletedAndDefaultsApply()
    {
        var ids = await CreateScoredAsync("mix", 1, 2, 3);
        await (await _client.DeleteAsync($"/api/experiments/{ids[1]}")).ExpectAsync(HttpStatusCode.OK);

        var live = await _client.GetJsonAsync("/api/experiments?q=prefix=mix score>=1");
        var all = await _client.GetJsonAsync("/api/experiments?q=prefix=mix&include_deleted=true&sort=id:desc");

        // Default sort: created, oldest first, like the whole list.
        Assert.Equal([ids[0], ids[2]], Ids(live));
        Assert.Equal(2, live.GetProperty("total").GetInt32());
        Assert.Equal(ids.OrderByDescending(id => id, Comparer<string>.Create(ExperimentSort.Natural)), Ids(all));
        Assert.Empty(Ids(await _client.GetJsonAsync("/api/experiments?q=prefix=mix&sweep=nosuchsweep")));
    }

    [Fact]
    public async Task GivenNoPagingParameter_WhenListed_ThenTheAnswerIsTheWholeListWithoutNextOrTotal()
    {
        await CreateScoredAsync("plain", 1);

        var list = await _client.GetJsonAsync("/api/experiments");

        Assert.Equal(["experiments"], list.EnumerateObject().Select(p => p.Name));
    }

    [Theory]
    [InlineData("limit=0", "limit")]
    [InlineData("limit=1001", "limit")]
    [InlineData("limit=ten", "limit")]
    [InlineData("sort=size", "sort")]
    [InlineData("sort=f:", "sort")]
    [InlineData("after=not-a-cursor", "after")]
    [InlineData("include_deleted=maybe&limit=5", "include_deleted")]
    public async Task GivenABadPagingParameter_WhenListed_Then400NamingIt(string query, string field)
    {
        await (await _client.GetAsync($"/api/experiments?{query}")).ExpectProblemAsync(HttpStatusCode.BadRequest, field);
    }

    [Fact]
    public async Task GivenATooLongQueryOrACursorOfAnotherSort_WhenListed_Then400NamingIt()
    {
        await CreateScoredAsync("cursor", 1, 2);
        var byId = await _client.GetJsonAsync("/api/experiments?q=prefix=cursor&sort=id&limit=1");

        await (await _client.GetAsync($"/api/experiments?q=prefix=cursor&sort=name&after={byId.Str("next")}")).ExpectProblemAsync(HttpStatusCode.BadRequest, "after");
        await (await _client.GetAsync($"/api/experiments?q={new string('x', 2001)}")).ExpectProblemAsync(HttpStatusCode.BadRequest, "q");
    }
}
