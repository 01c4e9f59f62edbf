using SkyDeck.Actors.Core;
using SkyDeck.Actors.SkyPilot;
using static SkyDeck.Actors.Tests.Parsing.SkyFixture;

namespace SkyDeck.Actors.Tests.Parsing;

public sealed class SkyStatusParserTests
{
    private static StatusReport Parse(string fixture) => SkyStatusParser.Parse(Load(fixture), Now);

    [Fact]
    public void GivenTheAllUsersDocsLayout_WhenParsed_ThenEveryClusterWithItsStatus()
    {
        Assert.Equal(
            [
                new ObservedCluster("my-cluster-2", SkyClusterStatus.Stopped, "STOPPED"),
                new ObservedCluster("other-cluster", SkyClusterStatus.Up, "UP"),
                new ObservedCluster("sky-jobs-controller-7c3d4ff7", SkyClusterStatus.Stopped, "STOPPED"),
            ],
            Parse("status-docs-all-users.txt").Clusters.AsEnumerable());
    }

    [Fact]
    public void GivenTheVerboseLayoutWithEnabledInfraAndAShiftedRow_WhenParsed_ThenTheClusterIsRead()
    {
        Assert.Equal(
            [new ObservedCluster("rm-rmanaloto-mde-otel-gw-prod-use1", SkyClusterStatus.Up, "UP")],
            Parse("status-verbose.txt").Clusters.AsEnumerable());
    }

    [Fact]
    public void GivenThe2022Layout_WhenParsed_ThenTheClusterIsRead()
    {
        Assert.Equal(
            [new ObservedCluster("test-back-compat-michaelluo", SkyClusterStatus.Up, "UP")],
            Parse("status-2022.txt").Clusters.AsEnumerable());
    }

    [Fact]
    public void GivenColouredTableFollowedByManagedJobsAndServices_WhenParsed_ThenOnlyClustersWithUnknownStatusKeptRaw()
    {
        var clusters = Parse("status-full-ansi.txt").Clusters;

        Assert.Equal(
            ["skydeck-exp1-g1", "skydeck-exp2-g1", "skydeck-exp3-g4", "slurm-box", "hooked", "future"],
            clusters.Select(c => c.Name));
        Assert.Equal(
            [SkyClusterStatus.Up, SkyClusterStatus.Stopped, SkyClusterStatus.Init, SkyClusterStatus.Pending, SkyClusterStatus.Autostopping, null],
            clusters.Select(c => c.Status));
        Assert.Equal("HIBERNATING", clusters[^1].RawStatus);
    }

    [Theory]
    [InlineData("status-no-clusters.txt")]
    [InlineData("status-not-found.txt")]
    [InlineData("status-json-empty-not-found.txt")]
    public void GivenNoClustersOrANotFoundCluster_WhenParsed_ThenEmpty(string fixture)
    {
        Assert.Empty(Parse(fixture).Clusters);
    }

    [Fact]
    public void GivenJsonAfterTheNotFoundLine_WhenParsed_ThenRecordsWithExtraKeysAndUnknownStatuses()
    {
        Assert.Equal(
            [
                new ObservedCluster("skydeck-exp1-g1", SkyClusterStatus.Up, "UP"),
                new ObservedCluster("skydeck-exp2-g1", SkyClusterStatus.Stopped, "STOPPED"),
                new ObservedCluster("hooked", SkyClusterStatus.Autostopping, "AUTOSTOPPING"),
                new ObservedCluster("future", null, "HIBERNATING"),
            ],
            Parse("status-json.txt").Clusters.AsEnumerable());
    }

    [Theory]
    [InlineData("status-json-truncated.txt")]
    [InlineData("status-garbage.txt")]
    public void GivenTruncatedJsonOrGarbage_WhenParsed_ThenSkyOutputException(string fixture)
    {
        Assert.Throws<SkyOutputException>(() => Parse(fixture));
    }

    [Theory]
    [InlineData("")]
    [InlineData("Clusters\nsomething went wrong\n")]
    [InlineData("[{\"status\": \"UP\"}]")]
    public void GivenNoRecognisableClustersSection_WhenParsed_ThenSkyOutputException(string stdout)
    {
        Assert.Throws<SkyOutputException>(() => SkyStatusParser.Parse(stdout, Now));
    }
}
