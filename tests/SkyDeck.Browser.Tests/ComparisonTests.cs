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

    [Fact]
    public async Task Group_by_a_flag_folds_groups_counts_states_and_selects_a_whole_group()
    {
        var p = Ids.New("grp");
        for (var i = 0; i < 6; i++)
            await Server.CreateAsync($"{p}-{i}", new Dictionary<string, object> { ["trainer.lr"] = i % 2 == 0 ? 0.1 : 0.01, ["seed"] = i }, desired: i == 0 ? "RUNNING" : "STOPPED");
        await Server.CreateAsync($"{p}-none", new Dictionary<string, object> { ["seed"] = 9 });
        await using var d = await DashboardPage.OpenAsync(fixture, $"#q={p}");
        await Expect(d.Rows).ToHaveCountAsync(7);

        await d.Page.GetByTestId("group-by").SelectOptionAsync("f:trainer.lr");
        Assert.Contains("by=f%3Atrainer.lr", d.Page.Url);
        var groups = d.Page.GetByTestId("group-row");
        await Expect(groups).ToHaveCountAsync(3);
        await Expect(groups.GetByTestId("group-label")).ToHaveTextAsync(["trainer.lr = 0.01", "trainer.lr = 0.1", "trainer.lr = (not set)"]);
        await Expect(groups.GetByTestId("group-count")).ToHaveTextAsync(["3", "3", "1"]);
        await Expect(groups.Nth(1).GetByTestId("group-states")).ToContainTextAsync(new Regex("STOPPED 2"));

        // rows sit under their group header
        var order = await d.Page.Locator("[data-testid='grid-body'] > [role='row']").EvaluateAllAsync<string[]>(
            "rows => rows.map(r => r.dataset.testid === 'group-row' ? 'G:' + r.dataset.value : r.dataset.id)");
        Assert.Equal("G:0.01", order[0]);
        Assert.Equal(new[] { $"{p}-1", $"{p}-3", $"{p}-5" }.Order(), order[1..4].Order());
        Assert.Equal("G:0.1", order[4]);
        Assert.Equal($"G:", order[^2]);
        Assert.Equal($"{p}-none", order[^1]);

        // fold one group: its rows go, the others stay; the fold is in the URL
        await groups.Nth(0).GetByTestId("group-toggle").ClickAsync();
        await Expect(d.Rows).ToHaveCountAsync(4);
        await Expect(d.Row($"{p}-1")).ToHaveCountAsync(0);
        Assert.Contains("fold=0.01", d.Page.Url);

        // select a whole group (folded rows included) from its header
        await groups.Nth(0).GetByTestId("group-select").CheckAsync();
        await Expect(d.Page.GetByTestId("bulk-count")).ToHaveTextAsync("3 selected");
        await groups.Nth(0).GetByTestId("group-toggle").ClickAsync();
        await Expect(d.Row($"{p}-3").GetByTestId("row-select")).ToBeCheckedAsync();
        await d.Row($"{p}-3").GetByTestId("row-select").UncheckAsync();
        await Expect(groups.Nth(0).GetByTestId("group-select")).ToHaveJSPropertyAsync("indeterminate", true);

        // a state change updates its group's counts live
        await Server.SetStateAsync($"{p}-2", "RUNNING");
        await Expect(groups.Nth(1).GetByTestId("group-states")).ToContainTextAsync(new Regex("STOPPED 1"), new() { Timeout = 40_000 });
        await Server.SetStateAsync($"{p}-0", "STOPPED");
        await Server.SetStateAsync($"{p}-2", "STOPPED");
    }

    [Fact]
    public async Task A_baseline_tints_the_cells_that_differ_from_it_and_a_grouped_screenshot_is_kept()
    {
        var p = Ids.New("base");
        await Server.CreateAsync($"{p}-a", new Dictionary<string, object> { ["trainer.lr"] = 0.1, ["model.layers"] = 50, ["seed"] = 1 });
        await Server.CreateAsync($"{p}-b", new Dictionary<string, object> { ["trainer.lr"] = 0.1, ["model.layers"] = 101, ["seed"] = 2 });
        await Server.CreateAsync($"{p}-c", new Dictionary<string, object> { ["trainer.lr"] = 0.3, ["model.layers"] = 50 });
        await using var d = await DashboardPage.OpenAsync(fixture, $"#q={p}&open={p}-a");
        await d.Details($"{p}-a").GetByTestId("detail-baseline").ClickAsync();
        await Expect(d.Page.GetByTestId("baseline-chip")).ToContainTextAsync($"{p}-a");
        Assert.Contains($"base={p}-a", d.Page.Url);
        await Expect(d.Details($"{p}-a").GetByTestId("detail-baseline")).ToHaveTextAsync("Baseline ✓");

        await Expect(Cell(d.Row($"{p}-b"), "model.layers")).ToHaveClassAsync(new Regex(@"\bv-diff\b"));
        await Expect(Cell(d.Row($"{p}-b"), "seed")).ToHaveClassAsync(new Regex(@"\bv-diff\b"));
        await Expect(Cell(d.Row($"{p}-b"), "trainer.lr")).Not.ToHaveClassAsync(new Regex(@"\bv-diff\b"));
        await Expect(Cell(d.Row($"{p}-c"), "seed")).ToHaveClassAsync(new Regex(@"\bv-diff\b")); // not set vs 1
        await Expect(Cell(d.Row($"{p}-c"), "seed")).ToHaveAttributeAsync("title", $"seed: not set (baseline {p}-a: 1)");
        await Expect(Cell(d.Row($"{p}-a"), "seed")).Not.ToHaveClassAsync(new Regex(@"\bv-diff\b"));
        await Expect(d.Row($"{p}-a")).ToHaveClassAsync(new Regex(@"\bis-baseline\b"));

        // the baseline's own change re-tints the others
        await Server.SetFlagsAsync($"{p}-a", new Dictionary<string, object> { ["trainer.lr"] = 0.3, ["model.layers"] = 50, ["seed"] = 1 });
        await Expect(Cell(d.Row($"{p}-c"), "trainer.lr")).Not.ToHaveClassAsync(new Regex(@"\bv-diff\b"), new() { Timeout = 20_000 });
        await Expect(Cell(d.Row($"{p}-b"), "trainer.lr")).ToHaveClassAsync(new Regex(@"\bv-diff\b"));

        // grouped and compared, only the columns that vary: the picture the issue asks for
        await d.Page.GetByTestId("group-by").SelectOptionAsync("f:model.layers");
        await d.Page.GetByTestId("toggle-varying").CheckAsync();
        await d.Page.EvaluateAsync($"() => {{ location.hash = location.hash.replace(/&open=[^&]*/, ''); }}");
        await Expect(d.Page.GetByTestId("group-row")).ToHaveCountAsync(2);
        await d.Page.ScreenshotAsync(new() { Path = Path.Combine(DashboardTests.ArtifactDirectory(), "dashboard-grouped-baseline.png") });

        await d.Page.GetByTestId("baseline-clear").ClickAsync();
        await Expect(d.Page.Locator(".v-diff")).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task The_column_chooser_hides_base_and_flag_columns_and_the_view_keeps_it()
    {
        var id = Ids.New("cols");
        await Server.CreateAsync(id, new Dictionary<string, object> { ["trainer.lr"] = 0.1, ["seed"] = 1 });
        await using var d = await DashboardPage.OpenAsync(fixture, $"#q={id}");
        await Expect(Cell(d.Row(id), "seed")).ToBeVisibleAsync();
        await d.Page.GetByTestId("columns-button").ClickAsync();
        var chooser = d.Page.GetByTestId("column-chooser");
        await chooser.Locator("[data-testid='column-toggle'][data-key='nodes']").UncheckAsync();
        await chooser.Locator("[data-testid='column-toggle'][data-key='f:seed']").UncheckAsync();
        await Expect(Cell(d.Row(id), "seed")).ToHaveCountAsync(0);
        await Expect(d.Page.GetByTestId("col-flag")).ToHaveCountAsync(1);
        await Expect(d.Row(id).GetByTestId("cell-nodes")).ToBeHiddenAsync();
        await Expect(d.Page.GetByTestId("columns-button")).ToHaveTextAsync("Columns (2 hidden)");
        Assert.Contains("hide=nodes%2Cf%3Aseed", d.Page.Url);

        // the same view opened from its link
        var url = d.Page.Url;
        await using var again = await DashboardPage.OpenAsync(fixture, url[url.IndexOf('#')..]);
        await Expect(again.Row(id)).ToBeVisibleAsync();
        await Expect(Cell(again.Row(id), "seed")).ToHaveCountAsync(0);
        await Expect(again.Row(id).GetByTestId("cell-nodes")).ToBeHiddenAsync();
        await again.Page.GetByTestId("columns-button").ClickAsync();
        await again.Page.GetByTestId("columns-show-all").ClickAsync();
        await Expect(Cell(again.Row(id), "seed")).ToBeVisibleAsync();
        await Expect(again.Row(id).GetByTestId("cell-nodes")).ToBeVisibleAsync();
    }

    [Fact]
    public async Task The_column_chooser_moves_flag_columns_by_keyboard_and_the_view_keeps_the_order()
    {
        var id = Ids.New("order");
        await Server.CreateAsync(id, new Dictionary<string, object> { ["model.layers"] = 2, ["model.width"] = 64, ["seed"] = 1 });
        await using var d = await DashboardPage.OpenAsync(fixture, $"#q={id}");
        await ExpectFlagOrder(d, id, "model.layers", "model.width", "seed");
        await d.Page.GetByTestId("columns-button").ClickAsync();
        var chooser = d.Page.GetByTestId("column-chooser");
        await Expect(chooser.Locator("[data-testid='column-left'][data-key='model.layers']")).ToBeDisabledAsync();

        // keyboard only: focus "move seed left", press Enter (seed is then first: the focus goes to its checkbox)
        var seedLeft = chooser.Locator("[data-testid='column-left'][data-key='seed']");
        await seedLeft.FocusAsync();
        await d.Page.Keyboard.PressAsync("Enter");
        await ExpectFlagOrder(d, id, "seed", "model.layers", "model.width"); // past the whole model group
        await Expect(chooser).ToBeVisibleAsync();
        await Expect(chooser.GetByTestId("chooser-flag")).ToHaveCountAsync(3);
        await Expect(chooser.GetByTestId("chooser-flag").First).ToHaveAttributeAsync("data-key", "seed");
        Assert.Contains("cols=seed%2Cmodel.layers%2Cmodel.width", d.Page.Url);

        // within a group: width before layers
        await chooser.Locator("[data-testid='column-right'][data-key='model.layers']").ClickAsync();
        await ExpectFlagOrder(d, id, "seed", "model.width", "model.layers");

        // the same order from the link, in a fresh page; Reset order goes back to the natural one
        var url = d.Page.Url;
        await using var again = await DashboardPage.OpenAsync(fixture, url[url.IndexOf('#')..]);
        await ExpectFlagOrder(again, id, "seed", "model.width", "model.layers");
        await again.Page.GetByTestId("columns-button").ClickAsync();
        await again.Page.GetByTestId("columns-reset-order").ClickAsync();
        await ExpectFlagOrder(again, id, "model.layers", "model.width", "seed");
    }

    [Fact]
    public async Task The_column_chooser_moves_base_columns_after_name_and_the_url_keeps_the_order()
    {
        var id = Ids.New("basecols");
        await Server.CreateAsync(id, new Dictionary<string, object> { ["seed"] = 1 });
        await using var d = await DashboardPage.OpenAsync(fixture, $"#q={id}");
        await ExpectBaseOrder(d, id, "desired", "current", "job", "nodes", "gpus", "cost", "actions");
        await d.Page.GetByTestId("columns-button").ClickAsync();
        var chooser = d.Page.GetByTestId("column-chooser");
        await Expect(chooser.Locator("[data-testid='base-left'][data-key='desired']")).ToBeDisabledAsync();
        await Expect(chooser.Locator("[data-testid='base-right'][data-key='actions']")).ToBeDisabledAsync();
        await Expect(chooser.Locator("[data-testid='chooser-base'][data-key='name']")).ToHaveCountAsync(0); // frozen

        // keyboard only: "move GPU-h · $ left" twice puts cost before nodes (the focus stays on the button)
        var costLeft = chooser.Locator("[data-testid='base-left'][data-key='cost']");
        await costLeft.FocusAsync();
        await d.Page.Keyboard.PressAsync("Enter");
        await d.Page.Keyboard.PressAsync("Enter");
        await ExpectBaseOrder(d, id, "desired", "current", "job", "cost", "nodes", "gpus", "actions");
        // Start / Stop to the front, by clicks
        for (var i = 0; i < 6; i++) await chooser.Locator("[data-testid='base-left'][data-key='actions']").ClickAsync();
        await ExpectBaseOrder(d, id, "actions", "desired", "current", "job", "cost", "nodes", "gpus");
        Assert.Contains("basecols=actions%2Cdesired%2Ccurrent%2Cjob%2Ccost%2Cnodes%2Cgpus", d.Page.Url);
        // the flag columns still follow the base ones, and the frozen four lead
        await Expect(d.Row(id).Locator(".td").Nth(11)).ToHaveAttributeAsync("data-key", "seed");

        // the same order from the link, in a fresh page (a hidden column keeps its place); Reset order restores it
        var url = d.Page.Url;
        await using var again = await DashboardPage.OpenAsync(fixture, url[url.IndexOf('#')..] + "&hide=job");
        await ExpectBaseOrder(again, id, "actions", "desired", "current", "job", "cost", "nodes", "gpus");
        await Expect(again.Row(id).GetByTestId("cell-job")).ToBeHiddenAsync();
        await again.Page.GetByTestId("columns-button").ClickAsync();
        await again.Page.GetByTestId("columns-reset-order").ClickAsync();
        await ExpectBaseOrder(again, id, "desired", "current", "job", "nodes", "gpus", "cost", "actions");
        Assert.DoesNotContain("basecols=", again.Page.Url);
    }

    /// <summary>The row's base cells after Name, left to right, each in the grid column of its header.</summary>
    private static async Task ExpectBaseOrder(DashboardPage d, string id, params string[] keys)
    {
        var order = "[" + string.Join(",", keys.Select(k => $"'{k}'")) + "]";
        // the cells in the DOM in that order, right after the frozen four, and their headers in the same grid columns
        await Expect(d.Row(id)).ToBeVisibleAsync();
        await d.Page.WaitForFunctionAsync($$"""
            ([id, keys]) => {
              const row = document.querySelector(`[data-testid=row][data-id="${id}"]`);
              if (!row) return false;
              const cells = [...row.children].slice(4, 4 + keys.length);
              return keys.every((k, i) => cells[i]?.classList.contains(`col-${k}`)
                && document.querySelector(`[data-testid=col-${k}]`)?.style.gridColumn === String(5 + i));
            }
            """, new object[] { id, keys }, new() { Timeout = 15_000 });
        // and laid out left to right
        var xs = new List<double>();
        foreach (var k in keys)
        {
            var box = await d.Page.GetByTestId($"col-{k}").BoundingBoxAsync();
            xs.Add(box?.X ?? -1);
        }
        Assert.True(xs.Zip(xs.Skip(1), (a, b) => a <= b).All(ok => ok), $"headers of {order} at x {string.Join(", ", xs)}");
    }

    /// <summary>The row's flag cells, left to right, and their headers in the same grid columns.</summary>
    private static async Task ExpectFlagOrder(DashboardPage d, string id, params string[] keys)
    {
        var cells = d.Row(id).GetByTestId("cell-flag");
        await Expect(cells).ToHaveCountAsync(keys.Length);
        for (var i = 0; i < keys.Length; i++)
        {
            await Expect(cells.Nth(i)).ToHaveAttributeAsync("data-key", keys[i]);
            var header = d.Page.Locator($"[data-testid='col-flag'][data-key='{keys[i]}']");
            Assert.Equal(await cells.Nth(i).EvaluateAsync<string>("c => [...c.parentNode.children].indexOf(c) + 1 + ''"),
                await header.EvaluateAsync<string>("h => h.style.gridColumn"));
        }
    }

    [Fact]
    public async Task Starred_experiments_are_remembered_and_filtered()
    {
        var p = Ids.New("star");
        await Server.CreateAsync($"{p}-1");
        await Server.CreateAsync($"{p}-2");
        await using var d = await DashboardPage.OpenAsync(fixture, $"#q={p}");
        await Expect(d.Rows).ToHaveCountAsync(2);
        var star = d.Row($"{p}-2").GetByTestId("row-star");
        await Expect(star).ToHaveAttributeAsync("aria-pressed", "false");
        await star.ClickAsync();
        await Expect(star).ToHaveAttributeAsync("aria-pressed", "true");
        await Expect(d.Details($"{p}-2")).ToHaveCountAsync(0); // starring does not open the row

        await d.Page.GetByTestId("toggle-starred").CheckAsync();
        await Expect(d.Rows).ToHaveCountAsync(1);
        await Expect(d.Row($"{p}-2")).ToBeVisibleAsync();
        Assert.Contains("starred=1", d.Page.Url);

        await d.Page.ReloadAsync();
        await Expect(d.Rows).ToHaveCountAsync(1);
        await Expect(d.Row($"{p}-2").GetByTestId("row-star")).ToHaveTextAsync("★");
        await d.Row($"{p}-2").GetByTestId("row-star").ClickAsync();
        await Expect(d.Rows).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task The_parallel_coordinates_plot_follows_the_filter_and_brushing_an_axis_filters_the_table()
    {
        var p = Ids.New("plot");
        double[] rates = [0.0001, 0.0003, 0.001, 0.003, 0.01, 0.03];
        for (var i = 0; i < rates.Length; i++)
            await Server.CreateAsync($"{p}-{i}", new Dictionary<string, object> { ["trainer.lr"] = rates[i], ["optim"] = i % 2 == 0 ? "adam" : "sgd", ["seed"] = i });
        await using var d = await DashboardPage.OpenAsync(fixture, $"#q={p}");
        await Expect(d.Rows).ToHaveCountAsync(6);
        await d.Page.GetByTestId("plot-button").ClickAsync();
        Assert.Contains("plot=1", d.Page.Url);
        var plot = d.Page.GetByTestId("plot-panel");
        await Expect(plot.Locator(".plot-line")).ToHaveCountAsync(6);
        await Expect(plot.GetByTestId("plot-axis")).ToHaveCountAsync(4); // optim, seed, trainer.lr, state

        // the table's filter drives the plot
        await d.FilterAsync($"{p} optim=adam");
        await Expect(d.Rows).ToHaveCountAsync(3);
        await Expect(plot.Locator(".plot-line")).ToHaveCountAsync(3);
        await d.Page.ScreenshotAsync(new() { Path = Path.Combine(DashboardTests.ArtifactDirectory(), "dashboard-parallel-coordinates.png") });
        await d.FilterAsync(p);
        await Expect(plot.Locator(".plot-line")).ToHaveCountAsync(6);

        // brushing the top half of the lr axis (the larger rates) filters the table to them
        var brush = plot.Locator("[data-testid='plot-axis'][data-key='trainer.lr'] [data-testid='plot-brush']");
        var box = (await brush.BoundingBoxAsync())!;
        await d.Page.Mouse.MoveAsync(box.X + box.Width / 2, box.Y + 1);
        await d.Page.Mouse.DownAsync();
        await d.Page.Mouse.MoveAsync(box.X + box.Width / 2, box.Y + box.Height * 0.45f, new() { Steps = 5 });
        await d.Page.Mouse.UpAsync();
        await Expect(d.Page.GetByTestId("filter")).ToHaveValueAsync(new Regex($@"^{p} trainer\.lr>=\S+ trainer\.lr<=\S+$"));
        await Expect(d.Rows).ToHaveCountAsync(3); // 0.003, 0.01, 0.03 on a log scale from 0.0001
        foreach (var i in new[] { 3, 4, 5 }) await Expect(d.Row($"{p}-{i}")).ToBeVisibleAsync();
        await Expect(plot.Locator(".plot-line")).ToHaveCountAsync(3);

        await d.Page.GetByTestId("plot-button").ClickAsync();
        await Expect(plot).ToBeHiddenAsync();
    }
}
