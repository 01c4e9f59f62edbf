using Akka.Cluster.Sharding;
using SkyDeck.Actors.Core;

namespace SkyDeck.Actors.Experiments;

/// <summary>
/// The one routing rule: a message goes to the experiment named by its <see cref="IWithExperimentId"/>. The manager
/// uses it for its children today; a cluster shard region can use the same extractor later.
/// </summary>
public sealed class ExperimentMessageExtractor(int maxShards = 100) : HashCodeMessageExtractor(maxShards)
{
    public override string? EntityId(object message) => message switch
    {
        IWithExperimentId m => m.ExperimentId,
        _ => null,
    };
}
