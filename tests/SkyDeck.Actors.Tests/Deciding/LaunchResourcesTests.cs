using SkyDeck.Actors.Core;

namespace SkyDeck.Actors.Tests.Deciding;

/// <summary>The core records resources in its own terms; launches recorded before that (SkyPilot's texts) still read the same.</summary>
public sealed class LaunchResourcesTests
{
    private static readonly LaunchResources Recorded = new(2, "A100:8", "aws/us-east-1", UseSpot: true);
    private static readonly LaunchResources Current = new(2, null, null, UseSpot: true, Cloud: "aws", Region: "us-east-1", Accelerator: "A100", GpusPerNode: 8);

    [Fact]
    public void GivenALaunchRecordedWithSkyPilotTexts_ThenItAsksForTheSameClusterAsTheCoresOwnTerms()
    {
        Assert.Equal(("A100", 8), Recorded.GpuRequest());
        Assert.Equal(("aws", "us-east-1"), Recorded.Placement());
        Assert.True(Recorded.SameClusterAs(Current));
        Assert.True(Current.SameClusterAs(Recorded));
        Assert.Equal(Recorded.Describe(), Current.Describe());
    }

    [Theory]
    [InlineData(null, 0, null, 0)]
    [InlineData("H100", 1, "H100", 1)]
    public void GivenGpusOrNone_ThenTheRequestIsReadBack(string? accelerator, int perNode, string? expected, int expectedCount)
    {
        var resources = new LaunchResources(1, null, null, false, Accelerator: accelerator, GpusPerNode: perNode);

        Assert.Equal((expected, expectedCount), resources.GpuRequest());
    }

    [Fact]
    public void GivenOtherGpusOrPlacement_ThenItIsAnotherCluster()
    {
        Assert.False(Current.SameClusterAs(Current with { GpusPerNode = 4 }));
        Assert.False(Current.SameClusterAs(Current with { Accelerator = "H100" }));
        Assert.False(Current.SameClusterAs(Current with { Region = "us-west-2" }));
        Assert.False(Current.SameClusterAs(Current with { UseSpot = false }));
        Assert.True(Current.SameClusterAs(Current with { AutostopMinutes = 30 }));
    }
}

/// <summary>The next-wake arithmetic is the core's: the plan's wake time if sooner than the interval, never negative.</summary>
public sealed class NextReconcileTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(60);

    [Theory]
    [InlineData(null, 60)]
    [InlineData(10, 10)]
    [InlineData(90, 60)]
    [InlineData(-5, 0)]
    public void GivenAPlan_ThenTheNextReconcileIsItsWakeOrTheInterval(int? wakeInSeconds, int expectedSeconds)
    {
        var plan = new ReconcilePlan([], null, wakeInSeconds is { } s ? Now.AddSeconds(s) : null);

        Assert.Equal(TimeSpan.FromSeconds(expectedSeconds), plan.NextReconcileIn(Now, Interval));
    }
}
