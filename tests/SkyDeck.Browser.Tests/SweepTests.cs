using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace SkyDeck.Browser.Tests;

/// <summary>Sweeps in the dashboard: the New sweep form, the sweep's group row and its previewed actions.</summary>
[Collection(DashboardCollection.Name)]
[Trait("Category", "Slow")]
public sealed class SweepTests(DashboardFixture fixture, ITestOutputHelper output)
{
    private static readonly LocatorAssertionsToHaveTextOptions Slow = new() { Timeout = 60_000 };

    private DashboardServer Server => fixture.Server;

    private async Task<string[]> CellIdsAsync(string sweep)
    {
        var body = await Server.Api.GetFromJsonAsync<JsonElement>($"api/sweeps/{sweep}");
        return [.. body.GetProperty("cells").EnumerateArray().Where(c => !c.GetProperty("archived").GetBoolean()).Select(c => c.GetProperty("id").GetString()!)];
    }

    [Fact]
    public async Task A_sweep_from_an_experiment_is_previewed_created_grouped_and_refilled_extended_and_restarted_from_its_group_row()
    {
        var sweep = Ids.New("swp");
        var source = $"{sweep}-src";
        await Server.CreateAsync(source, new Dictionary<string, object> { ["trainer.lr"] = 0.01, ["model.layers"] = 4 }, gpus: 1, name: "Source run");
        await using var d = await DashboardPage.OpenAsync(fixture, $"#q={sweep}");
        var page = d.Page;

        // "sweep from this experiment": select it, the bulk bar offers the form with its template
        await d.Row(source).GetByTestId("row-select").CheckAsync();
        await page.GetByTestId("bulk-sweep").ClickAsync();
        var dialog = page.GetByTestId("sweep-dialog");
        await Expect(dialog.GetByTestId("sweep-dialog-title")).ToHaveTextAsync($"New sweep from {source}");
        await Expect(dialog.GetByTestId("sweep-template")).ToHaveValueAsync(new Regex("\"name\": \"Source run\"[\\s\\S]*\"gpus\": 1[\\s\\S]*\"model.layers\": 4"));
        await Expect(dialog.GetByTestId("sweep-id")).ToHaveValueAsync($"{source}-sweep");
        await dialog.GetByTestId("sweep-id").FillAsync(sweep);

        // the axes editor with a live preview of the cells, before anything exists
        var axes = dialog.GetByTestId("sweep-axes");
        await axes.FillAsync("trainer.lr: 0.001, 0.0003\nseed: 1, 2");
        await Expect(dialog.GetByTestId("sweep-preview-count")).ToHaveTextAsync("4 cells: 4 created");
        await Expect(dialog.GetByTestId("sweep-preview-cell")).ToHaveCountAsync(4);
        await Expect(dialog.GetByTestId("sweep-preview-cell").First).ToContainTextAsync("lr=");
        await Expect(dialog.GetByTestId("sweep-cap-warning")).ToBeHiddenAsync();
        Assert.Equal(HttpStatusCode.NotFound, (await Server.Api.GetAsync($"api/sweeps/{sweep}")).StatusCode);

        // over the cap: the warning with the server's reason, and no Create
        await axes.FillAsync($"seed: {string.Join(", ", Enumerable.Range(1, 40))}\nlayers: {string.Join(", ", Enumerable.Range(1, 30))}");
        // (the server's own cap, SKYDECK_MAX_SWEEP_CELLS, replaces the default's hint once its preview answers)
        await Expect(dialog.GetByTestId("sweep-cap-warning")).ToHaveTextAsync(new Regex(@"^1200 cells: would make more than 1000 cells \(the cap, SKYDECK_MAX_SWEEP_CELLS\)"));
        await Expect(dialog.GetByTestId("sweep-create")).ToBeDisabledAsync();
        await Expect(dialog.GetByTestId("sweep-preview-count")).ToContainTextAsync("axes");

        // create: grouped by sweep, the cells appear under the sweep's group row
        await axes.FillAsync("trainer.lr: 0.001, 0.0003\nseed: 1, 2");
        await dialog.GetByTestId("sweep-budget-usd").FillAsync("20"); // the sweep's own budget, over all its cells
        await Expect(dialog.GetByTestId("sweep-preview-count")).ToHaveTextAsync("4 cells: 4 created");
        await dialog.GetByTestId("sweep-create").ClickAsync();
        await Expect(dialog).ToHaveCountAsync(0);
        Assert.Contains("by=sweep", page.Url);
        var group = page.Locator($"[data-testid='group-row'][data-value='{sweep}']");
        await Expect(group.GetByTestId("group-count")).ToHaveTextAsync("4", Slow);
        var cells = await CellIdsAsync(sweep);
        Assert.Equal(4, cells.Length);
        foreach (var cell in cells) await Expect(d.Row(cell)).ToBeVisibleAsync();
        var cellFlags = (await Server.GetAsync(cells[0])).GetProperty("flags");
        Assert.Equal(4, cellFlags.GetProperty("model.layers").GetInt32()); // the template came from the source

        // the group row: axes, progress, counts by state; the axis columns are marked, the others are not
        await Expect(group.GetByTestId("sweep-axes")).ToContainTextAsync("= 4");
        await Expect(group.GetByTestId("sweep-axes")).ToContainTextAsync("trainer.lr (2)");
        await Expect(group.GetByTestId("sweep-progress")).ToBeVisibleAsync();
        await Expect(group.GetByTestId("sweep-budget")).ToHaveTextAsync("budget: $0.00 of $20");
        await Expect(group.Locator("[data-testid='sweep-count'][data-state='STOPPED']")).ToHaveTextAsync("STOPPED 4", Slow);
        await Expect(page.Locator("[data-testid='col-flag'][data-key='seed']")).ToHaveClassAsync(new Regex(@"\bis-axis\b"));
        await Expect(page.Locator("[data-testid='col-flag'][data-key='trainer.lr']")).ToHaveClassAsync(new Regex(@"\bis-axis\b"));
        await Expect(page.Locator("[data-testid='col-flag'][data-key='model.layers']")).Not.ToHaveClassAsync(new Regex(@"\bis-axis\b"));
        var shot = Path.Combine(DashboardTests.ArtifactDirectory(), "sweep-group-row.png");
        await group.ScreenshotAsync(new() { Path = shot });
        await page.ScreenshotAsync(new() { Path = Path.Combine(DashboardTests.ArtifactDirectory(), "sweep-table.png") });
        output.WriteLine($"Screenshot of the sweep group row: {shot}");

        var confirm = page.GetByTestId("confirm-dialog");
        // Stop from the group row: every cell is already stopped, so the preview says so and nothing is asked
        await group.GetByTestId("sweep-stop").ClickAsync();
        await Expect(page.GetByTestId("toast-text").Filter(new() { HasText = $"Stop sweep {sweep}" })).ToHaveTextAsync($"Stop sweep {sweep}: no change (4 left alone)");
        await Expect(confirm).ToHaveCountAsync(0);

        // Start from the group row acts on the sweep: previewed cell by cell; Cancel changes nothing
        await group.GetByTestId("sweep-start").ClickAsync();
        await Expect(confirm.GetByTestId("confirm-message")).ToHaveTextAsync("Preview: 4 desired state set.");
        await Expect(confirm.GetByTestId("preview-cell")).ToHaveCountAsync(4);
        await confirm.GetByTestId("confirm-cancel").ClickAsync();
        Assert.Equal("STOPPED", (await Server.GetAsync(cells[0])).GetProperty("desired_state").GetString()); // a cancelled preview changes nothing

        // bulk Start with the sweep selected whole (its group row's checkbox) acts on the sweep, not cell by cell
        await page.GetByTestId("bulk-clear").ClickAsync();
        await group.GetByTestId("group-select").CheckAsync();
        await Expect(page.GetByTestId("bulk-count")).ToHaveTextAsync("4 selected");
        await page.GetByTestId("bulk-start").ClickAsync();
        await Expect(confirm.GetByTestId("confirm-message")).ToHaveTextAsync(
            $"Start 4: 4 will launch (4 through sweep {sweep}: the sweep's desired state, so no cell deviates)");
        await confirm.GetByTestId("confirm-ok").ClickAsync();
        await Expect(page.GetByTestId("bulk-summary")).ToHaveTextAsync("Start: 4 succeeded, 0 failed");
        await Expect(page.GetByTestId("bulk-result").First).ToContainTextAsync($"start requested (through sweep {sweep})");
        await Expect(group.Locator("[data-testid='sweep-count'][data-state='RUNNING']")).ToHaveTextAsync("RUNNING 4", Slow);
        var started = await Server.Api.GetFromJsonAsync<JsonElement>($"api/sweeps/{sweep}");
        Assert.Equal("RUNNING", started.GetProperty("desired_state").GetString());
        Assert.Equal(0, started.GetProperty("progress").GetProperty("deviating").GetInt32());
        await page.GetByTestId("bulk-clear").ClickAsync();

        // edit the template while the cells run: previewed, then every running cell needs a restart
        await group.GetByTestId("sweep-edit").ClickAsync();
        var edit = page.GetByTestId("sweep-edit-dialog");
        await Expect(edit.GetByTestId("edit-axes")).ToHaveValueAsync(new Regex(@"^(trainer\.lr: 0\.001, 0\.0003\nseed: 1, 2|seed: 1, 2\ntrainer\.lr: 0\.001, 0\.0003)$"));
        var template = await edit.GetByTestId("edit-template").InputValueAsync();
        await edit.GetByTestId("edit-template").FillAsync(template.Replace("\"model.layers\": 4", "\"model.layers\": 8"));
        await edit.GetByTestId("edit-preview").ClickAsync();
        await Expect(confirm.GetByTestId("confirm-message")).ToHaveTextAsync("Preview: 4 updated.");
        await confirm.GetByTestId("confirm-ok").ClickAsync();
        await Expect(group.GetByTestId("sweep-restart-chip")).ToHaveTextAsync("restart to apply: 4", Slow);

        // restart to apply from the group row: previewed (4 restarted), applied, and the chip goes once they run again
        await group.GetByTestId("sweep-restart").ClickAsync();
        await Expect(confirm.GetByTestId("confirm-message")).ToHaveTextAsync("Preview: 4 restarted.");
        await confirm.GetByTestId("confirm-ok").ClickAsync();
        await Expect(group.GetByTestId("sweep-restart-chip")).ToHaveCountAsync(0, new() { Timeout = 90_000 });
        Assert.Equal(8, (await Server.GetAsync(cells[0])).GetProperty("flags").GetProperty("model.layers").GetInt32());

        // stop it again (fewer jobs for the rest), then refill: only the deleted cell comes back
        await group.GetByTestId("sweep-stop").ClickAsync();
        await Expect(confirm.GetByTestId("confirm-message")).ToHaveTextAsync("Preview: 4 desired state set.");
        await confirm.GetByTestId("confirm-ok").ClickAsync();
        await Server.DeleteAsync(cells[1]);
        await Expect(d.Row(cells[1])).ToHaveCountAsync(0);
        await Expect(group.GetByTestId("group-count")).ToHaveTextAsync("3");
        await group.GetByTestId("sweep-refill").ClickAsync();
        await Expect(confirm.GetByTestId("confirm-message")).ToHaveTextAsync(new Regex(@"^Preview: 1 restored( · 3 left alone)?\.$"));
        await Expect(confirm.GetByTestId("preview-cell")).ToHaveCountAsync(1);
        await Expect(confirm.GetByTestId("preview-cell")).ToHaveAttributeAsync("data-id", cells[1]);
        await confirm.GetByTestId("confirm-ok").ClickAsync();
        await Expect(d.Row(cells[1])).ToBeVisibleAsync();
        await Expect(group.GetByTestId("group-count")).ToHaveTextAsync("4");

        // extend an axis by one value: the preview shows only the two new cells, and only they are created
        await group.GetByTestId("sweep-edit").ClickAsync();
        var axesText = await edit.GetByTestId("edit-axes").InputValueAsync();
        await edit.GetByTestId("edit-axes").FillAsync(axesText.Replace("seed: 1, 2", "seed: 1, 2, 3"));
        await edit.GetByTestId("edit-preview").ClickAsync();
        await Expect(confirm.GetByTestId("confirm-message")).ToHaveTextAsync("Preview: 2 created · 4 left alone.");
        await Expect(confirm.GetByTestId("preview-cell")).ToHaveCountAsync(2);
        await confirm.GetByTestId("confirm-ok").ClickAsync();
        await Expect(group.GetByTestId("group-count")).ToHaveTextAsync("6", Slow);
        var extended = await CellIdsAsync(sweep);
        Assert.Equal(6, extended.Length);
        Assert.Subset(extended.ToHashSet(), cells.ToHashSet()); // the old cells kept their ids
        await Expect(group.GetByTestId("sweep-axes")).ToContainTextAsync("seed (3)");

        Assert.Empty(d.Errors);
        Assert.Empty(d.Dialogs);
    }
}
