using SkyDeck.Actors.Core;
using SkyDeck.Actors.SkyPilot;
using static SkyDeck.Actors.Tests.Parsing.SkyFixture;

namespace SkyDeck.Actors.Tests.Parsing;

/// <summary>
/// <c>sky cost-report</c> fixtures: <c>cost-report-2023-01.txt</c> and <c>cost-report-2023-03.txt</c> are real output
/// recorded in SkyPilot PRs #1301 and #1788; <c>cost-report-ansi.txt</c>, <c>cost-report-empty.txt</c> and
/// <c>cost-report-json.txt</c> are built from the printing code of SkyPilot master (see <see cref="SkyCostReportParser"/>).
/// </summary>
public sealed class SkyCostReportParserTests
{
    private static CostReport Parse(string fixture) => SkyCostReportParser.Parse(Load(fixture), Now);

    private static DateTimeOffset Epoch(double seconds) => DateTimeOffset.FromUnixTimeMilliseconds((long)(seconds * 1000));

    [Fact]
    public void GivenTheJsonOutput_WhenParsed_ThenEveryIncarnationWithItsExactIntervals()
    {
        var report = Parse("cost-report-json.txt");

        Assert.Equal(["skydeck-exp1", "skydeck-exp3", "skydeck-exp3", "skydeck-exp4"], report.Clusters.Select(c => c.Name));
        var up = report.Clusters[0];
        Assert.Equal((SkyClusterStatus?)SkyClusterStatus.Up, up.Status);
        Assert.False(up.Terminated);
        Assert.Equal(Epoch(1764712800), up.LaunchedAt);
        Assert.Equal(TimeSpan.FromHours(2), up.Duration);
        Assert.Equal([new UsageInterval(Epoch(1764712800), null)], up.Intervals.AsEnumerable());

        var torn = report.Clusters[1];
        Assert.True(torn.Terminated);
        Assert.Null(torn.Status);
        Assert.Equal("TERMINATED", torn.RawStatus);
        Assert.Equal(
            [new UsageInterval(Epoch(1764630000.5), Epoch(1764633600)), new UsageInterval(Epoch(1764640800), Epoch(1764648000))],
            torn.Intervals.AsEnumerable());
        Assert.Equal((SkyClusterStatus?)SkyClusterStatus.Stopped, report.Clusters[3].Status);
    }

    [Fact]
    public void GivenTwoIncarnationsOfOneName_WhenItsIntervalsAreAsked_ThenAllOfThemOldestFirst()
    {
        var intervals = Parse("cost-report-json.txt").IntervalsOf("skydeck-exp3");

        Assert.Equal([Epoch(1764540000), Epoch(1764630000.5), Epoch(1764640800)], intervals.Select(i => i.From));
        Assert.Empty(Parse("cost-report-json.txt").IntervalsOf("skydeck-nobody"));
    }

    [Fact]
    public void GivenTheColouredTableWithAControllerSection_WhenParsed_ThenEveryRowWithUnknownStatusesKeptRaw()
    {
        var report = Parse("cost-report-ansi.txt");

        Assert.Equal(["skydeck-exp1", "skydeck-exp2", "skydeck-exp3", "notebook", "sky-jobs-controller-7c3d4ff7"], report.Clusters.Select(c => c.Name));
        Assert.Equal(
            [SkyClusterStatus.Up, null, null, SkyClusterStatus.Init, SkyClusterStatus.Stopped],
            report.Clusters.Select(c => c.Status));
        Assert.Equal("HIBERNATING", report.Clusters[1].RawStatus);
        Assert.False(report.Clusters[1].Terminated);
        Assert.True(report.Clusters[2].Terminated);
        Assert.Equal(new TimeSpan(1, 2, 23), report.Clusters[0].Duration);
        Assert.Equal(Now - TimeSpan.FromHours(2), report.Clusters[0].LaunchedAt);
        Assert.Equal(TimeSpan.Zero, report.Clusters[3].Duration);
        Assert.Equal(TimeSpan.FromDays(9) + TimeSpan.FromHours(4), report.Clusters[4].Duration);
        // A table cannot say when a cluster was up, only for how long.
        Assert.All(report.Clusters, c => Assert.Empty(c.Intervals));
    }

    [Fact]
    public void GivenTheRecorded2023Table_WhenParsed_ThenEveryTerminatedRowWithItsDuration()
    {
        var report = Parse("cost-report-2023-03.txt");

        Assert.Equal(9, report.Clusters.Length);
        Assert.All(report.Clusters, c => Assert.True(c.Terminated));
        Assert.Equal(new TimeSpan(0, 6, 19), report.Clusters[0].Duration);
        Assert.Equal("mount", report.Clusters[^1].Name);
        Assert.Equal(new TimeSpan(0, 16, 26), report.Clusters[^1].Duration);
    }

    [Fact]
    public void GivenTheFirstLayoutWithoutStatusAndCutDurations_WhenParsed_ThenRowsWithoutStatusOrDuration()
    {
        var report = Parse("cost-report-2023-01.txt");

        Assert.Equal(["sky-6844-zongheng", "sky-f1b0-zongheng", "sky-spot-controller-8a3968f2"], report.Clusters.Select(c => c.Name));
        Assert.All(report.Clusters, c =>
        {
            Assert.Null(c.Duration);
            Assert.Null(c.Status);
            Assert.False(c.Terminated);
        });
    }

    [Fact]
    public void GivenNoRecords_WhenParsed_ThenAnEmptyReport()
    {
        var report = Parse("cost-report-empty.txt");

        Assert.True(report.Supported);
        Assert.Empty(report.Clusters);
        Assert.Empty(SkyCostReportParser.Parse("[]\n", Now).Clusters);
    }

    [Theory]
    [InlineData("~~ 1f2e #%&*~^!?@$<>;:|=+-_\n~~ 77aa ;:|=+-_#%\n")]
    [InlineData("[\n  {\n    \"name\": \"skydeck-exp1\",\n    \"launched_at\": 17647")]
    [InlineData("[{\"launched_at\": 1764712800}]")]
    [InlineData("[{\"name\": \"x\", \"usage_intervals\": [[1764712800]]}]")]
    [InlineData("[{\"name\": \"x\", \"usage_intervals\": [[\"yesterday\", null]]}]")]
    public void GivenGarbageTruncatedOrMalformedOutput_WhenParsed_ThenItIsRefusedNotGuessed(string stdout)
    {
        Assert.Throws<SkyOutputException>(() => SkyCostReportParser.Parse(stdout, Now));
    }
}
