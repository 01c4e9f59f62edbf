using System.Text.Json;

namespace SkyDeck.FakeSky.Tests;

/// <summary><c>sky cost-report</c>: every cluster incarnation SkyPilot remembers, with when it was up.</summary>
[Trait("Category", "Slow")]
public sealed class CostReportTests : FakeSkyTestBase
{
    private static readonly string[] Columns = ["NAME", "LAUNCHED", "DURATION", "RESOURCES", "STATUS", "COST/hr", "COST (est.)"];

    private void NewestClient() => Home.SetControl(c => c with { Version = "0.13.0" });

    [Fact]
    public async Task Live_stopped_and_torn_down_clusters_are_listed_live_first_with_the_torn_down_one_TERMINATED()
    {
        await LaunchAsync("gone", "a");
        await LaunchAsync("kept", "b", "python", "train.py");
        await LaunchAsync("resting", "c");
        Assert.Equal(0, (await Sky("down", "-y", "gone")).ExitCode);
        Assert.Equal(0, (await Sky("stop", "-y", "resting")).ExitCode);

        var result = await Sky("cost-report", "--all");

        Assert.Equal(0, result.ExitCode);
        var lines = Lines(result.StdOut);
        Assert.Equal("Clusters (last 30 days)", lines[0]);
        var table = TableReader.Parse(result.StdOut, Columns);
        // Launched within the same second, the two live ones may come in either order; the torn-down one comes last.
        Assert.Equal(["kept", "resting"], table.Rows.Take(2).Select(r => r["NAME"]).Order());
        Assert.Equal(["STOPPED", "UP"], table.Rows.Take(2).Select(r => r["STATUS"]).Order());
        Assert.Equal(("gone", "TERMINATED"), (table.Rows[2]["NAME"], table.Rows[2]["STATUS"]));
        Assert.All(table.Rows, r => Assert.StartsWith("$ ", r["COST/hr"]));
        Assert.StartsWith("1x AWS(", table.Rows[1]["RESOURCES"]);
        Assert.Contains(lines, l => l.StartsWith("Total Cost: $", StringComparison.Ordinal));
        Assert.DoesNotContain(lines, l => l.StartsWith("Showing up to", StringComparison.Ordinal));
        Assert.Equal("This feature is experimental. Costs for clusters with auto{stop,down} scheduled may not be accurate.", lines[^2]);
    }

    [Fact]
    public async Task Without_all_at_most_five_rows_are_shown_and_a_note_says_so()
    {
        for (var i = 1; i <= 6; i++) await LaunchAsync($"c{i}", "j");

        var result = await Sky("cost-report");

        Assert.Equal(5, TableReader.Parse(result.StdOut, Columns).Rows.Count);
        Assert.Contains("Showing up to 5 most recent clusters. To see all clusters in history, pass the --all flag.", Lines(result.StdOut));
    }

    [Fact]
    public async Task With_no_clusters_only_the_total_and_the_notes_are_printed()
    {
        var result = await Sky("cost-report", "--all");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal("\nTotal Cost: $0.00\nThis feature is experimental. Costs for clusters with auto{stop,down} scheduled may not be accurate.\n", result.StdOut);
    }

    [Fact]
    public async Task Json_lists_each_incarnation_with_its_usage_intervals_opened_by_launch_and_start_and_closed_by_stop_and_down()
    {
        NewestClient();
        await LaunchAsync("c1", "first");
        Assert.Equal(0, (await Sky("stop", "-y", "c1")).ExitCode);
        Assert.Equal(0, (await Sky("start", "-y", "c1")).ExitCode);
        Assert.Equal(0, (await Sky("down", "-y", "c1")).ExitCode);
        await LaunchAsync("c1", "second");

        var json = JsonAfterProse((await Sky("cost-report", "-o", "json")).StdOut);

        Assert.Equal(2, json.GetArrayLength());
        var (live, torn) = (json[0], json[1]);
        Assert.Equal("UP", live.GetProperty("status").GetString());
        Assert.Equal("TERMINATED", torn.GetProperty("status").GetString());
        Assert.Equal("c1", torn.GetProperty("name").GetString());
        var intervals = torn.GetProperty("usage_intervals").EnumerateArray().ToList();
        Assert.Equal(2, intervals.Count);
        Assert.All(intervals, i => Assert.Equal(JsonValueKind.Number, i[1].ValueKind));
        Assert.Equal(intervals[0][0].GetInt64(), torn.GetProperty("launched_at").GetInt64());
        Assert.Equal(intervals.Sum(i => i[1].GetInt64() - i[0].GetInt64()), torn.GetProperty("duration").GetInt64());
        Assert.Equal(JsonValueKind.Null, live.GetProperty("usage_intervals")[0][1].ValueKind);
        Assert.NotEqual(live.GetProperty("cluster_hash").GetString(), torn.GetProperty("cluster_hash").GetString());
        Assert.Equal("aws/us-east-1", live.GetProperty("resources").GetProperty("infra").GetString());
    }

    [Fact]
    public async Task A_cluster_that_vanished_long_ago_ends_its_history_when_it_went()
    {
        NewestClient();
        await LaunchAsync("c1", "first");
        Home.Vanish("c1", upFor: TimeSpan.Zero);

        var record = JsonAfterProse((await Sky("cost-report", "-o", "json")).StdOut)[0];

        Assert.Equal("TERMINATED", record.GetProperty("status").GetString());
        var interval = record.GetProperty("usage_intervals")[0];
        Assert.Equal(interval[0].GetInt64(), interval[1].GetInt64());
        Assert.Equal(0, record.GetProperty("duration").GetInt64());
    }

    [Fact]
    public async Task Clients_before_0_13_have_no_output_option_on_cost_report()
    {
        var json = await Sky("cost-report", "-o", "json");
        var help = await Sky("cost-report", "--help");

        Assert.Equal(2, json.ExitCode);
        Assert.Contains("No such option: -o", json.StdErr);
        Assert.DoesNotContain("--output", help.StdOut);
        Assert.Contains("--days", help.StdOut);
        NewestClient();
        Assert.Contains("--output", (await Sky("cost-report", "--help")).StdOut);
    }

    [Fact]
    public async Task A_client_without_the_command_refuses_it_and_its_help_as_Click_does()
    {
        Home.SetControl(c => c.WithFault("cost-report", "missing"));

        var help = await Sky("cost-report", "--help");
        var report = await Sky("cost-report", "--all");

        Assert.Equal(2, help.ExitCode);
        Assert.Equal(2, report.ExitCode);
        Assert.Contains("Error: No such command 'cost-report'.", report.StdErr);
    }
}
