namespace SkyDeck.FakeSky.Tests;

[Trait("Category", "Slow")]
public sealed class StatusTests : FakeSkyTestBase
{
    private static readonly string[] Headers = ["NAME", "INFRA", "RESOURCES", "STATUS", "AUTOSTOP", "LAUNCHED"];

    [Fact]
    public async Task Given_no_clusters_Then_table_says_so_and_json_is_an_empty_array()
    {
        var table = await Sky("status");
        var json = await Sky("status", "-o", "json", "--no-show-managed-jobs", "--no-show-services", "--no-show-pools");

        Assert.Equal("Clusters\nNo existing clusters.\n\nManaged jobs\nNo in-progress managed jobs.\n", table.StdOut);
        Assert.Equal("[]\n", json.StdOut);
    }

    [Fact]
    public async Task The_table_lists_each_cluster_with_infra_resources_status_and_launch_time()
    {
        await Sky("launch", "-y", "-d", "-c", "gpu-box", "--gpus", "A100:4", "--infra", "gcp/us-central1", "-i", "10", "--down", "--", "echo");
        await LaunchAsync("cpu-box", "x");
        await Sky("stop", "-y", "cpu-box");

        var result = await Sky("status", "--no-show-managed-jobs");

        Assert.Equal(0, result.ExitCode);
        Assert.StartsWith("Clusters\n", result.StdOut);
        Assert.DoesNotContain("Managed jobs", result.StdOut);
        var rows = TableReader.Parse(result.StdOut, Headers).Rows;
        Assert.Equal(["gpu-box", "cpu-box"], rows.Select(r => r["NAME"]));
        Assert.Equal("GCP (us-central1)", rows[0]["INFRA"]);
        Assert.StartsWith("1x(gpus=A100:4, ", rows[0]["RESOURCES"]);
        Assert.Equal(("UP", "10m (down)"), (rows[0]["STATUS"], rows[0]["AUTOSTOP"]));
        Assert.Equal(("STOPPED", "-"), (rows[1]["STATUS"], rows[1]["AUTOSTOP"]));
        Assert.Contains(rows[1]["LAUNCHED"], new[] { "< 1 sec", "a few secs ago" });
    }

    [Fact]
    public async Task Json_mode_prints_an_array_of_status_records()
    {
        await Sky("launch", "-y", "-d", "-c", "c1", "--num-nodes", "2", "--gpus", "H100:8", "--", "echo");

        var result = await Sky("status", "-o", "json");

        var cluster = Assert.Single(JsonAfterProse(result.StdOut).EnumerateArray());
        Assert.Equal("c1", cluster.GetProperty("name").GetString());
        Assert.Equal("UP", cluster.GetProperty("status").GetString());
        Assert.Equal(-1, cluster.GetProperty("autostop").GetInt32());
        Assert.False(cluster.GetProperty("to_down").GetBoolean());
        Assert.Equal(2, cluster.GetProperty("nodes").GetInt32());
        Assert.Equal("AWS", cluster.GetProperty("cloud").GetString());
        Assert.Equal("us-east-1", cluster.GetProperty("region").GetString());
        Assert.Equal("skydeck", cluster.GetProperty("user_name").GetString());
        Assert.True(cluster.GetProperty("launched_at").GetInt64() > 1_700_000_000);
        Assert.StartsWith("2x(gpus=H100:8", cluster.GetProperty("resources_str").GetString());
    }

    [Fact]
    public async Task Given_an_unknown_name_in_json_mode_Then_the_bold_not_found_line_precedes_the_json_and_exit_is_0()
    {
        await LaunchAsync("c1", "x");

        var result = await Sky("status", "-o", "json", "ghost");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal("Cluster(s) not found: \x1b[1mghost\x1b[0m.\n[]\n", result.StdOut);
    }

    [Fact]
    public async Task Given_an_unknown_name_in_table_mode_Then_it_is_reported_under_clusters()
    {
        var result = await Sky("status", "--no-show-managed-jobs", "ghost");

        Assert.Equal("Cluster(s) not found: \x1b[1mghost\x1b[0m.\nClusters\nCluster 'ghost' not found.\n", result.StdOut);
    }

    [Fact]
    public async Task Cluster_names_can_be_globs()
    {
        await LaunchAsync("skydeck-a", "x");
        await LaunchAsync("skydeck-b", "y");
        await LaunchAsync("other", "z");

        var result = await Sky("status", "-o", "json", "skydeck-*");

        Assert.Equal(["skydeck-a", "skydeck-b"], JsonAfterProse(result.StdOut).EnumerateArray().Select(c => c.GetProperty("name").GetString()));
    }
}
