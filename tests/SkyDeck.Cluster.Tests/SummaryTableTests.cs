using SkyDeck.Actors.Cluster;
using SkyDeck.Actors.Core;
using SkyDeck.Actors.Experiments;

namespace SkyDeck.Cluster.Tests;

public sealed class SummaryTableTests
{
    [Fact]
    public void GivenALiveChange_WhenItsVersionIsLower_ThenTheNewerSummaryStays()
    {
        var table = new SummaryTable();
        Assert.True(table.Apply(Samples.Summary("a", version: 3)));

        Assert.False(table.Apply(Samples.Summary("a", version: 2)));
        Assert.True(table.Apply(Samples.Summary("a", version: 3) with { Message = "observed" }));

        Assert.Equal("observed", Assert.Single(table.List()).Message);
    }

    [Fact]
    public void GivenAPeerSnapshot_WhenItsVersionIsNotHigher_ThenTheLocalSummaryStays()
    {
        var table = new SummaryTable();
        table.Apply(Samples.Summary("a", version: 3) with { Message = "local" });

        Assert.False(table.Merge(Samples.Summary("a", version: 3) with { Message = "peer" }));
        Assert.True(table.Merge(Samples.Summary("b", version: 1)));
        Assert.True(table.Merge(Samples.Summary("a", version: 4) with { Message = "peer" }));

        Assert.Equal(["a", "b"], table.List().Select(s => s.Id));
        Assert.Equal("peer", table.List()[0].Message);
    }

    [Fact]
    public void GivenSummaries_WhenListed_ThenOldestFirstThenById()
    {
        var table = new SummaryTable();
        var at = DateTimeOffset.Parse("2026-11-28T12:00:00Z");
        table.Apply(Samples.Summary("b", 1) with { CreatedAt = at });
        table.Apply(Samples.Summary("c", 1) with { CreatedAt = at.AddMinutes(-1) });
        table.Apply(Samples.Summary("a", 1) with { CreatedAt = at });

        Assert.Equal<string>(["c", "a", "b"], table.List().Select(s => s.Id).ToArray());
        Assert.True(table.Contains("a"));
        Assert.Equal(3, table.Count);
    }
}
