namespace SkyDeck.FakeSky.Tests;

[Trait("Category", "Slow")]
public sealed class CliSurfaceTests : FakeSkyTestBase
{
    [Fact]
    public void Given_a_referencing_test_project_Then_the_apphost_sits_next_to_the_test_assembly()
    {
        Assert.True(File.Exists(FakeSkyHome.ExecutablePath), FakeSkyHome.ExecutablePath);
        Assert.Equal(Path.GetDirectoryName(typeof(CliSurfaceTests).Assembly.Location), Path.GetDirectoryName(FakeSkyHome.ExecutablePath));
    }

    [Fact]
    public async Task When_asked_for_the_version_Then_it_answers_like_skypilot()
    {
        var result = await Sky("--version");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal("skypilot, version 0.12.0\n", result.StdOut);
    }

    [Fact]
    public async Task Given_json_output_on_When_status_help_Then_the_output_option_is_advertised()
    {
        var result = await Sky("status", "--help");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("-o, --output [table|json]", result.StdOut);
        Assert.StartsWith("Usage: sky status [OPTIONS] [CLUSTERS]...", result.StdOut);
    }

    [Fact]
    public async Task Given_json_output_off_When_o_json_is_passed_Then_click_rejects_it_and_help_hides_it()
    {
        Home.SetControl(c => c with { JsonOutput = false });

        var help = await Sky("status", "-h");
        var queue = await Sky("queue", "-o", "json");

        Assert.DoesNotContain("--output", help.StdOut);
        Assert.Equal(2, queue.ExitCode);
        Assert.Equal(
            "Usage: sky queue [OPTIONS] [CLUSTERS]...\nTry 'sky queue -h' for help.\n\nError: No such option: -o\n",
            queue.StdErr);
    }

    [Theory]
    [InlineData(new[] { "launch", "--frobnicate" }, "Error: No such option: --frobnicate")]
    [InlineData(new[] { "launch", "-y", "-c" }, "Error: Option '-c' requires an argument.")]
    [InlineData(new[] { "launch", "--num-nodes", "two" }, "Error: Invalid value for '--num-nodes': 'two' is not a valid integer.")]
    [InlineData(new[] { "queue", "-o", "yaml" }, "Error: Invalid value for '-o' / '--output': 'yaml' is not one of 'table', 'json'.")]
    [InlineData(new[] { "cancel" }, "Error: Missing argument 'CLUSTER'.")]
    [InlineData(new[] { "cancel", "-y", "c1", "one" }, "Error: Invalid value for '[JOBS]...': 'one' is not a valid integer.")]
    [InlineData(new[] { "teleport" }, "Error: No such command 'teleport'.")]
    [InlineData(new[] { "down" }, "Error: `sky down` requires either a cluster name or glob (see `sky status`), or the -a/--all flag.")]
    [InlineData(new[] { "launch", "--env", "FAKE_SKY_SURELY_UNSET_VAR" }, "Error: FAKE_SKY_SURELY_UNSET_VAR is not set in local environment.")]
    public async Task When_argv_is_wrong_Then_it_is_a_click_usage_error_with_exit_2(string[] argv, string error)
    {
        var result = await Sky(argv);

        Assert.Equal(2, result.ExitCode);
        Assert.StartsWith("Usage: sky ", result.StdErr);
        Assert.EndsWith("\n\n" + error + "\n", result.StdErr);
        Assert.Equal("", result.StdOut);
    }

    [Fact]
    public async Task When_short_flags_are_combined_and_long_options_use_equals_Then_they_parse_like_click()
    {
        var result = await Sky("launch", "-yd", "-cc1", "--name=combo", "--gpus=T4:1", "--", "echo", "hi");

        Assert.Equal(0, result.ExitCode);
        var launch = Assert.Single(Home.ReadLaunches());
        Assert.Equal(("c1", "combo", "1x[T4:1]"), (launch.Cluster, launch.JobName, launch.Resources));
    }

    [Fact]
    public async Task Every_sky_invocation_is_logged_with_its_argv_but_ctl_calls_are_not()
    {
        await Sky("status", "--no-show-managed-jobs");
        await Sky("ctl", "json", "off");
        await Sky("queue", "c1 with space");

        var invocations = Home.ReadInvocations();

        Assert.Equal([["status", "--no-show-managed-jobs"], ["queue", "c1 with space"]], invocations.Select(i => i.Argv.ToArray()));
        Assert.All(invocations, i => Assert.True(i.Pid > 0));
    }
}
