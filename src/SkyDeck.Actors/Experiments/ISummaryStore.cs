using SkyDeck.Actors.Core;

namespace SkyDeck.Actors.Experiments;

/// <summary>
/// A durable copy of the summary read model, so a restart lists every experiment after one read and starts only the
/// experiments with work to do. It is written behind the journal (a crash can lose the latest rows), so it also says
/// how far each experiment's journal really goes: a row behind its journal is stale and must not be trusted.
/// </summary>
public interface ISummaryStore
{
    /// <summary>Every stored row and each experiment's journal head; a store may also rebuild missing or stale rows from the journal (<see cref="StoredSummaries.Rebuilt"/>).</summary>
    Task<StoredSummaries> LoadAsync(CancellationToken cancellationToken);

    /// <summary>Upserts the rows; a row never replaces one with a higher version.</summary>
    Task SaveAsync(IReadOnlyCollection<ExperimentSummary> summaries, CancellationToken cancellationToken);
}

/// <param name="Summaries">The stored rows by experiment id.</param>
/// <param name="JournalHeads">The highest journaled sequence number of every experiment that has events.</param>
public sealed record StoredSummaries(IReadOnlyDictionary<string, ExperimentSummary> Summaries, IReadOnlyDictionary<string, long> JournalHeads)
{
    /// <summary>
    /// The stored summary, if it can stand in for the experiment until a message arrives: it is at rest and written
    /// after the experiment's last event (an experiment's version is its journal's sequence number).
    /// </summary>
    public ExperimentSummary? Dormant(string id) =>
        Summaries.TryGetValue(id, out var summary) && summary.AtRest &&
        JournalHeads.TryGetValue(Naming.PersistenceId(id), out var head) && head == summary.Version
            ? summary
            : null;

    /// <summary>The ids whose summaries were rebuilt from the journal rather than read from a current stored row: to be stored again.</summary>
    public IReadOnlySet<string> Rebuilt { get; init; } = new HashSet<string>(StringComparer.Ordinal);
}
