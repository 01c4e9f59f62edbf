using SkyDeck.Actors.Core;
using SkyDeck.Actors.SkyPilot;
using static SkyDeck.Actors.Tests.Parsing.SkyFixture;

namespace SkyDeck.Actors.Tests.Parsing;

public sealed class SkyQueueParserTests
{
    private static QueueReport Parse(string fixture, params string[] clusters) =>
        SkyQueueParser.Parse(Load(fixture), clusters, Now);

    [Fact]
    public void Given2024_10LayoutWithoutUser_WhenParsed_ThenReadsTheJobByColumnName()
    {
        var report = Parse("queue-2024-10.txt", "multi-echo");

        var job = Assert.Single(report.Jobs["multi-echo"]);
        Assert.Equal(
            new ObservedJob(192, "", SkyJobStatus.Succeeded, "SUCCEEDED", Now.AddMinutes(-17), Now.AddMinutes(-4),
                Now.AddMinutes(-4).AddSeconds(6), "1x[T4:0.5]"),
            job);
        Assert.Empty(report.Failed);
    }

    [Fact]
    public void Given2025_04LayoutMissingARequestedCluster_WhenParsed_ThenThatClusterIsFailedAsNotReported()
    {
        var report = Parse("queue-2025-04.txt", "llmc-ap-northeast-1", "llmc-us-east-2");

        var job = Assert.Single(report.Jobs["llmc-us-east-2"]);
        Assert.Equal(5, job.JobId);
        Assert.Equal("", job.Name);
        Assert.Equal(SkyJobStatus.Succeeded, job.Status);
        Assert.Equal(Now.AddMinutes(-10).AddMinutes(4).AddSeconds(29), job.EndedAt);
        Assert.Equal("1x[CPU:8+]", job.Resources);
        Assert.Equal(SkyQueueParser.NotReported, report.Failed["llmc-ap-northeast-1"]);
        Assert.False(report.Jobs.ContainsKey("llmc-ap-northeast-1"));
    }

    [Fact]
    public void Given2025_09LayoutWithGitCommit_WhenParsed_ThenEndedAtOnlyForTerminalJobs()
    {
        var jobs = Parse("queue-2025-09.txt", "dllm").Jobs["dllm"];

        Assert.Equal([10L, 9L, 7L], jobs.Select(j => j.JobId));
        Assert.Equal([SkyJobStatus.Running, SkyJobStatus.Failed, SkyJobStatus.Succeeded], jobs.Select(j => j.Status));
        Assert.Null(jobs[0].EndedAt);
        Assert.Equal(Now.AddMinutes(-18).AddMinutes(4).AddSeconds(36), jobs[1].EndedAt);
        Assert.Equal(Now.AddHours(-2), jobs[2].StartedAt);
        Assert.Equal(jobs[2].StartedAt, jobs[2].EndedAt);
        Assert.All(jobs, j => Assert.Equal("1x[CPU:1+]", j.Resources));
    }

    [Fact]
    public void GivenAnsiColouredOutput_WhenParsed_ThenSameJobsAsThePlainOutputAndTheFailureIsRead()
    {
        var plain = Parse("queue-2025-09.txt", "dllm");
        var coloured = Parse("queue-2025-09-ansi.txt", "dllm", "dllm-eu");

        Assert.Equal(plain.Jobs["dllm"].AsEnumerable(), coloured.Jobs["dllm"].AsEnumerable());
        Assert.Equal("CommandError: Command ssh ... failed with return code 255.", coloured.Failed["dllm-eu"]);
    }

    [Fact]
    public void GivenSeveralClustersOneFailedOneEmpty_WhenParsed_ThenEachClusterLandsInTheRightPlace()
    {
        var report = Parse("queue-multi-failed.txt", "train-a", "train-b", "train-c");

        var trainA = report.Jobs["train-a"];
        Assert.Equal(
            new ObservedJob(3, "skydeck-exp1-g2", SkyJobStatus.Pending, "PENDING", Now.AddSeconds(-5), null, null, "1x[L4:1, cpus=4+]"),
            trainA[0]);
        Assert.Equal(
            new ObservedJob(2, "skydeck-exp1-g1", SkyJobStatus.Running, "RUNNING", Now.AddMinutes(-5), Now.AddMinutes(-4), null, "1x[L4:1, cpus=4+]"),
            trainA[1]);
        Assert.Equal(
            new ObservedJob(1, "", SkyJobStatus.FailedSetup, "FAILED_SETUP", Now.AddHours(-2), Now.AddHours(-1),
                Now.AddHours(-1) + new TimeSpan(1, 2, 23), "1x[L4:1, cpus=4+]"),
            trainA[2]);
        Assert.Equal("ClusterNotUpError: Cluster 'train-b' with status STOPPED is not up.", report.Failed["train-b"]);
        Assert.Empty(report.Jobs["train-c"]);
        Assert.Equal(["train-b"], report.Failed.Keys);
    }

    [Fact]
    public void GivenTheOldSectionTitleSpinnerAndTrailingNote_WhenParsed_ThenOnlyTableRowsBecomeJobs()
    {
        var jobs = Parse("queue-old-layout.txt", "old-box").Jobs["old-box"];

        Assert.Equal(2, jobs.Length);
        Assert.All(jobs, j => Assert.Equal("sky-cmd", j.Name));
        Assert.Equal(Now.AddDays(-1) + new TimeSpan(1, 2, 3, 4), jobs[0].EndedAt);
        Assert.Equal(Now.AddDays(-14), jobs[1].SubmittedAt);
        Assert.Null(jobs[1].StartedAt);
        Assert.Null(jobs[1].EndedAt);
    }

    [Fact]
    public void GivenWideCharactersInJobNames_WhenParsed_ThenColumnsStayAligned()
    {
        var jobs = Parse("queue-wide-chars.txt", "wide").Jobs["wide"];

        Assert.Equal(["訓練-ジョブ", "emoji-🚀-run"], jobs.Select(j => j.Name));
        Assert.Equal([SkyJobStatus.Running, SkyJobStatus.Succeeded], jobs.Select(j => j.Status));
        Assert.All(jobs, j => Assert.Equal("1x[CPU:1+]", j.Resources));
        Assert.Equal(Now.AddMinutes(-3), jobs[0].SubmittedAt);
    }

    [Fact]
    public void GivenRowsThatDoNotFollowTheHeaderWidths_WhenParsed_ThenCellsAreMatchedToTheNearestColumn()
    {
        var jobs = Parse("queue-fake-misaligned.txt", "pod").Jobs["pod"];

        Assert.Equal([SkyJobStatus.Running, SkyJobStatus.FailedSetup], jobs.Select(j => j.Status));
        Assert.Equal(["RUNNING", "FAILED_SETUP"], jobs.Select(j => j.RawStatus));
        Assert.All(jobs, j => Assert.Equal("1x[L4:1, cpus=4+]", j.Resources));
    }

    [Fact]
    public void GivenJsonWithProseBeforeIt_WhenParsed_ThenRecordsFailuresAndUnreportedClustersAreRead()
    {
        var report = Parse("queue-json.txt", "mycluster", "gpu-box", "broken", "absent");

        var jobs = report.Jobs["mycluster"];
        Assert.Equal(
            new ObservedJob(3, "skydeck-exp1-g2", SkyJobStatus.Pending, "PENDING",
                DateTimeOffset.FromUnixTimeMilliseconds(1758570671954), null, null, "1x[L4:1, cpus=4+]"),
            jobs[0]);
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1758570010250), jobs[1].StartedAt);
        Assert.Equal(
            new ObservedJob(1, "", SkyJobStatus.Succeeded, "SUCCEEDED", DateTimeOffset.FromUnixTimeSeconds(1758560000),
                DateTimeOffset.FromUnixTimeSeconds(1758560005), DateTimeOffset.FromUnixTimeSeconds(1758560274), "1x[CPU:1+]"),
            jobs[2]);
        Assert.Equal(("", null, "PREEMPTED_SOMEHOW"), (jobs[3].Name, jobs[3].Status, jobs[3].RawStatus));
        Assert.Empty(report.Jobs["gpu-box"]);
        Assert.Equal("ClusterNotUpError: Cluster 'broken' with status INIT is not up.", report.Failed["broken"]);
        Assert.Equal(SkyQueueParser.NotReported, report.Failed["absent"]);
        Assert.Equal(2, report.Jobs.Count);
    }

    [Theory]
    [InlineData("queue-json-truncated.txt")]
    [InlineData("queue-garbage.txt")]
    public void GivenTruncatedJsonOrGarbage_WhenParsed_ThenSkyOutputException(string fixture)
    {
        Assert.Throws<SkyOutputException>(() => Parse(fixture, "mycluster"));
    }

    [Theory]
    [InlineData("")]
    [InlineData("Fetching and parsing job queue...\n")]
    public void GivenNoQueueOutputWhileClustersWereRequested_WhenParsed_ThenSkyOutputException(string stdout)
    {
        Assert.Throws<SkyOutputException>(() => SkyQueueParser.Parse(stdout, ["c1"], Now));
    }

    [Fact]
    public void GivenNoQueueOutputAndNoClustersRequested_WhenParsed_ThenEmptyReport()
    {
        var report = SkyQueueParser.Parse("Fetching and parsing job queue...\n", [], Now);

        Assert.Empty(report.Jobs);
        Assert.Empty(report.Failed);
    }

    [Fact]
    public void GivenEmptyJsonObject_WhenParsed_ThenEveryRequestedClusterIsNotReported()
    {
        var report = SkyQueueParser.Parse("{}\n", ["c1"], Now);

        Assert.Empty(report.Jobs);
        Assert.Equal(SkyQueueParser.NotReported, report.Failed["c1"]);
    }

    [Fact]
    public void GivenOnlyAFailureLineWithoutReason_WhenParsed_ThenTheClusterIsFailedWithAGenericReason()
    {
        var report = SkyQueueParser.Parse("Failed to get the job queue for cluster 'c1'.\n", ["c1"], Now);

        Assert.Empty(report.Jobs);
        Assert.False(string.IsNullOrWhiteSpace(report.Failed["c1"]));
    }

    [Fact]
    public void GivenASectionWithoutTable_WhenParsed_ThenTheClusterHasAnEmptyQueue()
    {
        var report = SkyQueueParser.Parse("Job queue of current user on cluster c1\n", ["c1"], Now);

        Assert.Empty(report.Jobs["c1"]);
        Assert.Empty(report.Failed);
    }

    [Fact]
    public void GivenJsonRecordWithoutJobId_WhenParsed_ThenSkyOutputException()
    {
        Assert.Throws<SkyOutputException>(() => SkyQueueParser.Parse("{\"c1\": [{\"status\": \"RUNNING\"}]}", ["c1"], Now));
    }

    [Fact]
    public void GivenJsonFollowedByProse_WhenParsed_ThenTheJsonValueIsReadAndTheLaterFailureLineToo()
    {
        var stdout = "{\"c1\": [{\"job_id\": \"4\", \"status\": \"JobStatus.RUNNING\", \"start_at\": \"1758570010.5\"}]}\n" +
            "\u001b[33mFailed to get the job queue for cluster 'c2'.\u001b[0m\n  ClusterNotUpError: down\n";

        var report = SkyQueueParser.Parse(stdout, ["c1", "c2"], Now);

        Assert.Equal(
            new ObservedJob(4, "", SkyJobStatus.Running, "JobStatus.RUNNING", null,
                DateTimeOffset.FromUnixTimeMilliseconds(1758570010500), null, null),
            Assert.Single(report.Jobs["c1"]));
        Assert.Equal("ClusterNotUpError: down", report.Failed["c2"]);
    }

    [Fact]
    public void GivenAHeaderWithoutRows_WhenParsed_ThenTheClusterHasAnEmptyQueue()
    {
        var report = SkyQueueParser.Parse("Job queue of all users on cluster c1\nID  NAME  STATUS  \n\n", ["c1"], Now);

        Assert.Empty(report.Jobs["c1"]);
    }
}
