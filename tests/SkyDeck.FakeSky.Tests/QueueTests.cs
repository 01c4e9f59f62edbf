using System.Text.Json;

namespace SkyDeck.FakeSky.Tests;

[Trait("Category", "Slow")]
public sealed class QueueTests : FakeSkyTestBase
{
    private static readonly string[] Headers =
        ["ID", "NAME", "USER", "SUBMITTED", "STARTED", "DURATION", "RESOURCES", "STATUS", "LOG", "GIT COMMIT"];

    [Fact]
    public async Task Each_queue_advances_the_reported_jobs_one_step_before_printing_and_stops_at_the_end()
    {
        Home.SetControl(c => c.WithScript("skydeck-exp1-*", "PENDING", "RUNNING", "SUCCEEDED"));
        await LaunchAsync("c1", "skydeck-exp1-g1");
        Assert.Equal("PENDING", Home.ReadState().Clusters[0].Jobs[0].Status);

        var seen = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            var result = await Sky("queue", "-o", "json", "c1");
            seen.Add(JsonAfterProse(result.StdOut).GetProperty("c1")[0].GetProperty("status").GetString()!);
        }

        Assert.Equal(["RUNNING", "SUCCEEDED", "SUCCEEDED"], seen);
        var job = Home.ReadState().Clusters[0].Jobs[0];
        Assert.NotNull(job.StartAt);
        Assert.NotNull(job.EndAt);
        Assert.True(job.SubmittedAt <= job.StartAt && job.StartAt <= job.EndAt);
    }

    [Fact]
    public async Task Jobs_without_a_matching_rule_follow_the_default_script()
    {
        Home.SetControl(c => c with { DefaultScript = ["PENDING", "PENDING", "RUNNING"] });
        await LaunchAsync("c1", "anything");

        var first = await Sky("queue", "c1");
        var second = await Sky("queue", "c1");

        Assert.Equal("PENDING", TableReader.Parse(first.StdOut, Headers).Rows[0]["STATUS"]);
        Assert.Equal("RUNNING", TableReader.Parse(second.StdOut, Headers).Rows[0]["STATUS"]);
    }

    [Fact]
    public async Task The_table_matches_prettytable_layout_with_columns_padded_to_widest_cell_plus_two()
    {
        await LaunchAsync("c1", "a");
        await LaunchAsync("c1", "a-much-longer-job-name");

        var result = await Sky("queue", "c1");

        Assert.Equal(0, result.ExitCode);
        var lines = Lines(result.StdOut);
        Assert.Equal(
            ["Fetching and parsing job queue...", "Fetching job queue for: c1", "", "Job queue of current user on cluster c1"],
            lines[..4]);
        var table = TableReader.Parse(result.StdOut, Headers);
        Assert.Equal(2, table.RowLines.Count);
        var allLines = table.RowLines.Prepend(table.HeaderLine).ToList();
        Assert.All(allLines, line => Assert.Equal(table.HeaderLine.Length, line.Length));
        Assert.All(allLines, line => Assert.EndsWith("  ", line));
        for (var column = 0; column < Headers.Length; column++)
        {
            var widest = allLines.Max(line => table.Cell(line, column).Length);
            var end = column + 1 < Headers.Length ? table.Offsets[column + 1] : table.HeaderLine.Length;
            Assert.Equal(widest + 2, end - table.Offsets[column]);
        }

        var rows = table.Rows;
        Assert.Equal(["2", "1"], rows.Select(r => r["ID"]));
        Assert.Equal("a-much-longer-job-name", rows[0]["NAME"]);
        Assert.Equal("1x[CPU:1+]", rows[0]["RESOURCES"]);
        Assert.Equal("RUNNING", rows[0]["STATUS"]);
        Assert.Equal("-", rows[0]["GIT COMMIT"]);
        Assert.StartsWith("~/sky_logs/sky-", rows[0]["LOG"]);
    }

    [Fact]
    public async Task Pending_rows_show_dashes_for_started_and_duration()
    {
        Home.SetControl(c => c with { DefaultScript = ["PENDING"] });
        await LaunchAsync("c1", "waiting");

        var row = TableReader.Parse((await Sky("queue", "c1")).StdOut, Headers).Rows[0];

        Assert.Equal(("-", "-", "PENDING"), (row["STARTED"], row["DURATION"], row["STATUS"]));
        Assert.Contains(row["SUBMITTED"], new[] { "< 1 sec", "a few secs ago" });
    }

    [Fact]
    public async Task Json_mode_prints_the_prose_line_then_an_object_keyed_by_cluster_with_skypilot_record_fields()
    {
        await LaunchAsync("c1", "job-a");
        await LaunchAsync("c2", "job-b");
        await Sky("stop", "-y", "c2");

        var result = await Sky("queue", "-o", "json", "c1", "c2", "ghost");

        Assert.Equal(0, result.ExitCode);
        Assert.StartsWith(
            "Fetching job queue for: c1, c2, ghost\n" +
            "Failed to get the job queue for cluster 'c2'.\n" +
            "  ClusterNotUpError: Cluster 'c2' is not up.\n" +
            "Failed to get the job queue for cluster 'ghost'.\n" +
            "  ClusterDoesNotExist: Cluster 'ghost' does not exist.\n" +
            "{",
            result.StdOut);
        var json = JsonAfterProse(result.StdOut);
        Assert.Equal(["c1"], json.EnumerateObject().Select(p => p.Name));
        var record = json.GetProperty("c1")[0];
        Assert.Equal(
            ["job_id", "job_name", "username", "user_hash", "submitted_at", "start_at", "end_at", "resources", "status", "log_path", "metadata"],
            record.EnumerateObject().Select(p => p.Name));
        Assert.Equal(1, record.GetProperty("job_id").GetInt32());
        Assert.Equal("job-a", record.GetProperty("job_name").GetString());
        Assert.Equal(JsonValueKind.Number, record.GetProperty("submitted_at").ValueKind);
        Assert.Equal(JsonValueKind.Number, record.GetProperty("start_at").ValueKind);
        Assert.Equal(JsonValueKind.Null, record.GetProperty("end_at").ValueKind);
        Assert.Equal(JsonValueKind.Object, record.GetProperty("metadata").ValueKind);
    }

    [Fact]
    public async Task Without_cluster_names_every_cluster_is_reported_and_with_none_the_json_is_empty()
    {
        var empty = await Sky("queue", "-o", "json");
        await LaunchAsync("c1", "x");
        await LaunchAsync("c2", "y");

        var all = await Sky("queue", "-o", "json");

        Assert.Equal("{}\n", empty.StdOut);
        Assert.Equal(["c1", "c2"], JsonAfterProse(all.StdOut).EnumerateObject().Select(p => p.Name));
    }

    [Fact]
    public async Task Given_a_missing_cluster_in_table_mode_Then_the_failure_is_printed_and_exit_is_0()
    {
        var result = await Sky("queue", "ghost");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(
            "Fetching and parsing job queue...\nFetching job queue for: ghost\n" +
            "Failed to get the job queue for cluster 'ghost'.\n  ClusterDoesNotExist: Cluster 'ghost' does not exist.\n",
            result.StdOut);
    }

    [Fact]
    public async Task Skip_finished_hides_terminal_jobs_and_all_users_changes_the_title()
    {
        await LaunchAsync("c1", "done");
        await LaunchAsync("c1", "live");
        Home.SetStatus("c1", 1, "SUCCEEDED");

        var result = await Sky("queue", "-s", "-u", "c1");

        Assert.Contains("Job queue of all users on cluster c1", result.StdOut);
        Assert.Equal(["live"], TableReader.Parse(result.StdOut, Headers).Rows.Select(r => r["NAME"]));
    }

    [Fact]
    public async Task Given_ansi_on_Then_statuses_are_coloured_but_columns_still_align_on_visible_width()
    {
        Home.SetControl(c => c with { Ansi = true });
        await LaunchAsync("c1", "colourful");

        var result = await Sky("queue", "c1");

        Assert.Contains("\x1b[32mRUNNING\x1b[0m", result.StdOut);
        var plain = System.Text.RegularExpressions.Regex.Replace(result.StdOut, @"\x1b\[[0-9;]*m", "");
        var table = TableReader.Parse(plain, Headers);
        Assert.Equal(table.HeaderLine.Length, table.RowLines[0].Length);
        Assert.Equal("RUNNING", table.Rows[0]["STATUS"]);
    }
}
