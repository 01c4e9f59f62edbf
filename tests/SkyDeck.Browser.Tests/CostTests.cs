using System.Text.RegularExpressions;

namespace SkyDeck.Browser.Tests;

/// <summary>The GPU-hours · $ column, budgets in the details panel, and the all-jobs panel, through what a user does.</summary>
[Collection(DashboardCollection.Name)]
[Trait("Category", "Slow")]
public sealed class CostTests(DashboardFixture fixture)
{
    private static readonly LocatorAssertionsToHaveTextOptions Slow = new() { Timeout = 40_000 };

    private DashboardServer Server => fixture.Server;

    private static async Task ExpectOrder(DashboardPage d, params string[] ids)
    {
        await Expect(d.Rows).ToHaveCountAsync(ids.Length);
        for (var i = 0; i < ids.Length; i++) await Expect(d.Rows.Nth(i)).ToHaveAttributeAsync("data-id", ids[i], new() { Timeout = 20_000 });
    }

    [Fact]
    public async Task Cost_column_counts_on_while_running_and_sorts()
    {
        var p = Ids.New("cost");
        await Server.CreateAsync($"{p}-big", desired: "RUNNING", gpus: 4);
        await Server.CreateAsync($"{p}-small", desired: "RUNNING", gpus: 1);
        await Server.CreateAsync($"{p}-idle", gpus: 8);
        await using var d = await DashboardPage.OpenAsync(fixture, $"#q={p}");
        var big = d.Row($"{p}-big").GetByTestId("cell-cost");
        await Expect(big).ToHaveTextAsync(new Regex(@"GPU-h · \$\d"), Slow);
        await Expect(d.Row($"{p}-small").GetByTestId("cell-cost")).ToHaveTextAsync(new Regex("GPU-h"), Slow);
        await Expect(d.Row($"{p}-idle").GetByTestId("cell-cost")).ToHaveTextAsync("—");

        // it counts on between updates from the server (the row says how fast it grows)
        var before = await big.TextContentAsync();
        await Expect(big).Not.ToHaveTextAsync(before!, Slow);
        Assert.Matches("jobs .* GPU-h · cluster overhead", await big.GetAttributeAsync("title"));

        var header = d.Page.GetByTestId("col-cost");
        await header.ClickAsync();
        await header.ClickAsync();
        await Expect(d.Page).ToHaveURLAsync(new Regex("sort=-cost"));
        await ExpectOrder(d, $"{p}-big", $"{p}-small", $"{p}-idle");

        foreach (var id in new[] { $"{p}-big", $"{p}-small" }) await Server.SetStateAsync(id, "STOPPED");
    }

    [Fact]
    public async Task A_budget_stop_shows_in_the_row_and_raising_the_budget_in_the_form_lets_it_start_again()
    {
        var id = Ids.New("budget");
        await Server.SendAsync(HttpMethod.Post, "api/experiments", new
        {
            id, name = id, base_command = "python train.py", nodes = 1, gpus = 1, flags = new { }, desired_state = "RUNNING",
            budget = new { gpu_hours = 0.001 },
        });
        await using var d = await DashboardPage.OpenAsync(fixture, $"#q={id}&open={id}");
        var row = d.Row(id);
        await Expect(row.GetByTestId("cell-cost")).ToHaveTextAsync(new Regex("^⛔"), Slow);
        await Expect(row.GetByTestId("cell-cost")).ToHaveAttributeAsync("title", new Regex(@"^budget reached: .* / 0\.001 GPU-h"));
        var details = d.Details(id);
        await Expect(details.GetByTestId("config-budget")).ToContainTextAsync("budget reached");
        await Expect(details.GetByTestId("config-cost")).ToContainTextAsync("cluster overhead");

        await details.GetByTestId("detail-edit").ClickAsync();
        await details.GetByTestId("field-budget-gpu_hours").FillAsync("1000");
        await details.GetByTestId("edit-save").ClickAsync();
        await Expect(details.GetByTestId("config-budget")).ToHaveTextAsync(new Regex("^1000 GPU-h — stopped by the earlier budget .*Start runs it again$"), Slow);
        await details.GetByTestId("detail-start").ClickAsync();
        await Expect(row.GetByTestId("cell-cost")).Not.ToHaveTextAsync(new Regex("^⛔"), Slow);
        await Expect(details.GetByTestId("details-desired")).ToHaveTextAsync("RUNNING");
        await Expect(details.GetByTestId("config-budget")).ToHaveTextAsync("1000 GPU-h");

        await Server.SetStateAsync(id, "STOPPED");
    }

    [Fact]
    public async Task All_jobs_panel_lists_jobs_filters_them_and_keeps_its_filter_in_the_url()
    {
        var p = Ids.New("alljobs");
        await Server.CreateAsync($"{p}-a", desired: "RUNNING", gpus: 1);
        await Server.CreateAsync($"{p}-b", desired: "RUNNING", gpus: 1);
        await using var d = await DashboardPage.OpenAsync(fixture, $"#q={p}");
        await Expect(d.Row($"{p}-b").GetByTestId("cell-job")).Not.ToHaveTextAsync(new Regex("^—"), Slow);

        await d.Page.GetByTestId("open-jobs").ClickAsync();
        var panel = d.Page.GetByTestId("jobs-panel");
        await Expect(panel).ToBeVisibleAsync();
        await Expect(d.Page).ToHaveURLAsync(new Regex("jobs=1"));
        await Expect(panel.GetByTestId("jobs-panel-experiment").First).ToHaveTextAsync(new Regex("^" + Regex.Escape(p) + "-b$"), Slow);

        await panel.GetByTestId("jobs-filter-experiment").FillAsync($"{p}-a");
        await Expect(d.Page).ToHaveURLAsync(new Regex($"jexp={Regex.Escape(p)}-a"));
        var experiments = panel.GetByTestId("jobs-panel-experiment");
        await Expect(experiments).ToHaveTextAsync([$"{p}-a"], new() { Timeout = 20_000 });
        await Expect(panel.GetByTestId("jobs-panel-cost").First).ToHaveTextAsync(new Regex("GPU-h"), Slow);

        // the link opens the same panel with the same filter
        await using var other = await DashboardPage.OpenAsync(fixture, new Uri(d.Page.Url).Fragment);
        var otherPanel = other.Page.GetByTestId("jobs-panel");
        await Expect(otherPanel).ToBeVisibleAsync();
        await Expect(otherPanel.GetByTestId("jobs-filter-experiment")).ToHaveValueAsync($"{p}-a");
        await Expect(otherPanel.GetByTestId("jobs-panel-experiment")).ToHaveTextAsync([$"{p}-a"], new() { Timeout = 20_000 });

        await other.Page.GetByTestId("jobs-close").ClickAsync();
        await Expect(otherPanel).ToBeHiddenAsync();
        foreach (var id in new[] { $"{p}-a", $"{p}-b" }) await Server.SetStateAsync(id, "STOPPED");
    }
}
