namespace SkyDeck.FakeSky.Tests;

[Trait("Category", "Slow")]
public sealed class ConcurrencyTests : FakeSkyTestBase
{
    [Fact]
    public async Task Eight_concurrent_launches_on_different_clusters_create_eight_clusters_without_corrupting_state()
    {
        var launches = Enumerable.Range(1, 8)
            .Select(i => Sky("launch", "-y", "-d", "-c", $"c{i}", "-n", $"job-{i}", "--", "echo", $"{i}"))
            .ToList();

        var results = await Task.WhenAll(launches);

        Assert.All(results, r => Assert.True(r.ExitCode == 0, r.ToString()));
        var state = Home.ReadState();
        Assert.Equal(Enumerable.Range(1, 8).Select(i => $"c{i}").Order(), state.Clusters.Select(c => c.Name).Order());
        Assert.All(state.Clusters, c => Assert.Equal(1, Assert.Single(c.Jobs).JobId));
        Assert.Equal(8, Home.ReadLaunches().Select(l => l.JobName).Distinct().Count());
        Assert.Equal(8, Home.ReadInvocations().Count);
    }

    [Fact]
    public async Task Concurrent_launches_on_one_cluster_get_distinct_job_ids_and_provision_once()
    {
        var results = await Task.WhenAll(Enumerable.Range(1, 6)
            .Select(i => Sky("launch", "-y", "-d", "-c", "shared", "-n", $"job-{i}", "--", "echo")));

        Assert.All(results, r => Assert.True(r.ExitCode == 0, r.ToString()));
        Assert.Single(results, r => r.StdOut.Contains("Cluster launched", StringComparison.Ordinal));
        var cluster = Assert.Single(Home.ReadState().Clusters);
        Assert.Equal([1, 2, 3, 4, 5, 6], cluster.Jobs.Select(j => j.JobId).Order());
        Assert.Equal(7, cluster.NextJobId);
    }

    [Fact]
    public async Task Concurrent_queues_and_launches_keep_every_job_consistent()
    {
        await LaunchAsync("c1", "seed");
        var work = Enumerable.Range(0, 4).Select(_ => Sky("queue", "-o", "json", "c1"))
            .Concat(Enumerable.Range(0, 4).Select(i => Sky("launch", "-y", "-d", "-c", "c1", "-n", $"more-{i}", "--", "echo")));

        var results = await Task.WhenAll(work);

        Assert.All(results, r => Assert.True(r.ExitCode == 0, r.ToString()));
        var jobs = Home.ReadState().Clusters.Single().Jobs;
        Assert.Equal(5, jobs.Count);
        Assert.All(jobs, j => Assert.Contains(j.Status, new[] { "PENDING", "RUNNING" }));
    }
}
