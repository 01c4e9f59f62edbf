namespace SkyDeck.FakeSky.Tests;

[Trait("Category", "Slow")]
public sealed class LogsTests : FakeSkyTestBase
{
    [Theory]
    [InlineData("SUCCEEDED", 0)]
    [InlineData("FAILED", 100)]
    [InlineData("FAILED_SETUP", 100)]
    [InlineData("FAILED_DRIVER", 100)]
    [InlineData("RUNNING", 101)]
    [InlineData("PENDING", 101)]
    [InlineData("CANCELLED", 103)]
    public async Task Status_prints_job_n_status_and_exits_with_the_job_exit_code(string status, int exitCode)
    {
        await LaunchAsync("c1", "x");
        Home.SetStatus("c1", 1, status);

        var result = await Sky("logs", "c1", "1", "--status");

        Assert.Equal(exitCode, result.ExitCode);
        Assert.Equal($"Job 1: {status}\n", result.StdOut);
    }

    [Fact]
    public async Task Status_of_an_unknown_job_exits_102()
    {
        await LaunchAsync("c1", "x");

        var result = await Sky("logs", "c1", "7", "--status");

        Assert.Equal(102, result.ExitCode);
        Assert.Equal("Job 7 not found\n", result.StdOut);
    }

    [Fact]
    public async Task Logs_print_task_lines_prefixed_with_the_task_name_and_pid_and_do_not_advance_the_job()
    {
        await LaunchAsync("c1", "train");
        Home.SetStatus("c1", 1, "SUCCEEDED");

        var result = await Sky("logs", "c1", "1", "--no-follow");
        var tail = await Sky("logs", "c1", "--tail", "1");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("(train, pid=1234) fake-sky: job 1 running: echo hi", result.StdOut);
        Assert.EndsWith("✓ Job finished (status: SUCCEEDED).\n", result.StdOut);
        Assert.Single(Lines(tail.StdOut), l => l.StartsWith("(train, pid=1234) ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Output_set_by_ctl_gives_a_multi_node_failure_its_return_codes_and_the_programs_own_lines()
    {
        var ctl = await Sky("ctl", "output", "tr*", "137,1,137,137", "loading data", "Traceback: boom");
        await LaunchAsync("c1", "train");
        Home.SetStatus("c1", 1, "FAILED");

        var result = await Sky("logs", "c1", "1", "--no-follow", "--tail", "5");

        Assert.Equal(0, ctl.ExitCode);
        Assert.Equal(100, result.ExitCode);
        Assert.Contains("(train, pid=1234) loading data\n(train, pid=1234) Traceback: boom\n", result.StdOut);
        Assert.Contains("ERROR: Job 1 failed with return code list: [137, 1, 137, 137] (A worker failed with return code 1, SkyPilot cleaned up the processes on other nodes with return code 137)", result.StdOut);
    }

    [Fact]
    public async Task Logs_of_a_failed_job_carry_the_error_line_and_exit_100()
    {
        await LaunchAsync("c1", "train");
        Home.SetStatus("c1", 1, "FAILED");

        var result = await Sky("logs", "c1", "1");

        Assert.Equal(100, result.ExitCode);
        Assert.Contains("ERROR: Job 1 failed with return code list: [1]\n✓ Job finished (status: FAILED).", result.StdOut);
    }

    [Fact]
    public async Task Logs_of_a_missing_cluster_raise_with_exit_1()
    {
        var result = await Sky("logs", "ghost", "1", "--status");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("ClusterDoesNotExist", result.StdErr);
    }

    [Fact]
    public async Task More_than_one_job_id_without_sync_down_is_a_usage_error()
    {
        var result = await Sky("logs", "c1", "1", "2");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("Cannot stream logs of multiple jobs", result.StdErr);
    }
}
