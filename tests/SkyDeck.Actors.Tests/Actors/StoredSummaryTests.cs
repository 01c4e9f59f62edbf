using System.Text.Json;
using SkyDeck.Actors.Core;
using SkyDeck.Actors.Hosting;
using SkyDeck.Actors.Serialization;
using static SkyDeck.Actors.Tests.Support.Specs;

namespace SkyDeck.Actors.Tests.Actors;

/// <summary>A stored summary read back holds one copy of what the actor's summary shares, and equals it.</summary>
public sealed class StoredSummaryTests
{
    private static ExperimentSummary WithThreeJobs() => ExperimentSummary.From(
        Given(
            Created(), LaunchRequested(1), Launched(1), Status(SkyJobStatus.Succeeded, 1),
            LaunchRequested(2), Launched(2, skyJobId: 2), Status(SkyJobStatus.Failed, 2, skyJobId: 2),
            LaunchRequested(3), Launched(3, skyJobId: 3)),
        null, ReconcileSettings.Default);

    [Fact]
    public void GivenAnActorsSummary_ThenItsCurrentJobIsTheLedgersOwn()
    {
        var summary = WithThreeJobs();

        Assert.Same(summary.Ledger.Jobs[^1], summary.CurrentJob);
    }

    [Fact]
    public void GivenAStoredSummary_WhenReadBackAndCompacted_ThenEqualWithTheCurrentJobCommandAndResourcesShared()
    {
        var summary = WithThreeJobs();
        var read = JsonSerializer.Deserialize<ExperimentSummary>(JsonSerializer.SerializeToUtf8Bytes(summary, SkyDeckJson.Options), SkyDeckJson.Options)!;
        Assert.NotSame(read.Ledger.Jobs[^1], read.CurrentJob);

        var compacted = SqliteSummaryStore.Compact(read);

        Assert.Equal(summary, compacted);
        Assert.Equal(JsonSerializer.Serialize(summary, SkyDeckJson.Options), JsonSerializer.Serialize(compacted, SkyDeckJson.Options));
        Assert.Same(compacted.Ledger.Jobs[^1], compacted.CurrentJob);
        Assert.Same(compacted.Ledger.Jobs[0].Command, compacted.Ledger.Jobs[2].Command);
        Assert.Same(compacted.Ledger.Jobs[0].Resources, compacted.Ledger.Jobs[1].Resources);
        Assert.Same(compacted.Ledger.Jobs[0].Resources, compacted.Ledger.ClusterSpans[0].Resources);
    }
}
