using System.Collections.Immutable;
using SkyDeck.Actors.Core;
using SkyDeck.Actors.Experiments;

namespace SkyDeck.Actors.Cluster;

/// <summary>Registry key of the experiments' shard region.</summary>
public sealed class ExperimentRegion;

/// <summary>From one node's manager facade to another's: send me your summaries (replies <see cref="SummarySnapshot"/>s).</summary>
public sealed record RequestSummaries
{
    public static readonly RequestSummaries Instance = new();
}

/// <summary>Part of a node's read model, in answer to <see cref="RequestSummaries"/> (chunked to keep frames small).</summary>
public sealed record SummarySnapshot(ImmutableArray<ExperimentSummary> Summaries);
