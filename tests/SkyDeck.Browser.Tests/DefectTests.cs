using System.Text.Json;
using System.Text.RegularExpressions;

namespace SkyDeck.Browser.Tests;

/// <summary>Defects a tester found in the dashboard, each reproduced through what a user does.</summary>
[Collection(DashboardCollection.Name)]
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
}
