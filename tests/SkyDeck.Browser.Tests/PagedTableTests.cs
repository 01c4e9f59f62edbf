using System.Text.RegularExpressions;

namespace SkyDeck.Browser.Tests;

/// <summary>
/// Beyond <c>SKYDECK_DASHBOARD_PAGED_ABOVE</c> experiments the table pages through the server: a server whose threshold
/// is 50 with 500 experiments. The first page shows at once, scrolling loads more, the filter and a sort go to the
/// server, a live change appears without the whole list, and the notice says what is off.
/// </summary>
[Collection(PagedTableCollection.Name)]
[Trait("Category", "Slow")]
public sealed class PagedTableTests(PagedTableFixture fixture)
{
    private static ILocator Cell(ILocator row, string key) => row.Locator($"[data-testid='cell-flag'][data-key='{key}']");

    [Fact]
    public async Task Beyond_the_threshold_the_table_pages_filters_and_sorts_on_the_server_and_follows_live_changes()
    {
        var p = fixture.Prefix;
        var requests = new List<string>();
        await using var d = await DashboardPage.OpenAsync(fixture.Dashboard, "", prepare: context =>
        {
            context.Request += (_, request) =>
            {
                lock (requests) requests.Add(request.Url);
            };
            return Task.CompletedTask;
        });
        List<string> Sent(string part)
        {
            lock (requests) return [.. requests.Where(u => u.Contains(part, StringComparison.Ordinal))];
        }

        // the notice, and the first page at once: newest first, the total from the server
        await Expect(d.Page.GetByTestId("paged-notice")).ToBeVisibleAsync();
        await Expect(d.Page.GetByTestId("paged-notice")).ToContainTextAsync("more than 50");
        await Expect(d.Row($"{p}-{PagedTableFixture.Count - 1:D4}")).ToBeVisibleAsync();
        await Expect(d.Page.GetByTestId("row-count")).ToHaveTextAsync(new Regex($"^{PagedTableFixture.Count} shown · [24]00 loaded")); // a page or two, never all
        Assert.InRange(await d.Rows.CountAsync(), 20, 120);
        Assert.Empty(Sent("/api/experiments?include_deleted=true")); // never the whole list
        Assert.NotEmpty(Sent("/api/stream?snapshot=false"));
        Assert.Equal(PagedTableFixture.Count + 1, int.Parse(await d.Page.GetByTestId("experiments-table").GetAttributeAsync("aria-rowcount") ?? "0"));

        // scrolling to the end loads the last page (the scrollbar spans all 500): the oldest row is there
        await d.Page.GetByTestId("table-wrap").EvaluateAsync("w => { w.scrollTop = w.scrollHeight; }");
        var oldest = d.Row($"{p}-0000");
        await Expect(oldest).ToBeInViewportAsync();
        await Expect(Cell(oldest, "n")).ToHaveTextAsync("0");
        Assert.NotEmpty(Sent("offset=400"));
        await d.Page.ScreenshotAsync(new() { Path = Path.Combine(DashboardTests.ArtifactDirectory(), "dashboard-paged.png") });
        await d.Page.GetByTestId("table-wrap").EvaluateAsync("w => { w.scrollTop = 0; }");

        // the filter goes to the server as typed
        await d.FilterAsync("kind=odd");
        await Expect(d.Page.GetByTestId("row-count")).ToHaveTextAsync(new Regex($"^{PagedTableFixture.Count / 2} shown"));
        Assert.NotEmpty(Sent("q=kind%3Dodd"));
        await Expect(d.Row($"{p}-0498")).ToHaveCountAsync(0);
        await Expect(d.Row($"{p}-0499")).ToBeVisibleAsync();

        // a sort by a flag goes to the server in its syntax; a column the server cannot sort says why
        await d.Page.Locator("[data-testid='col-flag'][data-key='n']").ClickAsync();
        await Expect(d.Rows.First).ToHaveAttributeAsync("data-id", $"{p}-0001");
        Assert.NotEmpty(Sent("sort=f%3An&"));
        await d.Page.Locator("[data-testid='col-flag'][data-key='n']").ClickAsync();
        await Expect(d.Rows.First).ToHaveAttributeAsync("data-id", $"{p}-0499");
        Assert.NotEmpty(Sent("sort=f%3An%3Adesc"));
        await Expect(d.Page.GetByTestId("col-gpus")).ToHaveAttributeAsync("title", new Regex("needs every row"));
        await Expect(d.Page.GetByTestId("col-gpus")).Not.ToHaveAttributeAsync("data-sort-key", new Regex("."));
        await Expect(d.Page.GetByTestId("group-by")).ToBeDisabledAsync();

        // live: a new matching experiment takes its place in the server's order; a loaded row's change is patched
        await fixture.Dashboard.Server.CreateAsync($"{p}-new", new Dictionary<string, object> { ["kind"] = "odd", ["n"] = 1000 });
        await Expect(d.Rows.First).ToHaveAttributeAsync("data-id", $"{p}-new");
        await Expect(d.Page.GetByTestId("row-count")).ToHaveTextAsync(new Regex($"^{PagedTableFixture.Count / 2 + 1} shown"));
        await fixture.Dashboard.Server.SendAsync(HttpMethod.Patch, $"api/experiments/{p}-0499", new { name = "renamed live" });
        await Expect(d.Row($"{p}-0499").Locator(".name-text")).ToHaveTextAsync("renamed live");

        // select-all selects the loaded rows and says so
        await d.Page.GetByTestId("select-all").CheckAsync();
        await Expect(d.Page.GetByTestId("bulk-count")).ToHaveTextAsync(new Regex($@"^\d+ selected \(loaded rows only, of {PagedTableFixture.Count / 2 + 1} matching\)"));
        await Expect(d.Page.GetByTestId("select-all")).ToHaveAttributeAsync("title", new Regex("^Select the \\d+ loaded rows"));

        // a filter the server refuses (over 2,000 characters) is said in the notice, not left loading silently
        await d.Page.GetByTestId("bulk-clear").ClickAsync();
        await d.FilterAsync(new string('x', 2001));
        await Expect(d.Page.GetByTestId("paged-problem")).ToContainTextAsync("The server refused this view");
        await d.FilterAsync("kind=even");
        await Expect(d.Page.GetByTestId("paged-problem")).ToBeHiddenAsync();
        await Expect(d.Page.GetByTestId("row-count")).ToHaveTextAsync(new Regex($"^{PagedTableFixture.Count / 2} shown"));
        Assert.InRange(Sent("q=" + new string('x', 2001)).Count, 1, 2); // the refused page is not asked for again and again

        Assert.Empty(d.Errors);
    }
}

/// <summary>Its own server (threshold 50) with 500 experiments, and the browser.</summary>
public sealed class PagedTableFixture : IAsyncLifetime
{
    public const int Count = 500;

    public string Prefix { get; } = Ids.New("paged");

    public DashboardFixture Dashboard { get; } = new(pagedAbove: 50);

    public async Task InitializeAsync()
    {
        await Dashboard.InitializeAsync();
        // a few at a time, oldest first (the table shows newest first)
        for (var start = 0; start < Count; start += 8)
        {
            await Task.WhenAll(Enumerable.Range(start, Math.Min(8, Count - start)).Select(i =>
                Dashboard.Server.CreateAsync($"{Prefix}-{i:D4}", new Dictionary<string, object> { ["n"] = i, ["kind"] = i % 2 == 0 ? "even" : "odd" })));
        }
    }

    public Task DisposeAsync() => Dashboard.DisposeAsync();
}

[CollectionDefinition(Name)]
public sealed class PagedTableCollection : ICollectionFixture<PagedTableFixture>
{
    public const string Name = "paged-table";
}
