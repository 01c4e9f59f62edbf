using System.Diagnostics;
using SkyDeck.FakeSky.Control;

namespace SkyDeck.FakeSky.Tests;

[Trait("Category", "Slow")]
public sealed class FaultTests : FakeSkyTestBase
{
    [Fact]
    public async Task Hang_never_returns_until_killed_but_the_invocation_is_logged()
    {
        Home.SetControl(c => c.WithFault("queue", FaultKinds.Hang));

        var result = await Home.RunAsync(["queue", "c1"], TimeSpan.FromSeconds(1.5));

        Assert.True(result.TimedOut);
        Assert.Equal(["queue", "c1"], Assert.Single(Home.ReadInvocations()).Argv);
    }

    [Fact]
    public async Task A_hanging_process_does_not_hold_the_state_lock()
    {
        Home.SetControl(c => c.WithFault("queue", FaultKinds.Hang));
        using var stopHung = new CancellationTokenSource();
        var hung = Home.RunAsync(["queue"], TimeSpan.FromSeconds(30), stopHung.Token);
        await WaitUntilAsync(() => Home.ReadInvocations().Count == 1);

        var launch = await Sky("launch", "-y", "-d", "-c", "c1", "--", "echo");
        Home.SetControl(c => c.WithoutFaults());
        var queue = await Sky("queue", "c1");

        Assert.Equal(0, launch.ExitCode);
        Assert.Equal(0, queue.ExitCode);
        Assert.False(hung.IsCompleted);
        await stopHung.CancelAsync();
        Assert.True((await hung).TimedOut);
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "condition not met within 10 s");
            await Task.Delay(20);
        }
    }

    [Theory]
    [InlineData(1, new[] { "status" })]
    [InlineData(3, new[] { "launch", "-y", "-d", "-c", "c1", "--", "echo" })]
    [InlineData(42, new[] { "cancel", "-y", "c1", "1" })]
    public async Task Exit_n_prints_a_command_error_and_exits_n(int code, string[] argv)
    {
        Home.SetControl(c => c.WithFault(argv[0], FaultKinds.Exit(code)));

        var result = await Sky(argv);

        Assert.Equal(code, result.ExitCode);
        Assert.Equal("sky.exceptions.CommandError: injected failure\n", result.StdErr);
        Assert.Equal("", result.StdOut);
    }

    [Fact]
    public async Task Garbage_is_neither_a_table_nor_json_and_exits_0()
    {
        await LaunchAsync("c1", "x");
        Home.SetControl(c => c.WithFault("queue", FaultKinds.Garbage));

        var result = await Sky("queue", "-o", "json", "c1");

        Assert.Equal(0, result.ExitCode);
        Assert.NotEmpty(result.StdOut.Trim());
        Assert.DoesNotContain("{", result.StdOut);
        Assert.DoesNotContain("[", result.StdOut);
        Assert.DoesNotContain("Job queue", result.StdOut);
        Assert.Equal("PENDING", Home.ReadState().Clusters[0].Jobs[0].Status);
    }

    [Fact]
    public async Task Truncated_prints_the_first_half_of_the_normal_output()
    {
        await LaunchAsync("c1", "x");
        var normal = await Sky("status", "-o", "json");
        Home.SetControl(c => c.WithFault("status", FaultKinds.Truncated));

        var truncated = await Sky("status", "-o", "json");

        Assert.Equal(0, truncated.ExitCode);
        Assert.Equal(normal.StdOut[..(normal.StdOut.Length / 2)], truncated.StdOut);
    }

    [Fact]
    public async Task Queue_failed_reports_every_cluster_as_not_up_and_exits_0()
    {
        await LaunchAsync("c1", "x");
        Home.SetControl(c => c.WithFault("queue", FaultKinds.QueueFailed));

        var table = await Sky("queue", "c1", "c2");
        var json = await Sky("queue", "-o", "json");

        Assert.Equal(0, table.ExitCode);
        Assert.Equal(
            "Fetching and parsing job queue...\nFetching job queue for: c1, c2\n" +
            "Failed to get the job queue for cluster 'c1'.\n  ClusterNotUpError: Cluster 'c1' is not up.\n" +
            "Failed to get the job queue for cluster 'c2'.\n  ClusterNotUpError: Cluster 'c2' is not up.\n",
            table.StdOut);
        Assert.EndsWith("  ClusterNotUpError: Cluster 'c1' is not up.\n{}\n", json.StdOut);
    }

    [Fact]
    public async Task Capacity_fails_the_launch_with_resources_unavailable_and_exit_1()
    {
        Home.SetControl(c => c.WithFault("launch", FaultKinds.Capacity));

        var result = await Sky("launch", "-y", "-d", "-c", "c1", "--gpus", "A100:4", "--", "python", "train.py");

        Assert.Equal(1, result.ExitCode);
        Assert.Equal(
            "sky.exceptions.ResourcesUnavailableError: Failed to provision all possible launchable resources. " +
            "Relax the task's resource requirements: 1x[A100:4]\n",
            result.StdErr);
        Assert.Empty(Home.ReadState().Clusters);
        Assert.Empty(Home.ReadLaunches());
    }

    [Fact]
    public async Task Invalid_is_a_click_usage_error_about_gpus_with_exit_2()
    {
        Home.SetControl(c => c.WithFault("launch", FaultKinds.Invalid));

        var result = await Sky("launch", "-y", "-d", "-c", "c1", "--gpus", "A100:4", "--", "echo");

        Assert.Equal(2, result.ExitCode);
        Assert.StartsWith(
            "Usage: sky launch [OPTIONS] [ENTRYPOINT]...\nTry 'sky launch -h' for help.\n\nError: Invalid value for '--gpus'",
            result.StdErr);
        Assert.Empty(Home.ReadState().Clusters);
    }

    [Fact]
    public async Task Delays_apply_per_subcommand_before_anything_happens()
    {
        Home.SetControl(c => c.WithDelay("status", 600));

        var clock = Stopwatch.StartNew();
        var delayed = await Sky("status");
        var delayedTime = clock.Elapsed;

        Assert.Equal(0, delayed.ExitCode);
        Assert.True(delayedTime >= TimeSpan.FromMilliseconds(600), $"took {delayedTime}");
    }

    [Fact]
    public async Task Ctl_fault_rejects_kinds_that_do_not_fit_the_command()
    {
        var result = await Sky("ctl", "fault", "status", "capacity");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("not valid for 'status'", result.StdErr);
        Assert.Empty(Home.ReadControl().Faults);
    }

    [Fact]
    public async Task Clear_faults_restores_normal_behaviour()
    {
        await Sky("ctl", "fault", "status", "exit:9");
        Assert.Equal(9, (await Sky("status")).ExitCode);

        await Sky("ctl", "clear-faults");

        Assert.Equal(0, (await Sky("status")).ExitCode);
    }
}
