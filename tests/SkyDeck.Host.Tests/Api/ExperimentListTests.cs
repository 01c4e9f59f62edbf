using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using SkyDeck.Actors.Core;
using SkyDeck.Actors.Experiments;
using SkyDeck.Host.Api;
using SkyDeck.Host.Tests.Support;
using JsonOptions = Microsoft.AspNetCore.Http.Json.JsonOptions;

namespace SkyDeck.Host.Tests.Api;

/// <summary>
/// <c>GET /api/experiments</c> served from <see cref="ExperimentListCache"/>: the same bytes as serializing the read
/// model's list afresh, an ETag that changes with every change, 304 for a matching <c>If-None-Match</c>.
/// </summary>
public sealed class ExperimentListTests(ApiFixture fx) : IClassFixture<ApiFixture>
{
    private readonly HttpClient _client = fx.Client;

    private Experiments Experiments => fx.App.Services.GetRequiredService<Experiments>();

    private JsonSerializerOptions Json => fx.App.Services.GetRequiredService<IOptions<JsonOptions>>().Value.SerializerOptions;

    private static string Url(bool includeDeleted) => includeDeleted ? "/api/experiments?include_deleted=true" : "/api/experiments";

    /// <summary>What the endpoint answered before it cached anything: the list mapped to DTOs and serialized whole.</summary>
    private string Fresh(ExperimentList list, bool includeDeleted) => Encoding.UTF8.GetString(JsonSerializer.SerializeToUtf8Bytes(
        new ExperimentListDto([.. list.Experiments.Where(s => includeDeleted || !s.Deleted).Select(fx.App.Services.GetRequiredService<CostMeter>().Dto)]), Json));

    /// <summary>
    /// The served body next to a fresh serialization of the same table: the read model's list is read before and
    /// after the request, and the pair is kept once nothing changed in between (background polls may change rows).
    /// </summary>
    private async Task<(string Served, string Fresh)> ServedAndFreshAsync(bool includeDeleted)
    {
        for (var attempt = 0; attempt < 20; attempt++)
        {
            var before = await Experiments.ListWithRevisionAsync(CancellationToken.None);
            var response = await _client.GetAsync(Url(includeDeleted));
            var served = await response.Content.ReadAsStringAsync();
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var after = await Experiments.ListWithRevisionAsync(CancellationToken.None);
            if (before.Revision == after.Revision && before.Experiments == after.Experiments) return (served, Fresh(after, includeDeleted));
        }

        throw new Xunit.Sdk.XunitException("the table kept changing while it was read");
    }

    private async Task AssertServedIsFreshAsync(string when)
    {
        foreach (var includeDeleted in new[] { false, true })
        {
            var (served, fresh) = await ServedAndFreshAsync(includeDeleted);
            Assert.True(fresh == served, $"{when}, include_deleted={includeDeleted}: served\n{served}\nfresh\n{fresh}");
        }
    }

    private async Task<HttpResponseMessage> GetIfNoneMatchAsync(string url, EntityTagHeaderValue etag)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.IfNoneMatch.Add(etag);
        return await _client.SendAsync(request);
    }

    private static List<string> Ids(JsonElement list) => [.. list.GetProperty("experiments").EnumerateArray().Select(e => e.Str("id"))];

    [Fact]
    public async Task GivenCreatesPatchesAndDeletes_WhenListed_ThenTheBodyIsByteForByteAFreshSerialization()
    {
        var ids = Enumerable.Range(0, 3).Select(_ => fx.NewId("list")).ToArray();
        await AssertServedIsFreshAsync("before any create");

        foreach (var id in ids) await fx.CreateAsync(id, new { description = "first \"quoted\" <b>", tags = new[] { "a", "b" } });
        await AssertServedIsFreshAsync("after creates");

        await (await _client.PatchJsonAsync($"/api/experiments/{ids[0]}", new JsonObject { ["description"] = "second ünïcode", ["nodes"] = 2 }))
            .ExpectAsync(HttpStatusCode.OK);
        await (await _client.PostJsonAsync($"/api/experiments/{ids[1]}/flags", new JsonObject { ["flags"] = new JsonObject { ["x.y"] = "a b; rm -rf ~" } }))
            .ExpectAsync(HttpStatusCode.OK);
        await AssertServedIsFreshAsync("after patches");

        await (await _client.DeleteAsync($"/api/experiments/{ids[2]}")).ExpectAsync(HttpStatusCode.OK);
        await AssertServedIsFreshAsync("after a delete");
        Assert.DoesNotContain(ids[2], Ids(await _client.GetJsonAsync(Url(false))));
        Assert.Contains(ids[2], Ids(await _client.GetJsonAsync(Url(true))));
    }

    [Fact]
    public async Task GivenAnUnchangedTable_WhenListedTwice_ThenTheSameStrongETagNoCacheAndA304ForIt()
    {
        await fx.CreateAsync(fx.NewId("etag"));

        foreach (var includeDeleted in new[] { false, true })
        {
            var url = Url(includeDeleted);
            // Retried only if a background change lands between the two requests; one quiet pair must answer 304.
            var answered304 = false;
            for (var attempt = 0; attempt < 10 && !answered304; attempt++)
            {
                var first = await _client.GetAsync(url);
                Assert.Equal(HttpStatusCode.OK, first.StatusCode);
                var etag = first.Headers.ETag!;
                Assert.False(etag.IsWeak, etag.ToString());
                Assert.Equal("no-cache", first.Headers.CacheControl?.ToString());
                Assert.Equal("application/json", first.Content.Headers.ContentType?.MediaType);
                Assert.Equal("utf-8", first.Content.Headers.ContentType?.CharSet);
                Assert.Equal((await first.Content.ReadAsByteArrayAsync()).Length, first.Content.Headers.ContentLength);

                var again = await _client.GetAsync(url);
                if (!Equals(etag, again.Headers.ETag)) continue;
                var conditional = await GetIfNoneMatchAsync(url, etag);
                if (conditional.StatusCode == HttpStatusCode.OK) continue;

                Assert.Equal(HttpStatusCode.NotModified, conditional.StatusCode);
                Assert.Empty(await conditional.Content.ReadAsByteArrayAsync());
                Assert.Equal(etag, conditional.Headers.ETag);
                Assert.Equal("no-cache", conditional.Headers.CacheControl?.ToString());
                // If-None-Match compares weakly (RFC 9110 13.1.2)
                Assert.Equal(HttpStatusCode.NotModified, (await GetIfNoneMatchAsync(url, new EntityTagHeaderValue(etag.Tag, isWeak: true))).StatusCode);
                answered304 = true;
            }

            Assert.True(answered304, $"{url}: never answered 304 to its own ETag");
        }

        var live = (await _client.GetAsync(Url(false))).Headers.ETag;
        var all = (await _client.GetAsync(Url(true))).Headers.ETag;
        Assert.NotEqual(live, all);
    }

    [Fact]
    public async Task GivenACachedTable_WhenARowChanges_ThenTheNextListShowsItWithANewETagAndTheOldETagGets200()
    {
        var id = fx.NewId("fresh");
        await fx.CreateAsync(id, new { description = "before" });
        foreach (var includeDeleted in new[] { false, true })
        {
            var url = Url(includeDeleted);
            var before = await _client.GetAsync(url);
            var etag = before.Headers.ETag!;

            var description = $"after {includeDeleted}";
            await (await _client.PatchJsonAsync($"/api/experiments/{id}", new JsonObject { ["description"] = description })).ExpectAsync(HttpStatusCode.OK);

            var after = await GetIfNoneMatchAsync(url, etag);
            var body = await after.ExpectAsync(HttpStatusCode.OK);
            Assert.NotEqual(etag, after.Headers.ETag);
            var row = body.GetProperty("experiments").EnumerateArray().Single(e => e.Str("id") == id);
            Assert.Equal(description, row.Str("description"));
        }
    }

    [Fact]
    public async Task GivenADeletedRow_WhenListedWithoutAndWithDeleted_ThenEachBodyFollowsTheDelete()
    {
        var id = fx.NewId("gone");
        await fx.CreateAsync(id);
        Assert.Contains(id, Ids(await _client.GetJsonAsync(Url(false))));
        Assert.Contains(id, Ids(await _client.GetJsonAsync(Url(true))));

        await (await _client.DeleteAsync($"/api/experiments/{id}")).ExpectAsync(HttpStatusCode.OK);

        Assert.DoesNotContain(id, Ids(await _client.GetJsonAsync(Url(false))));
        var all = await _client.GetJsonAsync(Url(true));
        Assert.True(all.GetProperty("experiments").EnumerateArray().Single(e => e.Str("id") == id).GetProperty("deleted").GetBoolean());

        await (await _client.PostAsync($"/api/experiments/{id}/restore", null)).ExpectAsync(HttpStatusCode.OK);
        Assert.Contains(id, Ids(await _client.GetJsonAsync(Url(false))));
    }

    [Fact]
    public async Task GivenTheSameRevisionWithOtherRows_WhenCached_ThenTheCacheRebuildsWithANewETag()
    {
        // A restarted manager counts revisions from zero again: a revision seen before may come back with other rows.
        var id = fx.NewId("reset");
        await fx.CreateAsync(id, new { description = "old" });
        var cache = new ExperimentListCache(fx.App.Services.GetRequiredService<IOptions<JsonOptions>>(), fx.App.Services.GetRequiredService<CostMeter>());
        var list = await Experiments.ListWithRevisionAsync(CancellationToken.None);
        var first = await cache.GetAsync(list, includeDeleted: false, CancellationToken.None);
        Assert.Same(first, await cache.GetAsync(list, includeDeleted: false, CancellationToken.None));

        var changed = new ExperimentList(
            [.. list.Experiments.Select(s => s.Id == id ? s with { Spec = s.Spec with { Description = "new" } } : s)], list.Revision);
        var second = await cache.GetAsync(changed, includeDeleted: false, CancellationToken.None);

        Assert.NotEqual(first.ETag, second.ETag);
        Assert.Equal(Fresh(changed, includeDeleted: false), Encoding.UTF8.GetString(second.Bytes));
        Assert.Contains("\"description\":\"new\"", Encoding.UTF8.GetString(second.Bytes));
    }

    [Fact]
    public async Task GivenAThousandRowsNeverSerialized_WhenBuilt_ThenTheBodyIsAFreshSerializationInTheListsOrder()
    {
        // A first build after a start serializes its rows in parallel: the order and the bytes must not change.
        var id = fx.NewId("many");
        await fx.CreateAsync(id, new { description = "one of many" });
        var list = await Experiments.ListWithRevisionAsync(CancellationToken.None);
        var template = list.Experiments.Single(s => s.Id == id);
        var many = new ExperimentList(
            [.. Enumerable.Range(0, 1000).Select(i => template with { Id = $"{id}-{i:0000}", Deleted = i % 7 == 0, Version = i })], list.Revision + 1);
        var cache = new ExperimentListCache(fx.App.Services.GetRequiredService<IOptions<JsonOptions>>(), fx.App.Services.GetRequiredService<CostMeter>());

        foreach (var includeDeleted in new[] { false, true })
        {
            var body = await cache.GetAsync(many, includeDeleted, CancellationToken.None);
            Assert.Equal(Fresh(many, includeDeleted), Encoding.UTF8.GetString(body.Bytes));
        }
    }

    [Fact]
    public async Task GivenAnEmptyList_WhenSerialized_ThenItMatchesAFreshSerialization()
    {
        var cache = new ExperimentListCache(fx.App.Services.GetRequiredService<IOptions<JsonOptions>>(), fx.App.Services.GetRequiredService<CostMeter>());
        var empty = new ExperimentList([], 0);

        var body = await cache.GetAsync(empty, includeDeleted: true, CancellationToken.None);

        Assert.Equal("{\"experiments\":[]}", Encoding.UTF8.GetString(body.Bytes));
        Assert.Equal(Fresh(empty, includeDeleted: true), Encoding.UTF8.GetString(body.Bytes));
    }
}
