using System.Text;
using Deque.AxeCore.Commons;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace SkyDeck.Browser.Tests;

/// <summary>
/// axe-core, run inside the page, finds no critical or serious violation on the table, the details panel, the forms
/// and the login page, in the light and the dark theme. Every violation (any impact) is written to the test output and
/// counted in TestResults/axe-*.txt.
/// </summary>
[Collection(DashboardCollection.Name)]
[Trait("Category", "Slow")]
public sealed class AccessibilityTests(DashboardFixture fixture, ITestOutputHelper output)
{
    private static readonly LocatorAssertionsToHaveTextOptions Slow = new() { Timeout = 40_000 };

    private DashboardServer Server => fixture.Server;

    public static TheoryData<ColorScheme> Themes => new() { ColorScheme.Light, ColorScheme.Dark };

    [Theory]
    [MemberData(nameof(Themes))]
    public async Task The_table_and_an_open_details_panel_have_no_serious_violation(ColorScheme theme)
    {
        var p = Ids.New("a11y");
        await Server.CreateAsync($"{p}-1", new Dictionary<string, object> { ["trainer.lr"] = 0.1, ["model.layers"] = 50, ["seed"] = 1 }, desired: "RUNNING");
        await Server.CreateAsync($"{p}-2", new Dictionary<string, object> { ["trainer.lr"] = 0.01, ["model.layers"] = 101, ["seed"] = 2 });
        await using var d = await DashboardPage.OpenAsync(fixture, $"#q={p}", colorScheme: theme);
        await Expect(d.Rows).ToHaveCountAsync(2);
        await Expect(d.Row($"{p}-1").GetByTestId("cell-current")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex("^RUNNING"), Slow);
        await d.Row($"{p}-1").GetByTestId("row-select").CheckAsync();
        await AssertNoSeriousViolations(d.Page, $"table-{theme}");

        // grouped, compared to a baseline, a column hidden, the column chooser open
        await d.Page.GotoAsync($"/#q={p}&by=f:seed&base={p}-1&hide=nodes&plot=1");
        await Expect(d.Page.GetByTestId("plot-svg")).ToBeVisibleAsync();
        await Expect(d.Page.GetByTestId("group-row")).ToHaveCountAsync(2);
        await d.Page.GetByTestId("columns-button").ClickAsync();
        await Expect(d.Page.GetByTestId("column-chooser")).ToBeVisibleAsync();
        await AssertNoSeriousViolations(d.Page, $"grouped-{theme}");
        await d.Page.Keyboard.PressAsync("Escape");

        await d.Page.GotoAsync($"/#q={p}&open={p}-1");
        await Expect(d.Details($"{p}-1")).ToBeVisibleAsync();
        await AssertNoSeriousViolations(d.Page, $"details-{theme}");
        await d.Page.ScreenshotAsync(new() { Path = Path.Combine(DashboardTests.ArtifactDirectory(), $"dashboard-details-{theme.ToString().ToLowerInvariant()}.png") });
        await Server.SetStateAsync($"{p}-1", "STOPPED");
    }

    [Theory]
    [MemberData(nameof(Themes))]
    public async Task The_new_experiment_form_has_no_serious_violation(ColorScheme theme)
    {
        await using var d = await DashboardPage.OpenAsync(fixture, "#q=nothing-matches-this", colorScheme: theme);
        await d.Page.GetByTestId("new-experiment").ClickAsync();
        await Expect(d.Page.GetByTestId("experiment-dialog")).ToBeVisibleAsync();
        await AssertNoSeriousViolations(d.Page, $"form-{theme}");
    }

    [Theory]
    [MemberData(nameof(Themes))]
    public async Task The_login_page_has_no_serious_violation(ColorScheme theme)
    {
        await using var d = await DashboardPage.OpenAsync(fixture, colorScheme: theme);
        await d.Page.GotoAsync("/login.html");
        await Expect(d.Page.GetByTestId("login-form")).ToBeVisibleAsync();
        await AssertNoSeriousViolations(d.Page, $"login-{theme}");
    }

    [Fact]
    public async Task The_theme_toggle_cycles_system_light_dark_and_is_remembered()
    {
        await using var d = await DashboardPage.OpenAsync(fixture, colorScheme: ColorScheme.Light);
        var toggle = d.Page.GetByTestId("theme-toggle");
        var background = () => d.Page.EvaluateAsync<string>("() => getComputedStyle(document.body).backgroundColor");
        var light = await background();
        await Expect(toggle).ToHaveAttributeAsync("data-theme", "system");

        await toggle.ClickAsync();
        await Expect(toggle).ToHaveAttributeAsync("data-theme", "light");
        Assert.Equal(light, await background());

        await toggle.ClickAsync();
        await Expect(toggle).ToHaveAttributeAsync("data-theme", "dark");
        Assert.NotEqual(light, await background());
        await d.Page.ReloadAsync();
        await Expect(d.Page.GetByTestId("theme-toggle")).ToHaveAttributeAsync("data-theme", "dark");
        Assert.NotEqual(light, await background());
        await d.Page.ScreenshotAsync(new() { Path = Path.Combine(DashboardTests.ArtifactDirectory(), "dashboard-dark.png") });

        await d.Page.GetByTestId("theme-toggle").ClickAsync();
        await Expect(d.Page.GetByTestId("theme-toggle")).ToHaveAttributeAsync("data-theme", "system");
        Assert.Equal(light, await background());
    }

    private async Task AssertNoSeriousViolations(IPage page, string name)
    {
        var result = await page.RunAxe();
        var report = new StringBuilder();
        foreach (var v in result.Violations)
            report.AppendLine($"{v.Impact,-9} {v.Id} ({v.Nodes.Length} nodes): {v.Help} — e.g. {string.Join(" | ", v.Nodes.Take(3).Select(n => string.Join(" ", n.Target)))}");
        var text = report.Length == 0 ? "no violations" : report.ToString();
        output.WriteLine($"axe {name}:\n{text}");
        await File.WriteAllTextAsync(Path.Combine(DashboardTests.ArtifactDirectory(), $"axe-{name.ToLowerInvariant()}.txt"), text);
        var serious = result.Violations.Where(v => v.Impact is "critical" or "serious").ToList();
        Assert.True(serious.Count == 0, $"axe found {serious.Count} critical/serious violations on {name}:\n{text}");
    }
}
