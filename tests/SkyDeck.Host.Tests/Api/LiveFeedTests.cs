using SkyDeck.Actors.Core;
using SkyDeck.Actors.Experiments;
using SkyDeck.Host.Api;
using SkyDeck.Host.Tests.Support;
using SkyDeck.Testing;

namespace SkyDeck.Host.Tests.Api;

/// <summary>The live feed's bounds: a capped number of subscribers, and a bounded queue per subscriber.</summary>
public sealed class LiveFeedTests
{
    private static readonly ExperimentSummary Change = ExperimentSummary.From(ExperimentState.Empty("feed"), null, ReconcileSettings.Default);

    [Fact]
    public async Task GivenASubscriberThatDoesNotRead_WhenItsQueueOverflows_ThenItIsCutOffAndRemovedWhileOthersKeepUp()
    {
        var feed = new LiveFeed(new LiveFeedOptions(MaxClients: 10, ClientBuffer: 2));
        using var slow = feed.TrySubscribe(null)!;
        using var reading = feed.TrySubscribe(null)!;

        for (var i = 0; i < 3; i++)
        {
            feed.Publish(Change);
            Assert.True(reading.Changes.TryRead(out _));
        }

        await Eventually.Until(() => slow.CutOff.IsCancellationRequested, "the slow subscriber to be cut off");
        Assert.Equal(1, feed.Clients);
        Assert.False(reading.CutOff.IsCancellationRequested);
        Assert.True(slow.Changes.TryRead(out _));
        Assert.True(slow.Changes.TryRead(out _));
        await Assert.ThrowsAsync<SlowSubscriberException>(() => slow.Changes.Completion);
    }

    [Fact]
    public void GivenTheMaximumOfSubscribers_WhenAnotherSubscribes_ThenItIsRefusedUntilOneLeaves()
    {
        var feed = new LiveFeed(new LiveFeedOptions(MaxClients: 2));
        var first = feed.TrySubscribe(null);
        using var second = feed.TrySubscribe(null);

        Assert.NotNull(first);
        Assert.NotNull(second);
        Assert.Null(feed.TrySubscribe(null));

        first!.Dispose();
        using var third = feed.TrySubscribe(null);
        Assert.NotNull(third);
    }
}
