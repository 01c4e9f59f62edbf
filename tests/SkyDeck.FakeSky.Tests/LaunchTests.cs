using SkyDeck.FakeSky.State;

namespace SkyDeck.FakeSky.Tests;

[Trait("Category", "Slow")]
public sealed class LaunchTests : FakeSkyTestBase
{
    [Fact]
    public async Task Given_no_cluster_When_launching_detached_Then_it_provisions_submits_job_1_and_prints_the_useful_commands()
    {
        var result = await Sky("launch", "-y", "-d", "-c", "c1", "-n", "exp-1", "--gpus", "A100:4", "--infra", "aws/us-east-1", "--", "python", "train.py");

        Assert.Equal(0, result.ExitCode);
        var lines = Lines(result.StdOut);
        Assert.Equal("Command to run: python train.py", lines[0]);
        Assert.Contains("Considered resources (1 node):", lines);
        Assert.Contains("✓ Cluster launched: c1.  View logs: sky logs --provision c1", lines);
        Assert.Contains("⚙︎ Job submitted, ID: 1", lines);
        var hint = string.Join('\n', lines.SkipWhile(l => l != "📋 Useful Commands"));
        Assert.Equal(
            "📋 Useful Commands\n" +
            "Job ID: 1\n" +
            "├── To cancel the job:\t\tsky cancel c1 1\n" +
            "├── To stream job logs:\t\tsky logs c1 1\n" +
            "└── To view job queue:\t\tsky queue c1\n" +
            "Cluster name: c1\n" +
            "├── To log into the head VM:\tssh c1\n" +
            "├── To submit a job:\t\tsky exec c1 yaml_file\n" +
            "├── To stop the cluster:\tsky stop c1\n" +
            "└── To teardown the cluster:\tsky down c1\n",
            hint);

        var cluster = Assert.Single(Home.ReadState().Clusters);
        Assert.Equal((ClusterStatuses.Up, "A100:4", "us-east-1"), (cluster.Status, cluster.Accelerators, cluster.Region));
        var job = Assert.Single(cluster.Jobs);
        Assert.Equal((1, "exp-1", JobStatuses.Pending, "1x[A100:4]"), (job.JobId, job.JobName, job.Status, job.Resources));
    }

    [Theory]
    [InlineData("--gpus", "A100:8")]
    [InlineData("--gpus", "H100:4")]
    [InlineData("--num-nodes", "2")]
    [InlineData("--infra", "gcp")]
    [InlineData("--use-spot", null)]
    public async Task Given_an_existing_cluster_When_launching_with_resources_it_cannot_hold_Then_ResourcesMismatchError_exit_1(string option, string? value)
    {
        await Sky("launch", "-y", "-d", "-c", "c1", "--gpus", "A100:4", "--infra", "aws", "--", "echo");
        await Sky("stop", "-y", "c1");

        var result = await Sky(["launch", "-y", "-d", "-c", "c1", "--gpus", "A100:4", .. (value is null ? new[] { option } : new[] { option, value }), "--", "echo"]);

        Assert.Equal(1, result.ExitCode);
        Assert.StartsWith("sky.exceptions.ResourcesMismatchError: Requested resources do not match the existing cluster.\n  Requested:\t{", result.StdErr);
        Assert.Contains("To fix: specify a new cluster name, or down the existing cluster first: sky down c1", result.StdErr);
        Assert.Single(Home.ReadLaunches());
    }

    [Fact]
    public async Task Given_an_existing_cluster_When_launching_with_the_same_or_fewer_resources_Then_it_is_accepted()
    {
        await Sky("launch", "-y", "-d", "-c", "c1", "--num-nodes", "2", "--gpus", "A100:4", "--", "echo");

        var same = await Sky("launch", "-y", "-d", "-c", "c1", "--num-nodes", "2", "--gpus", "A100:4", "--", "echo");
        var fewer = await Sky("launch", "-y", "-d", "-c", "c1", "--gpus", "A100:2", "--", "echo");

        Assert.Equal((0, 0), (same.ExitCode, fewer.ExitCode));
    }

    [Fact]
    public async Task Given_version_0_9_When_launching_Then_infra_is_a_usage_error_and_cloud_region_work()
    {
        Home.SetControl(c => c with { Version = "0.9.3", JsonOutput = false });

        var version = await Sky("--version");
        var help = await Sky("launch", "--help");
        var infra = await Sky("launch", "-y", "-d", "-c", "c1", "--infra", "gcp/us-central1", "--", "echo");
        var cloud = await Sky("launch", "-y", "-d", "-c", "c1", "--cloud", "gcp", "--region", "us-central1", "--", "echo");

        Assert.Equal("skypilot, version 0.9.3\n", version.StdOut);
        Assert.DoesNotContain("--infra", help.StdOut);
        Assert.Contains("--cloud", help.StdOut);
        Assert.Equal(2, infra.ExitCode);
        Assert.Contains("No such option: --infra", infra.StdErr);
        Assert.Equal(0, cloud.ExitCode);
        Assert.Equal(("GCP", "us-central1"), (Home.ReadState().Clusters.Single().Cloud, Home.ReadState().Clusters.Single().Region));
    }

    [Fact]
    public async Task Autostop_flags_are_recorded_on_the_cluster()
    {
        await Sky("launch", "-y", "-d", "-c", "c1", "-i", "10", "--down", "--", "echo");

        var cluster = Home.ReadState().Clusters.Single();
        Assert.Equal((10, true), (cluster.Autostop, cluster.ToDown));
    }

    [Fact]
    public async Task Given_an_up_cluster_When_launching_again_Then_the_next_job_id_is_used_and_nothing_is_provisioned()
    {
        await LaunchAsync("c1", "first");

        var second = await LaunchAsync("c1", "second");

        Assert.Contains("⚙︎ Job submitted, ID: 2", second.StdOut);
        Assert.DoesNotContain("Cluster launched", second.StdOut);
        Assert.Equal([1, 2], Home.ReadLaunches().Select(l => l.JobId));
    }

    [Fact]
    public async Task The_remote_command_is_recorded_verbatim_and_argv_keeps_shell_metacharacters_in_one_element()
    {
        const string nasty = "--note=it's \"quoted\"; rm -rf / && echo $HOME | tee `x`";

        await LaunchAsync("c1", "meta", "python", "train.py", nasty);

        var launch = Assert.Single(Home.ReadLaunches());
        Assert.Equal($"python train.py {nasty}", launch.Command);
        Assert.Equal(nasty, launch.Argv[^1]);
        Assert.Equal("launch", launch.Subcommand);
        Assert.Equal($"python train.py {nasty}", Home.ReadState().Clusters[0].Jobs[0].Command);
    }

    [Fact]
    public async Task Env_values_are_recorded_with_the_launch()
    {
        var result = await Sky("launch", "-y", "-d", "-c", "c1", "--env", "SEED=7", "--env", "LR=0.1", "--", "echo");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(new Dictionary<string, string> { ["SEED"] = "7", ["LR"] = "0.1" }, Assert.Single(Home.ReadLaunches()).Env);
    }

    [Fact]
    public async Task Given_no_yes_flag_and_closed_stdin_When_launching_a_new_cluster_Then_the_prompt_aborts_with_exit_1()
    {
        var result = await Sky("launch", "-d", "-c", "c1", "--", "echo", "hi");

        Assert.Equal(1, result.ExitCode);
        Assert.EndsWith("Launching a new cluster 'c1'. Proceed? [Y/n]: ", result.StdOut);
        Assert.Equal("Aborted!\n", result.StdErr);
        Assert.Empty(Home.ReadState().Clusters);
        Assert.Empty(Home.ReadLaunches());
    }

    [Fact]
    public async Task Given_a_missing_yaml_path_When_launching_even_with_yes_Then_the_yaml_prompt_aborts()
    {
        var result = await Sky("launch", "-y", "-d", "-c", "c1", "does-not-exist.yaml");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("looks like a yaml path but does not exist", result.StdOut);
        Assert.Equal("Aborted!\n", result.StdErr);
    }

    [Theory]
    [InlineData(new[] { "PENDING", "RUNNING", "SUCCEEDED" }, 0, "✓ Job finished (status: SUCCEEDED).")]
    [InlineData(new[] { "PENDING", "RUNNING", "FAILED" }, 100, "✓ Job finished (status: FAILED).")]
    [InlineData(new[] { "PENDING", "SETTING_UP", "FAILED_SETUP" }, 100, "✓ Job finished (status: FAILED_SETUP).")]
    [InlineData(new[] { "PENDING", "CANCELLED" }, 103, "✓ Job finished (status: CANCELLED).")]
    [InlineData(new[] { "PENDING", "RUNNING" }, 101, "Job started. Streaming logs...")]
    public async Task Given_a_script_When_launching_attached_Then_it_tails_to_the_end_and_exits_with_the_job_exit_code(
        string[] script, int exitCode, string expected)
    {
        Home.SetControl(c => c.WithScript("tail-*", script));

        var result = await Sky("launch", "-y", "-c", "c1", "-n", "tail-1", "--", "python", "x.py");

        Assert.Equal(exitCode, result.ExitCode);
        Assert.Contains(expected, result.StdOut);
        Assert.Equal(script[^1], Home.ReadState().Clusters[0].Jobs[0].Status);
    }

    [Fact]
    public async Task Given_a_stopped_cluster_When_launching_Then_it_is_restarted_and_job_ids_continue()
    {
        await LaunchAsync("c1", "before");
        await Sky("stop", "-y", "c1");

        var result = await LaunchAsync("c1", "after");

        Assert.Contains("✓ Cluster launched: c1.", result.StdOut);
        Assert.Contains("⚙︎ Job submitted, ID: 2", result.StdOut);
        Assert.Equal(ClusterStatuses.Up, Home.ReadState().Clusters[0].Status);
    }

    [Fact]
    public async Task Given_an_up_cluster_When_exec_Then_a_job_is_submitted_without_the_hint_block()
    {
        await LaunchAsync("c1", "first");

        var result = await Sky("exec", "c1", "-d", "-n", "second", "--", "python", "eval.py");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("Submitting job to cluster: c1", result.StdOut);
        Assert.Contains("⚙︎ Job submitted, ID: 2", result.StdOut);
        Assert.DoesNotContain("Useful Commands", result.StdOut);
        Assert.Equal("exec", Home.ReadLaunches()[^1].Subcommand);
    }

    [Fact]
    public async Task Given_no_cluster_When_exec_Then_it_raises_cluster_does_not_exist()
    {
        var result = await Sky("exec", "ghost", "--", "echo");

        Assert.Equal(1, result.ExitCode);
        Assert.Equal("sky.exceptions.ClusterDoesNotExist: Cluster 'ghost' does not exist.\n", result.StdErr);
    }
}
