namespace SkyDeck.Actors.Core;

/// <summary>Every message addressed to one experiment; the single routing key (the shells route on it: one actor, or one shard entity, per id).</summary>
public interface IWithExperimentId
{
    string ExperimentId { get; }
}
