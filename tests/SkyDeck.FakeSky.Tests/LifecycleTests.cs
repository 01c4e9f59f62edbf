using SkyDeck.FakeSky.State;

namespace SkyDeck.FakeSky.Tests;

[Trait("Category", "Slow")]
public sealed class LifecycleTests : FakeSkyTestBase
{
    [Fact]
    public async Task Cancel_marks_the_named_unfinished_jobs_cancelled_and_leaves_the_rest()
    {
        await LaunchAsync("c1", "one");
        await LaunchAsync("c1", "two");
        await LaunchAsync("c1", "three");
        Home.SetStatus("c1", 3, JobStatuses.Succeeded);

        var result = await Sky("cancel", "-y", "c1", "1", "3");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal("Cancelling jobs (1, 3) on cluster 'c1'...\n", result.StdOut);
        var jobs = Home.ReadState().Clusters[0].Jobs;
        Assert.Equal([JobStatuses.Cancelled, JobStatuses.Pending, JobStatuses.Succeeded], jobs.Select(j => j.Status));
        Assert.NotNull(jobs[0].EndAt);
    }

    [Fact]
    public async Task A_cancelled_job_stays_cancelled_when_the_queue_is_polled()
    {
        Home.SetControl(c => c with { DefaultScript = ["PENDING", "RUNNING", "SUCCEEDED"] });
        await LaunchAsync("c1", "one");
        await Sky("cancel", "-y", "c1", "1");

        var json = JsonAfterProse((await Sky("queue", "-o", "json", "c1")).StdOut);

        Assert.Equal("CANCELLED", json.GetProperty("c1")[0].GetProperty("status").GetString());
    }

    [Fact]
    public async Task Cancel_without_ids_cancels_the_latest_unfinished_job()
    {
        await LaunchAsync("c1", "one");
        await LaunchAsync("c1", "two");

        var result = await Sky("cancel", "-y", "c1");

        Assert.Contains("cancelling the latest running job.", result.StdOut);
        Assert.Equal([JobStatuses.Pending, JobStatuses.Cancelled], Home.ReadState().Clusters[0].Jobs.Select(j => j.Status));
    }

    [Fact]
    public async Task Cancel_on_a_missing_cluster_is_a_usage_error_with_exit_2_as_in_SkyPilot()
    {
        var result = await Sky("cancel", "-y", "ghost", "1");

        Assert.Equal(2, result.ExitCode);
        Assert.StartsWith("Usage: sky cancel", result.StdErr);
        Assert.EndsWith("Error: Cluster 'ghost' does not exist.\n", result.StdErr);
    }

    [Fact]
    public async Task Cancel_without_yes_aborts_at_the_prompt()
    {
        await LaunchAsync("c1", "one");

        var result = await Sky("cancel", "c1", "1");

        Assert.Equal(1, result.ExitCode);
        Assert.Equal("Cancelling job 1 on cluster(s): c1. Proceed? [Y/n]: ", result.StdOut);
        Assert.Equal(JobStatuses.Pending, Home.ReadState().Clusters[0].Jobs[0].Status);
    }

    [Fact]
    public async Task Stop_keeps_the_cluster_as_stopped_and_cancels_its_unfinished_jobs()
    {
        await LaunchAsync("c1", "running");
        await LaunchAsync("c1", "done");
        Home.SetStatus("c1", 2, JobStatuses.Failed);

        var result = await Sky("stop", "-y", "c1");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal("Stopping cluster c1...done.\n  To restart the cluster, run: sky start c1\n", result.StdOut);
        var cluster = Home.ReadState().Clusters.Single();
        Assert.Equal(ClusterStatuses.Stopped, cluster.Status);
        Assert.Equal([JobStatuses.Cancelled, JobStatuses.Failed], cluster.Jobs.Select(j => j.Status));
    }

    [Fact]
    public async Task Stopping_an_aws_spot_cluster_is_skipped_but_still_exits_0()
    {
        await Sky("launch", "-y", "-d", "-c", "spot", "--use-spot", "--", "echo");

        var result = await Sky("stop", "-y", "spot");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("Stopping cluster 'spot'... skipped.\n  Stopping spot instances is currently not supported on AWS.\n  To terminate the cluster instead, run: sky down spot", result.StdOut);
        Assert.Contains("Cluster(s) failed. See details above.", result.StdOut);
        Assert.Equal(ClusterStatuses.Up, Home.ReadState().Clusters.Single().Status);
    }

    [Theory]
    [InlineData("k8s", "Kubernetes")]
    [InlineData("lambda", "Lambda")]
    [InlineData("runpod", "RunPod")]
    public async Task Stopping_a_cluster_on_a_cloud_that_cannot_stop_is_skipped_exits_0_and_only_down_releases_it(string infra, string cloud)
    {
        await Sky("launch", "-y", "-d", "-c", "c1", "--infra", infra, "--", "echo");

        var stop = await Sky("stop", "-y", "c1");
        var down = await Sky("down", "-y", "c1");

        Assert.Equal(0, stop.ExitCode);
        Assert.Contains($"Stopping cluster 'c1'... skipped.\n  Stopping is currently not supported for {cloud}.", stop.StdOut);
        Assert.Contains("Cluster(s) failed. See details above.", stop.StdOut);
        Assert.Equal(0, down.ExitCode);
        Assert.Empty(Home.ReadState().Clusters);
    }

    [Fact]
    public async Task Down_removes_the_cluster_and_its_jobs_and_a_relaunch_starts_at_job_1()
    {
        await LaunchAsync("c1", "one");
        await LaunchAsync("c2", "two");

        var result = await Sky("down", "-y", "c1");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal("Terminating cluster c1...done.\n", result.StdOut);
        Assert.Equal(["c2"], Home.ReadState().Clusters.Select(c => c.Name));
        var relaunch = await LaunchAsync("c1", "again");
        Assert.Contains("⚙︎ Job submitted, ID: 1", relaunch.StdOut);
    }

    [Fact]
    public async Task Down_of_several_clusters_prints_a_summary()
    {
        await LaunchAsync("a", "x");
        await LaunchAsync("b", "y");

        var result = await Sky("down", "-y", "a", "b");

        Assert.EndsWith("\nSummary:\n  ✓ Succeeded: a, b\n", result.StdOut);
        Assert.Empty(Home.ReadState().Clusters);
    }

    [Theory]
    [InlineData("down")]
    [InlineData("stop")]
    [InlineData("start")]
    public async Task Unknown_clusters_are_not_found_with_exit_0(string command)
    {
        var result = await Sky(command, "-y", "ghost");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal("Cluster(s) not found (tip: see `sky status`).\n", result.StdOut);
    }

    [Fact]
    public async Task Start_brings_a_stopped_cluster_back_up()
    {
        await LaunchAsync("c1", "x");
        await Sky("stop", "-y", "c1");

        var started = await Sky("start", "-y", "c1");
        var again = await Sky("start", "-y", "c1");

        Assert.Equal("Cluster c1 started.\n", started.StdOut);
        Assert.Equal("Cluster c1 already has status UP.\n", again.StdOut);
        Assert.Equal(ClusterStatuses.Up, Home.ReadState().Clusters[0].Status);
    }

    [Fact]
    public async Task A_vanished_cluster_is_gone_from_status_and_queue()
    {
        await LaunchAsync("c1", "x");

        var ctl = await Sky("ctl", "vanish", "c1");
        var queue = await Sky("queue", "c1");

        Assert.Equal(0, ctl.ExitCode);
        Assert.Contains("ClusterDoesNotExist: Cluster 'c1' does not exist.", queue.StdOut);
        Assert.Equal("[]\n", (await Sky("status", "-o", "json")).StdOut);
    }
}
