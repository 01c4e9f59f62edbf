namespace SkyDeck.Actors.Experiments;

/// <summary>Every message addressed to one experiment; the single routing key (see <see cref="ExperimentMessageExtractor"/>).</summary>
public interface IWithExperimentId
{
    string ExperimentId { get; }
}
