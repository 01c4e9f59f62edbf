using System.Text.RegularExpressions;

namespace SkyDeck.Browser.Tests;

/// <summary>The dashboard end to end: the real server, the fake <c>sky</c>, Debian's Chromium.</summary>
[Collection(DashboardCollection.Name)]
[Trait("Category", "Slow")]
public sealed class DashboardTests(DashboardFixture fixture, ITestOutputHelper output)
{
    private static readonly LocatorAssertionsToHaveTextOptions Slow = new() { Timeout = 40_000 };

    private DashboardServer Server => fixture.Server;

    private static ILocator FlagCell(ILocator row, string key) => row.Locator($"[data-testid='cell-flag'][data-key='{key}']");

    [Fact]
    public async Task Create_through_the_form_then_start_edit_flags_stop_delete_and_undo()
    {
        var id = Ids.New("life");
        await using var d = await DashboardPage.OpenAsync(fixture);
        var page = d.Page;

        await Expect(page.GetByTestId("pill-skypilot")).ToHaveTextAsync(new Regex(@"^SkyPilot: \w+ · \d+\.\ds$"));
        await Expect(page.GetByTestId("health-counts")).ToContainTextAsync("experiment");

        await page.GetByTestId("new-experiment").ClickAsync();
        var dialog = page.GetByTestId("experiment-dialog");
        await dialog.GetByTestId("field-id").FillAsync(id);
        await dialog.GetByTestId("field-name").FillAsync("Lifecycle test");
        await dialog.GetByTestId("field-base_command").FillAsync("python train.py");
        await dialog.GetByTestId("field-run_name").FillAsync($"tests.{id}");
        await dialog.GetByTestId("field-nodes").FillAsync("1");
        await dialog.GetByTestId("field-gpus").FillAsync("2");
        await dialog.GetByTestId("flags-json").FillAsync("{\"trainer.lr\": 0.001, \"trainer.ppo.enabled\": true, \"trainer.ppo.clip\": 0.2}");
        await Expect(dialog.GetByTestId("flags-status")).ToHaveTextAsync("✓ Valid · 3 flags");
        await dialog.GetByTestId("create-submit").ClickAsync();
        await Expect(dialog).ToBeHiddenAsync();

        var row = d.Row(id);
        await Expect(row).ToBeVisibleAsync();
        await Expect(row.GetByTestId("name-text")).ToHaveTextAsync("Lifecycle test");
        await Expect(row.GetByTestId("cell-desired")).ToHaveTextAsync("STOPPED");
        await Expect(row.GetByTestId("cell-gpus")).ToHaveTextAsync("2");
        await Expect(FlagCell(row, "trainer.lr")).ToHaveTextAsync("0.001");
        await Expect(FlagCell(row, "trainer.ppo.enabled")).ToHaveTextAsync("true");
        await Expect(FlagCell(row, "trainer.ppo.enabled")).ToHaveClassAsync(new Regex(@"\bv-true\b"));
        // dotted keys are grouped under multi-row headers
        await Expect(page.Locator("[data-testid='col-group'][data-path='trainer.ppo']")).ToHaveTextAsync("ppo");

        // Start: the state reaches RUNNING through live updates, no reload
        await row.GetByTestId("row-start").ClickAsync();
        await Expect(row.GetByTestId("cell-desired")).ToHaveTextAsync("RUNNING");
        await Expect(row.GetByTestId("cell-current")).ToHaveTextAsync(new Regex("^RUNNING"), Slow);

        // Expand: configuration, command, the job, its timeline bar, the audit trail
        await row.GetByTestId("cell-id").ClickAsync();
        var details = d.Details(id);
        await Expect(details).ToBeVisibleAsync();
        await Expect(details.GetByTestId("details-command")).ToContainTextAsync("trainer.lr=0.001");
        var job = details.GetByTestId("job-row").First;
        await Expect(job.GetByTestId("job-status")).ToHaveTextAsync("RUNNING", Slow);
        await Expect(job.GetByTestId("job-sky-id")).ToHaveTextAsync(new Regex(@"^\d+$"));
        await Expect(details.GetByTestId("timeline-bar").First).ToHaveAttributeAsync("data-outcome", "running");
        await Expect(details.GetByTestId("activity-item").Filter(new() { HasText = "desired state changed" }).First).ToBeVisibleAsync();

        // Edit flags while the job runs: saved, and the row says a restart is needed
        await details.GetByTestId("detail-edit").ClickAsync();
        var editor = details.GetByTestId("edit-form");
        await editor.GetByTestId("flags-json").FillAsync("{\"trainer.lr\": 0.002, \"trainer.ppo.enabled\": true, \"trainer.ppo.clip\": 0.2}");
        await editor.GetByTestId("edit-save").ClickAsync();
        await Expect(editor).ToBeHiddenAsync();
        await Expect(row.GetByTestId("needs-restart")).ToBeVisibleAsync();
        await Expect(row.GetByTestId("needs-restart")).ToHaveTextAsync("restart to apply");
        await Expect(FlagCell(row, "trainer.lr")).ToHaveTextAsync("0.002");
        await Expect(details.GetByTestId("details-command")).ToContainTextAsync("trainer.lr=0.002");
        await Expect(details.GetByTestId("details-running-command")).ToContainTextAsync("trainer.lr=0.001");

        // Restart to apply: stop, then start again with the new flags
        await details.GetByTestId("detail-restart").ClickAsync();
        await Expect(details.GetByTestId("job-row")).ToHaveCountAsync(2, new() { Timeout = 60_000 });
        await Expect(job.GetByTestId("job-status")).ToHaveTextAsync("RUNNING", Slow);
        await Expect(row.GetByTestId("needs-restart")).ToBeHiddenAsync();
        await Expect(details.GetByTestId("details-running-command")).ToHaveCountAsync(0);
        await Expect(details.GetByTestId("job-row").Nth(1).GetByTestId("job-status")).ToHaveTextAsync("CANCELLED");

        // Stop: the open panel follows the job to its end without a reload
        await details.GetByTestId("detail-stop").ClickAsync();
        await Expect(row.GetByTestId("cell-current")).ToHaveTextAsync(new Regex("^STOPPED"), Slow);
        await Expect(job.GetByTestId("job-status")).ToHaveTextAsync("CANCELLED", Slow);
        await Expect(job.GetByTestId("job-duration")).ToHaveTextAsync(new Regex(@"^\d+(s|m \d\ds)$"));

        // Delete (after confirming) hides the row; Undo brings it back
        await details.GetByTestId("detail-delete").ClickAsync();
        await page.GetByTestId("confirm-dialog").GetByTestId("confirm-ok").ClickAsync();
        await Expect(row).ToHaveCountAsync(0);
        await page.GetByTestId("undo-delete").ClickAsync();
        await Expect(row).ToBeVisibleAsync();
        await Expect(row.GetByTestId("deleted-chip")).ToBeHiddenAsync();

        Assert.Empty(d.Errors);
    }

    [Fact]
    public async Task Form_validates_as_you_type_and_shows_server_errors_next_to_the_field()
    {
        var id = Ids.New("form");
        await using var d = await DashboardPage.OpenAsync(fixture);
        var page = d.Page;
        await page.GetByTestId("new-experiment").ClickAsync();
        var dialog = page.GetByTestId("experiment-dialog");

        await dialog.GetByTestId("field-id").FillAsync("1-bad");
        await Expect(dialog.GetByTestId("error-id")).ToContainTextAsync("must start with a letter");
        await dialog.GetByTestId("field-id").FillAsync(id);
        await Expect(dialog.GetByTestId("error-id")).ToBeHiddenAsync();

        var flags = dialog.GetByTestId("flags-json");
        await flags.FillAsync("{\"lr\": ");
        await Expect(dialog.GetByTestId("flags-status")).ToContainTextAsync("Invalid JSON");
        await flags.FillAsync("{\"trainer\": {\"lr\": 0.1, \"steps\": 10}}");
        await Expect(dialog.GetByTestId("flags-status")).ToContainTextAsync("nested object");
        await dialog.GetByTestId("flags-flatten").ClickAsync();
        await Expect(flags).ToHaveValueAsync(new Regex("\"trainer.lr\": 0.1,\\s+\"trainer.steps\": 10"));
        await Expect(dialog.GetByTestId("flags-status")).ToHaveTextAsync("✓ Valid · 2 flags");

        // required field, checked before sending
        await dialog.GetByTestId("create-submit").ClickAsync();
        await Expect(dialog.GetByTestId("error-base_command")).ToContainTextAsync("required");
        await dialog.GetByTestId("field-base_command").FillAsync("python train.py");

        // valid JSON the server refuses: its message appears next to the flags
        await flags.FillAsync("{\"lr\": 1e999}");
        await dialog.GetByTestId("create-submit").ClickAsync();
        await Expect(dialog.GetByTestId("flags-error")).ToContainTextAsync("lr: is a number out of range");
        await Expect(dialog).ToBeVisibleAsync();

        await flags.FillAsync("{\"lr\": 0.5}");
        await dialog.GetByTestId("field-start").CheckAsync();
        await dialog.GetByTestId("create-submit").ClickAsync();
        await Expect(dialog).ToBeHiddenAsync();
        await Expect(d.Row(id).GetByTestId("cell-desired")).ToHaveTextAsync("RUNNING");

        // the same id again is caught before sending
        await page.GetByTestId("new-experiment").ClickAsync();
        await dialog.GetByTestId("field-id").FillAsync(id);
        await Expect(dialog.GetByTestId("error-id")).ToContainTextAsync("already exists");
        await dialog.GetByTestId("create-cancel").ClickAsync();
        await Server.SetStateAsync(id, "STOPPED");
    }

    [Fact]
    public async Task Html_in_names_and_flag_values_renders_as_literal_text()
    {
        var id = Ids.New("xss");
        const string payload = "<img src=x onerror=alert(1)>";
        await Server.CreateAsync(id, new Dictionary<string, object> { ["note"] = payload, ["html.bold"] = "<b>bold</b>" }, name: "<script>alert(2)</script>");
        await using var d = await DashboardPage.OpenAsync(fixture, $"#q={id}");
        var row = d.Row(id);

        await Expect(FlagCell(row, "note")).ToHaveTextAsync(payload);
        await Expect(FlagCell(row, "html.bold")).ToHaveTextAsync("<b>bold</b>");
        await Expect(row.GetByTestId("name-text")).ToHaveTextAsync("<script>alert(2)</script>");
        await Expect(d.Page.GetByText(payload).First).ToBeVisibleAsync();

        await row.GetByTestId("cell-id").ClickAsync();
        var details = d.Details(id);
        await Expect(details.GetByTestId("details-flags")).ToContainTextAsync(payload);
        await Expect(details.GetByTestId("details-command")).ToContainTextAsync("note=" + payload);

        Assert.Equal(0, await d.Page.Locator("img, b, script:not([src])").CountAsync());
        Assert.Empty(d.Dialogs);
        Assert.Empty(d.Errors);
    }

    [Fact]
    public async Task Filter_sort_and_varying_columns_live_in_a_shareable_url()
    {
        var p = Ids.New("fs");
        await Server.CreateAsync($"{p}-a", new Dictionary<string, object> { ["lr"] = 0.3, ["opt"] = "adam", ["shared"] = 1 });
        await Server.CreateAsync($"{p}-b", new Dictionary<string, object> { ["lr"] = 0.1, ["opt"] = "sgd", ["shared"] = 1 }, gpus: 8);
        await Server.CreateAsync($"{p}-c", new Dictionary<string, object> { ["lr"] = 0.2, ["opt"] = "adam", ["shared"] = 1 });
        await using var d = await DashboardPage.OpenAsync(fixture, $"#q={p}");
        await Expect(d.Page.GetByTestId("filter")).ToHaveValueAsync(p);
        await Expect(d.Rows).ToHaveCountAsync(3);

        await d.FilterAsync($"{p} opt=adam");
        await Expect(d.Rows).ToHaveCountAsync(2);
        await Expect(d.Row($"{p}-b")).ToHaveCountAsync(0);
        await d.FilterAsync($"{p} lr>0.15");
        await Expect(d.Rows).ToHaveCountAsync(2);
        await d.FilterAsync($"{p} gpus=8");
        await Expect(d.Rows).ToHaveCountAsync(1);
        await Expect(d.Row($"{p}-b")).ToBeVisibleAsync();
        await d.FilterAsync(p);
        await Expect(d.Rows).ToHaveCountAsync(3);

        var lrHeader = d.Page.Locator("[data-testid='col-flag'][data-key='lr']");
        await lrHeader.ClickAsync();
        await ExpectOrder(d, $"{p}-b", $"{p}-c", $"{p}-a");
        await lrHeader.ClickAsync();
        await ExpectOrder(d, $"{p}-a", $"{p}-c", $"{p}-b");
        await Expect(lrHeader).ToHaveAttributeAsync("aria-sort", "descending");

        await Expect(d.Page.Locator("[data-testid='col-flag'][data-key='shared']")).ToHaveCountAsync(1);
        await d.Page.GetByTestId("toggle-varying").CheckAsync();
        await Expect(d.Page.Locator("[data-testid='col-flag'][data-key='shared']")).ToHaveCountAsync(0);
        await Expect(d.Page.Locator("[data-testid='common-flag'][data-key='shared']")).ToHaveTextAsync("shared = 1");
        await Expect(d.Page).ToHaveURLAsync(new Regex(@"sort=-f%3Alr.*varying=1"));

        // the URL reproduces the view in a fresh browser
        var shared = new Uri(d.Page.Url).Fragment;
        await using var other = await DashboardPage.OpenAsync(fixture, shared);
        await Expect(other.Page.GetByTestId("filter")).ToHaveValueAsync(p);
        await Expect(other.Page.GetByTestId("toggle-varying")).ToBeCheckedAsync();
        await ExpectOrder(other, $"{p}-a", $"{p}-c", $"{p}-b");
    }

    private static async Task ExpectOrder(DashboardPage d, params string[] ids)
    {
        await Expect(d.Rows).ToHaveCountAsync(ids.Length);
        for (var i = 0; i < ids.Length; i++) await Expect(d.Rows.Nth(i)).ToHaveAttributeAsync("data-id", ids[i]);
    }

    [Fact]
    public async Task Flag_keys_are_suggested_from_flag_schemas_in_the_add_box_and_inside_the_json()
    {
        var id = Ids.New("ta");
        var suffix = id[^6..];
        var key = $"optimizer.warmup_steps_{suffix}";
        await Server.CreateAsync(id, new Dictionary<string, object> { [key] = 500 });
        await using var d = await DashboardPage.OpenAsync(fixture);
        await d.Page.GetByTestId("new-experiment").ClickAsync();
        var dialog = d.Page.GetByTestId("experiment-dialog");

        var add = dialog.GetByTestId("flags-add");
        await add.FillAsync($"warmup_steps_{suffix}");
        var suggestion = dialog.GetByTestId("flags-add-suggestions").GetByTestId("flag-suggestion").First;
        await Expect(suggestion).ToHaveAttributeAsync("data-key", key);
        await Expect(suggestion).ToContainTextAsync("integer");
        await add.PressAsync("Enter");
        var json = dialog.GetByTestId("flags-json");
        await Expect(json).ToHaveValueAsync(new Regex($"\"{Regex.Escape(key)}\": 500"));

        await json.FillAsync("{\n  \"");
        await json.PressSequentiallyAsync($"optimizer.warmup_st");
        var inline = dialog.GetByTestId("flags-suggestions").GetByTestId("flag-suggestion");
        await Expect(inline.First).ToHaveAttributeAsync("data-key", key);
        await json.PressAsync("Enter");
        await Expect(json).ToHaveValueAsync(new Regex($"\"{Regex.Escape(key)}\": 500$"));
        await json.PressAsync("End");
        await json.PressSequentiallyAsync("\n}");
        await Expect(dialog.GetByTestId("flags-status")).ToHaveTextAsync("✓ Valid · 1 flag");
    }

    [Fact]
    public async Task Bulk_start_previews_what_changes_and_what_is_a_no_op_then_reports_every_row()
    {
        var p = Ids.New("bulk");
        for (var i = 1; i <= 3; i++) await Server.CreateAsync($"{p}-{i}", new Dictionary<string, object> { ["seed"] = i, ["trainer.lr"] = 0.001 * i });
        await Server.CreateAsync($"{p}-run", desired: "RUNNING");
        await Server.CreateAsync($"{p}-4");
        await Server.DeleteAsync($"{p}-4");
        await using var d = await DashboardPage.OpenAsync(fixture, $"#q={p}&deleted=1");
        await Expect(d.Rows).ToHaveCountAsync(5);
        await Expect(d.Row($"{p}-4").GetByTestId("deleted-chip")).ToBeVisibleAsync();
        await Expect(d.Row($"{p}-run").GetByTestId("cell-desired")).ToHaveTextAsync("RUNNING");

        // the preview: what will launch, what is already running (no change), what cannot start
        await d.Page.GetByTestId("select-all").CheckAsync();
        await Expect(d.Page.GetByTestId("bulk-count")).ToHaveTextAsync("5 selected");
        await d.Page.GetByTestId("bulk-start").ClickAsync();
        var confirm = d.Page.GetByTestId("confirm-dialog");
        await Expect(confirm.GetByTestId("confirm-title")).ToHaveTextAsync("Start 3 of 5?");
        await Expect(confirm.GetByTestId("confirm-message")).ToHaveTextAsync(
            new Regex(@"^Start 5: 3 will launch, 1 already (running|started) — no change, 1 deleted: restore it first — skipped$"));
        await confirm.GetByTestId("confirm-cancel").ClickAsync();
        Assert.Equal("STOPPED", (await Server.GetAsync($"{p}-1")).GetProperty("desired_state").GetString());

        // applied: only the three that change are sent; the report says "no change" and "skipped" truthfully
        await d.Page.GetByTestId("bulk-start").ClickAsync();
        await confirm.GetByTestId("confirm-ok").ClickAsync();
        var report = d.Page.GetByTestId("bulk-report");
        await Expect(report.GetByTestId("bulk-summary")).ToHaveTextAsync("Start: 3 succeeded, 0 failed · 1 no change · 1 skipped");
        for (var i = 1; i <= 3; i++) await Expect(report.Locator($"[data-testid='bulk-result'][data-id='{p}-{i}']")).ToHaveAttributeAsync("data-outcome", "ok");
        var noop = report.Locator($"[data-testid='bulk-result'][data-id='{p}-run']");
        await Expect(noop).ToHaveAttributeAsync("data-outcome", "noop");
        await Expect(noop).ToContainTextAsync(new Regex("no change: already (running|started)"));
        var skipped = report.Locator($"[data-testid='bulk-result'][data-id='{p}-4']");
        await Expect(skipped).ToHaveAttributeAsync("data-outcome", "skipped");
        await Expect(skipped).ToContainTextAsync("skipped: deleted: restore it first");
        await Expect(report.GetByTestId("bulk-retry")).ToHaveCountAsync(0);
        Assert.True((await Server.GetAsync($"{p}-4")).GetProperty("deleted").GetBoolean());

        for (var i = 1; i <= 3; i++) await Expect(d.Row($"{p}-{i}").GetByTestId("cell-current")).ToHaveTextAsync(new Regex("^RUNNING"), Slow);

        // the populated table, as an artifact
        await d.FilterAsync("");
        await Expect(d.Rows.First).ToBeVisibleAsync();
        var path = Path.Combine(ArtifactDirectory(), "dashboard-table.png");
        await d.Page.ScreenshotAsync(new() { Path = path });
        output.WriteLine($"Screenshot of the populated table: {path}");

        await d.FilterAsync($"{p} desired=running");
        await Expect(d.Rows).ToHaveCountAsync(4);
        await d.Page.GetByTestId("select-all").CheckAsync();
        await d.Page.GetByTestId("bulk-stop").ClickAsync();
        await Expect(confirm.GetByTestId("confirm-message")).ToHaveTextAsync("Stop 4: 4 will stop");
        await confirm.GetByTestId("confirm-ok").ClickAsync();
        await Expect(report.GetByTestId("bulk-summary")).ToHaveTextAsync("Stop: 4 succeeded, 0 failed");
    }

    [Fact]
    public async Task Stream_drop_shows_stale_data_polls_and_recovers()
    {
        var id = Ids.New("drop");
        await Server.CreateAsync(id, new Dictionary<string, object> { ["step"] = 1 });
        await using var d = await DashboardPage.OpenAsync(fixture, $"#q={id}");
        var status = d.Page.GetByTestId("stream-status");
        var banner = d.Page.GetByTestId("stale-banner");
        await Expect(banner).ToBeHiddenAsync();

        await d.Page.RouteAsync("**/api/stream**", route => route.AbortAsync());
        await d.Context.SetOfflineAsync(true);
        await Expect(status).ToHaveAttributeAsync("data-state", "offline");
        await Expect(banner).ToBeVisibleAsync();
        await Expect(banner).ToContainTextAsync("may be stale");

        // back online but the stream still fails: polling keeps the table current
        await d.Context.SetOfflineAsync(false);
        await Expect(status).ToHaveAttributeAsync("data-state", "polling");
        await Expect(banner).ToContainTextAsync("Live updates interrupted");
        await Server.SetFlagsAsync(id, new Dictionary<string, object> { ["step"] = 2 });
        await Expect(FlagCell(d.Row(id), "step")).ToHaveTextAsync("2");

        // the stream comes back
        await d.Page.UnrouteAsync("**/api/stream**");
        await Expect(status).ToHaveAttributeAsync("data-state", "live", new() { Timeout = 30_000 });
        await Expect(banner).ToBeHiddenAsync();
        await Server.SetFlagsAsync(id, new Dictionary<string, object> { ["step"] = 3 });
        await Expect(FlagCell(d.Row(id), "step")).ToHaveTextAsync("3");
    }

    [Fact]
    public async Task Backend_unreachable_is_never_shown_beside_a_live_stream()
    {
        var id = Ids.New("honest");
        await Server.CreateAsync(id);
        await using var d = await DashboardPage.OpenAsync(fixture, $"#q={id}");
        var status = d.Page.GetByTestId("stream-status");
        await Expect(status).ToHaveAttributeAsync("data-state", "live");

        // As while a server shuts down: the open stream stays connected, but no new request reaches SkyDeck.
        await d.Page.RouteAsync("**/api/health", route => route.AbortAsync());
        await d.Page.RouteAsync("**/api/stream**", route => route.AbortAsync());
        await Expect(d.Page.GetByTestId("pill-backend")).ToContainTextAsync("unreachable", new() { Timeout = 15_000 });
        await Expect(status).Not.ToHaveAttributeAsync("data-state", "live");
    }

    [Fact]
    public async Task Duplicate_opens_the_form_with_the_same_spec_and_a_fresh_id()
    {
        var id = Ids.New("dup");
        await Server.CreateAsync(id, new Dictionary<string, object> { ["trainer.lr"] = 0.01, ["trainer.epochs"] = 3 }, gpus: 4);
        await using var d = await DashboardPage.OpenAsync(fixture, $"#q={id}");
        await d.Row(id).GetByTestId("cell-id").ClickAsync();
        await d.Details(id).GetByTestId("detail-duplicate").ClickAsync();

        var dialog = d.Page.GetByTestId("experiment-dialog");
        await Expect(dialog.GetByTestId("field-id")).ToHaveValueAsync($"{id}-copy");
        await Expect(dialog.GetByTestId("field-gpus")).ToHaveValueAsync("4");
        await Expect(dialog.GetByTestId("flags-json")).ToHaveValueAsync(new Regex("\"trainer.lr\": 0.01"));
        await dialog.GetByTestId("create-submit").ClickAsync();
        await Expect(dialog).ToBeHiddenAsync();

        var copy = d.Row($"{id}-copy");
        await Expect(copy).ToBeVisibleAsync();
        await Expect(FlagCell(copy, "trainer.lr")).ToHaveTextAsync("0.01");
        await Expect(FlagCell(copy, "trainer.epochs")).ToHaveTextAsync("3");
        await Expect(copy.GetByTestId("cell-gpus")).ToHaveTextAsync("4");
    }

    [Fact]
    public async Task Copy_command_uses_the_clipboard_and_falls_back_without_it()
    {
        var id = Ids.New("copy");
        var created = await Server.CreateAsync(id, new Dictionary<string, object> { ["x"] = 1 });
        var command = created.GetProperty("command").GetString()!;

        await using (var d = await DashboardPage.OpenAsync(fixture, $"#q={id}", c => c.GrantPermissionsAsync(["clipboard-read", "clipboard-write"])))
        {
            await d.Row(id).GetByTestId("cell-id").ClickAsync();
            await d.Details(id).GetByTestId("copy-command").ClickAsync();
            await Expect(d.Page.GetByTestId("toast-text").Filter(new() { HasText = "Command copied" })).ToBeVisibleAsync();
            Assert.Equal(command, await d.Page.EvaluateAsync<string>("() => navigator.clipboard.readText()"));
        }

        await using (var d = await DashboardPage.OpenAsync(fixture, $"#q={id}",
            c => c.AddInitScriptAsync("Object.defineProperty(Navigator.prototype, 'clipboard', { get: () => undefined, configurable: true });")))
        {
            await d.Row(id).GetByTestId("cell-id").ClickAsync();
            await d.Details(id).GetByTestId("copy-command").ClickAsync();
            var copied = d.Page.GetByTestId("toast-text").Filter(new() { HasText = "Command copied" });
            var manual = d.Page.GetByTestId("manual-copy");
            await Expect(copied.Or(manual)).ToBeVisibleAsync();
            if (await manual.IsVisibleAsync()) await Expect(manual.GetByTestId("manual-copy-text")).ToHaveValueAsync(command);
            Assert.Empty(d.Errors);
        }
    }

    internal static string ArtifactDirectory()
    {
        var dir = Path.Combine(AppContext.BaseDirectory, "TestResults");
        Directory.CreateDirectory(dir);
        return dir;
    }
}
