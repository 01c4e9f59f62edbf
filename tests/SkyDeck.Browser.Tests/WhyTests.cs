using System.Text.Json;
using System.Text.RegularExpressions;

namespace SkyDeck.Browser.Tests;

/// <summary>Why a run died, in the dashboard: the attempt strip, the last lines next to the cause, the log view, Retry.</summary>
[Collection(DashboardCollection.Name)]
[Trait("Category", "Slow")]
public sealed class WhyTests(DashboardFixture fixture)
{
    private static readonly LocatorAssertionsToHaveTextOptions Slow = new() { Timeout = 40_000 };

    private DashboardServer Server => fixture.Server;

    [Fact]
    public async Task A_run_that_exits_1_shows_its_strip_its_coloured_last_lines_as_text_and_a_Retry_that_starts_a_new_run()
    {
        var id = Ids.New("why");
        DashboardServer.Sky.SetControl(c => c.WithScript($"skydeck-{id}-*", "PENDING", "RUNNING", "FAILED")
            .WithOutput($"skydeck-{id}-*", [1], ["epoch 1", "\u001b[31mTraceback (most recent call last)\u001b[0m", "ValueError: <b>bad batch</b>"]));
        await Server.SendAsync(HttpMethod.Post, "api/experiments", new
        {
            id, name = id, base_command = "python train.py", nodes = 1, gpus = 0, desired_state = "RUNNING",
            retry = new { max_restarts_on_errors = 0 },
        });
        await using var d = await DashboardPage.OpenAsync(fixture);
        var page = d.Page;
        var row = d.Row(id);

        await Expect(row.GetByTestId("attempt-strip")).ToHaveTextAsync("✗exit 1", Slow);
        await Expect(row.GetByTestId("state-note")).ToHaveTextAsync("user error (exit 1)");
        await Expect(row.GetByTestId("row-retry")).ToBeVisibleAsync();

        await row.GetByTestId("cell-name").ClickAsync();
        var details = d.Details(id);
        await Expect(details.GetByTestId("details-attempt-strip")).ToHaveTextAsync("✗exit 1");
        await Expect(details.GetByTestId("details-attempts")).ToContainTextAsync("1 of 0 restarts on errors used");
        await Expect(details.GetByTestId("log-cause")).ToHaveTextAsync("Attempt 1: user error (exit 1) — last lines");
        var log = details.GetByTestId("log-view");
        await Expect(log).ToContainTextAsync("ValueError: <b>bad batch</b>", new() { Timeout = 40_000 });
        await Expect(log.Locator("span.ansi-red")).ToHaveTextAsync(new Regex("^Traceback"));
        Assert.Equal(0, await log.Locator("b").CountAsync());
        await Expect(details.GetByTestId("log-meta")).ToContainTextAsync("exit code 1");
        await Expect(details.GetByTestId("log-copy")).ToBeVisibleAsync();

        await details.GetByTestId("detail-retry").ClickAsync();
        await Expect(row.GetByTestId("row-retry")).ToBeHiddenAsync(new() { Timeout = 10_000 });
        var after = await Server.GetAsync(id);
        Assert.Equal(2, after.GetProperty("run").GetInt32());
    }

    [Fact]
    public async Task The_retry_policy_is_set_in_the_form_and_shown_in_the_details()
    {
        var id = Ids.New("policy");
        await using var d = await DashboardPage.OpenAsync(fixture);
        var page = d.Page;
        await page.GetByTestId("new-experiment").ClickAsync();
        var dialog = page.GetByTestId("experiment-dialog");
        await dialog.GetByTestId("field-id").FillAsync(id);
        await dialog.GetByTestId("field-name").FillAsync("Policy");
        await dialog.GetByTestId("field-base_command").FillAsync("python train.py");
        await dialog.GetByTestId("field-run_name").FillAsync($"tests.{id}");
        await dialog.GetByTestId("advanced").EvaluateAsync("e => e.open = true");
        await dialog.GetByTestId("field-retry-max").FillAsync("2");
        await dialog.GetByTestId("field-retry-codes").FillAsync("137, 143");
        await dialog.GetByTestId("field-retry-preemption").SelectOptionAsync("never");
        await dialog.GetByTestId("create-submit").ClickAsync();
        await Expect(dialog).ToBeHiddenAsync();

        var created = await Server.GetAsync(id);
        Assert.Equal(2, created.GetProperty("retry").GetProperty("max_restarts_on_errors").GetInt32());
        Assert.Equal([137, 143], created.GetProperty("retry").GetProperty("recover_on_exit_codes").EnumerateArray().Select(c => c.GetInt32()).ToArray());
        await d.Row(id).GetByTestId("cell-name").ClickAsync();
        await Expect(d.Details(id).GetByTestId("config-retry-policy")).ToHaveTextAsync("2 restarts on errors; exit codes 137, 143 always retry; on preemption: give up");
    }
}
