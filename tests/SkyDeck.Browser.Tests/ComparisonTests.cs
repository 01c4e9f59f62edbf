using System.Text.RegularExpressions;

namespace SkyDeck.Browser.Tests;

/// <summary>Comparing runs in the table: frozen columns, grouping, a baseline row, the column chooser, stars.</summary>
[Collection(DashboardCollection.Name)]
[Trait("Category", "Slow")]
public sealed class ComparisonTests(DashboardFixture fixture)
{
    private DashboardServer Server => fixture.Server;

    private static ILocator Cell(ILocator row, string key) => row.Locator($"[data-testid='cell-flag'][data-key='{key}']");

    [Fact]
    public async Task Select_ID_and_Name_stay_in_view_while_the_flags_scroll_sideways()
    {
        var id = Ids.New("frz");
        var flags = Enumerable.Range(0, 40).ToDictionary(i => $"group{i / 8}.flag_with_a_long_name_{i:D2}", i => (object)(i * 1000.5));
        await Server.CreateAsync(id, flags);
        await using var d = await DashboardPage.OpenAsync(fixture, $"#q={id}");
        var row = d.Row(id);
        await Expect(row).ToBeVisibleAsync();
        var before = new
        {
            Select = (await row.GetByTestId("row-select").BoundingBoxAsync())!.X,
            Id = (await row.GetByTestId("cell-id").BoundingBoxAsync())!.X,
            Name = (await row.GetByTestId("cell-name").BoundingBoxAsync())!.X,
            Flag = (await Cell(row, "group2.flag_with_a_long_name_20").BoundingBoxAsync())!.X,
            Header = (await d.Page.GetByTestId("col-id").BoundingBoxAsync())!.X,
        };
        Assert.Equal(1500, await d.Page.GetByTestId("table-wrap").EvaluateAsync<int>("w => { w.scrollLeft = 1500; return w.scrollLeft; }"));
        Assert.Equal(before.Select, (await row.GetByTestId("row-select").BoundingBoxAsync())!.X, 1);
        Assert.Equal(before.Id, (await row.GetByTestId("cell-id").BoundingBoxAsync())!.X, 1);
        Assert.Equal(before.Name, (await row.GetByTestId("cell-name").BoundingBoxAsync())!.X, 1);
        Assert.Equal(before.Header, (await d.Page.GetByTestId("col-id").BoundingBoxAsync())!.X, 1);
        Assert.True((await Cell(row, "group2.flag_with_a_long_name_20").BoundingBoxAsync())!.X < before.Flag - 1000);
        // the frozen cells cover what scrolls under them: the ID cell is what is drawn at its centre
        Assert.True(await row.GetByTestId("cell-id").EvaluateAsync<bool>(
            "c => { const r = c.getBoundingClientRect(); const hit = document.elementFromPoint(r.x + r.width / 2, r.y + r.height / 2); return c.contains(hit); }"));
    }
}
