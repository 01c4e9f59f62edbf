using System.Text.Json;
using System.Text.RegularExpressions;

namespace SkyDeck.Browser.Tests;

/// <summary>Defects a tester found in the dashboard, each reproduced through what a user does.</summary>
[Collection(DashboardCollection.Name)]
[Trait("Category", "Slow")]
public sealed class DefectTests(DashboardFixture fixture)
{
    private static readonly LocatorAssertionsToHaveTextOptions Slow = new() { Timeout = 40_000 };

    private DashboardServer Server => fixture.Server;

    [Fact]
    public async Task Restart_chip_stays_visible_beside_a_long_name()
    {
        var id = Ids.New("chip");
        var name = "A very long experiment name that the Name column has to cut with an ellipsis " + new string('x', 60);
        await Server.CreateAsync(id, new Dictionary<string, object> { ["lr"] = 0.1 }, desired: "RUNNING", name: name);
        await using var d = await DashboardPage.OpenAsync(fixture, $"#q={id}");
        var row = d.Row(id);
        // a job exists (it is live), so a flag change now needs a restart
        await Expect(row.GetByTestId("cell-job")).Not.ToHaveTextAsync(new Regex("^—"), Slow);
        await Server.SetFlagsAsync(id, new Dictionary<string, object> { ["lr"] = 0.2 });

        var chip = row.GetByTestId("needs-restart");
        await Expect(chip).ToBeVisibleAsync();
        await Expect(chip).ToHaveTextAsync("restart to apply");
        var cell = await row.GetByTestId("cell-name").BoundingBoxAsync();
        var box = await chip.BoundingBoxAsync();
        Assert.NotNull(cell);
        Assert.NotNull(box);
        Assert.True(box.X >= cell.X && box.X + box.Width <= cell.X + cell.Width + 0.5,
            $"chip {box.X}+{box.Width} is outside the name cell {cell.X}+{cell.Width}");
        Assert.True(box.Y >= cell.Y && box.Y + box.Height <= cell.Y + cell.Height + 0.5);
        // the chip itself is not cut, only the name is
        Assert.True(await chip.EvaluateAsync<bool>("e => e.scrollWidth <= e.clientWidth + 1"));
        Assert.True(await row.GetByTestId("name-text").EvaluateAsync<bool>("e => e.scrollWidth > e.clientWidth"));

        await Server.SetStateAsync(id, "STOPPED");
    }

    [Fact]
    public async Task A_cancelled_job_stops_saying_cancelling_once_it_has_ended()
    {
        var id = Ids.New("cxl");
        await Server.CreateAsync(id, desired: "RUNNING");
        await using var d = await DashboardPage.OpenAsync(fixture, $"#q={id}&open={id}");
        var details = d.Details(id);
        var job = details.GetByTestId("job-row").Last; // the first job (newest first)
        await Expect(job.GetByTestId("job-status")).ToHaveTextAsync("RUNNING", Slow);
        var jobId = await job.GetAttributeAsync("data-job-id");
        var first = details.Locator($"[data-testid='job-row'][data-job-id='{jobId}']");

        await first.GetByTestId("job-cancel").ClickAsync();
        await Expect(first.GetByTestId("job-status")).ToHaveTextAsync("CANCELLED", Slow);
        await Expect(first).Not.ToContainTextAsync("cancelling");
        await Expect(first.GetByTestId("job-cancel-state")).ToHaveTextAsync(new Regex("^cancelled by "));

        await Server.SetStateAsync(id, "STOPPED");
    }

    [Fact]
    public async Task Delete_asks_first_and_undo_says_a_new_run_will_start()
    {
        var p = Ids.New("del");
        await Server.CreateAsync($"{p}-run", desired: "RUNNING");
        for (var i = 1; i <= 3; i++) await Server.CreateAsync($"{p}-{i}");
        await using var d = await DashboardPage.OpenAsync(fixture, $"#q={p}");
        var page = d.Page;
        await Expect(d.Rows).ToHaveCountAsync(4);
        var confirm = page.GetByTestId("confirm-dialog");

        // single delete: the dialog asks; Cancel changes nothing
        await d.Row($"{p}-run").GetByTestId("cell-id").ClickAsync();
        var details = d.Details($"{p}-run");
        await details.GetByTestId("detail-delete").ClickAsync();
        await Expect(confirm).ToBeVisibleAsync();
        await Expect(confirm.GetByTestId("confirm-title")).ToHaveTextAsync($"Delete {p}-run?");
        await Expect(confirm.GetByTestId("confirm-message")).ToContainTextAsync("cluster will be torn down");
        await confirm.GetByTestId("confirm-cancel").ClickAsync();
        await Expect(confirm).ToHaveCountAsync(0);
        await Expect(d.Rows).ToHaveCountAsync(4);
        Assert.False((await Server.GetAsync($"{p}-run")).GetProperty("deleted").GetBoolean());

        // Escape is a cancel too
        await details.GetByTestId("detail-delete").ClickAsync();
        await Expect(confirm).ToBeVisibleAsync();
        await page.Keyboard.PressAsync("Escape");
        await Expect(confirm).ToHaveCountAsync(0);
        Assert.False((await Server.GetAsync($"{p}-run")).GetProperty("deleted").GetBoolean());

        // confirming deletes; the toast says what Undo will do, and so does Undo's own toast
        await details.GetByTestId("detail-delete").ClickAsync();
        await confirm.GetByTestId("confirm-ok").ClickAsync();
        await Expect(d.Row($"{p}-run")).ToHaveCountAsync(0);
        await Expect(page.GetByTestId("toast-text").Filter(new() { HasText = $"Deleted {p}-run" }))
            .ToHaveTextAsync($"Deleted {p}-run; its cluster is being torn down. Undo restores it and will start a new run.");
        await page.GetByTestId("undo-delete").ClickAsync();
        await Expect(page.GetByTestId("toast-text").Filter(new() { HasText = $"Restored {p}-run" }))
            .ToHaveTextAsync($"Restored {p}-run — it will start a new run");
        await Expect(d.Row($"{p}-run")).ToBeVisibleAsync();

        // bulk delete of 3: the count is in the question; Cancel keeps all three
        await d.FilterAsync($"{p}-");
        for (var i = 1; i <= 3; i++) await d.Row($"{p}-{i}").GetByTestId("row-select").CheckAsync();
        await page.GetByTestId("bulk-delete").ClickAsync();
        await Expect(confirm.GetByTestId("confirm-title")).ToHaveTextAsync("Delete 3 experiments?");
        await Expect(confirm.GetByTestId("confirm-message")).ToContainTextAsync("Their clusters will be torn down");
        await confirm.GetByTestId("confirm-cancel").ClickAsync();
        await Expect(page.GetByTestId("bulk-count")).ToHaveTextAsync("3 selected");
        for (var i = 1; i <= 3; i++) Assert.False((await Server.GetAsync($"{p}-{i}")).GetProperty("deleted").GetBoolean());

        await page.GetByTestId("bulk-delete").ClickAsync();
        await confirm.GetByTestId("confirm-ok").ClickAsync();
        await Expect(page.GetByTestId("bulk-summary")).ToHaveTextAsync("Delete: 3 succeeded, 0 failed");
        for (var i = 1; i <= 3; i++) await Expect(d.Row($"{p}-{i}")).ToHaveCountAsync(0);
        await Expect(page.GetByTestId("bulk-undo")).ToHaveTextAsync("Undo (restore 3)");
        // none of them was running: Undo starts nothing, and the report says nothing about new runs
        await Expect(page.GetByTestId("bulk-undo-note")).ToHaveCountAsync(0);
        Assert.Empty(d.Dialogs);

        await Server.SetStateAsync($"{p}-run", "STOPPED");
    }

    [Fact]
    public async Task Duplicate_derives_a_new_run_name()
    {
        var id = Ids.New("dupr");
        await Server.SendAsync(HttpMethod.Post, "api/experiments", new
        {
            id,
            name = id,
            run_name = $"sweep.{id}",
            base_command = "python train.py",
            nodes = 1,
            gpus = 0,
            flags = new Dictionary<string, object> { ["lr"] = 0.1 },
            desired_state = "STOPPED",
        });
        await using var d = await DashboardPage.OpenAsync(fixture, $"#q={id}");
        await d.Row(id).GetByTestId("cell-id").ClickAsync();
        await d.Details(id).GetByTestId("detail-duplicate").ClickAsync();
        var dialog = d.Page.GetByTestId("experiment-dialog");
        await Expect(dialog.GetByTestId("field-id")).ToHaveValueAsync($"{id}-copy");
        await Expect(dialog.GetByTestId("field-run_name")).ToHaveValueAsync($"sweep.{id}-copy");
        await dialog.GetByTestId("create-submit").ClickAsync();
        await Expect(dialog).ToBeHiddenAsync();
        Assert.Equal($"sweep.{id}-copy", (await Server.GetAsync($"{id}-copy")).GetProperty("run_name").GetString());

        // a copy of the original again: the next free run name
        await d.Details(id).GetByTestId("detail-duplicate").ClickAsync();
        await Expect(dialog.GetByTestId("field-id")).ToHaveValueAsync($"{id}-copy2");
        await Expect(dialog.GetByTestId("field-run_name")).ToHaveValueAsync($"sweep.{id}-copy2");
        await dialog.GetByTestId("create-cancel").ClickAsync();
    }

    [Fact]
    public async Task Just_now_fits_in_the_job_column()
    {
        var id = Ids.New("now");
        await Server.CreateAsync(id);
        await using var d = await DashboardPage.OpenAsync(fixture, $"#q={id}");
        await d.Row(id).GetByTestId("row-start").ClickAsync();

        // measured in the same frame that shows "just now" (the note moves on once the job starts)
        var handle = await d.Page.WaitForFunctionAsync(@"id => {
            const cell = document.querySelector(`[data-testid='row'][data-id='${id}'] [data-testid='cell-job']`);
            if (!cell || !cell.textContent.includes('just now')) return null;
            return { text: cell.textContent, scroll: cell.scrollWidth, client: cell.clientWidth };
        }", id, new() { Timeout = 20_000, PollingInterval = 10 });
        var m = await handle.JsonValueAsync<JsonElement>();
        var text = m.GetProperty("text").GetString();
        var scroll = m.GetProperty("scroll").GetInt32();
        var client = m.GetProperty("client").GetInt32();
        Assert.True(scroll <= client, $"'{text}' is cut: scrollWidth {scroll} > clientWidth {client}");

        await Server.SetStateAsync(id, "STOPPED");
    }

    /// <summary>
    /// Defect 5: "At 800 px, opening #…&amp;open=ID scrolls the expanded panel so the row and its buttons sit above the
    /// viewport." With 200 rows, a row in the middle and one near the end, 800 px wide and 600 or 800 high: opened
    /// from a link while the page is open, and from the URL a page is opened with (before the rows arrive), the row is
    /// in view below the header, the panel starts right under it, and the panel's buttons are in view.
    /// </summary>
    [Theory]
    [InlineData(600, 100)]
    [InlineData(600, 197)]
    [InlineData(800, 120)]
    [InlineData(800, 199)]
    public async Task Opening_a_far_row_from_a_link_at_800_px_shows_the_row_its_buttons_and_the_panel_below_it(int height, int index)
    {
        var p = Ids.New("open800");
        await Server.CreateAsync($"{p}-tpl", new Dictionary<string, object> { ["trainer.lr"] = 0.1, ["model.layers"] = 2, ["seed"] = -1 });
        var id = $"{p}-{index:D5}";

        // from a link, the page open
        await using (var d = await OpenAt800Async($"#q={p}", p, height))
        {
            await d.Page.EvaluateAsync($"() => {{ location.hash = 'q={p}&open={id}'; }}");
            await ExpectRowButtonsAndPanelInView(d, id);
        }

        // from the URL the page is opened with: the row is not there yet; it is brought into view when it arrives
        await using (var d = await OpenAt800Async($"#q={p}&open={id}", p, height))
            await ExpectRowButtonsAndPanelInView(d, id);
    }

    private async Task<DashboardPage> OpenAt800Async(string hash, string prefix, int height)
    {
        var d = await DashboardPage.OpenAsync(fixture, hash);
        await d.Page.SetViewportSizeAsync(800, height);
        await Expect(d.Row($"{prefix}-tpl")).ToBeAttachedAsync();
        await d.Page.EvaluateAsync<double>(Synthetic.LoadScript($"{prefix}-tpl", prefix, 200));
        await Expect(d.Page.GetByTestId("row-count")).ToHaveTextAsync(new Regex("^201 shown"));
        return d;
    }

    private static async Task ExpectRowButtonsAndPanelInView(DashboardPage d, string id)
    {
        await Expect(d.Details(id).GetByTestId("details-actions")).ToBeVisibleAsync();
        const string Geometry = """
            id => {
              const box = e => { const r = e?.getBoundingClientRect(); return r ? { top: Math.round(r.top), bottom: Math.round(r.bottom) } : null; };
              const wrap = box(document.querySelector('[data-testid=table-wrap]'));
              const head = box(document.querySelector('[data-testid=grid-head]'));
              const row = box(document.querySelector(`[data-testid=row][data-id="${id}"]`));
              const panel = box(document.querySelector(`[data-testid=details][data-id="${id}"]`));
              const buttons = box(document.querySelector(`[data-testid=details][data-id="${id}"] [data-testid=details-actions]`));
              const ok = !!(row && panel && buttons) && row.top >= head.bottom - 1 && row.bottom <= wrap.bottom + 1
                && Math.abs(panel.top - row.bottom) <= 1 && buttons.top >= head.bottom - 1 && buttons.bottom <= wrap.bottom + 1;
              return { ok, wrap, head, row, panel, buttons, scrollTop: document.querySelector('[data-testid=table-wrap]').scrollTop };
            }
            """;
        try
        {
            await d.Page.WaitForFunctionAsync($"id => ({Geometry})(id).ok", id, new() { Timeout = 10_000 });
        }
        catch (TimeoutException)
        {
            // (the assertion below says where everything was)
        }
        var g = await d.Page.EvaluateAsync<JsonElement>(Geometry, id);
        Assert.True(g.GetProperty("ok").GetBoolean(), $"row, buttons or panel out of view: {g}");
    }
}
