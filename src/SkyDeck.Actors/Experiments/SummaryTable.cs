using System.Collections.Immutable;
using SkyDeck.Actors.Core;

namespace SkyDeck.Actors.Experiments;

/// <summary>
/// The summary read model the table lists from: one per process, shared by both managers (in cluster mode one per
/// node). Summaries arrive live (from the experiment that changed) or from a store or a peer's snapshot, so an older
/// summary must never replace a newer one: a live summary wins unless its version is lower (observation-only changes
/// keep the version), a stored or snapshot one only if it is new here or its version is higher.
/// </summary>
public sealed class SummaryTable
{
    private readonly Dictionary<string, ExperimentSummary> _rows = new(StringComparer.Ordinal);
    private ImmutableArray<ExperimentSummary>? _list;

    public int Count => _rows.Count;

    /// <summary>Grows with every row this table accepted.</summary>
    public long Revision { get; private set; }

    public IEnumerable<ExperimentSummary> Rows => _rows.Values;

    public IEnumerable<string> Ids => _rows.Keys;

    public bool Contains(string id) => _rows.ContainsKey(id);

    public ExperimentSummary? Find(string id) => _rows.GetValueOrDefault(id);

    /// <summary>Whether the table holds exactly this summary already.</summary>
    public bool Holds(ExperimentSummary summary) => _rows.TryGetValue(summary.Id, out var held) && held == summary;

    /// <summary>A live change; false when it is older than what the table holds.</summary>
    public bool Apply(ExperimentSummary summary) => Put(summary, _rows.TryGetValue(summary.Id, out var held) && summary.Version < held.Version);

    /// <summary>A summary from the store or a peer's snapshot; false unless it is new here or has a higher version.</summary>
    public bool Merge(ExperimentSummary summary) => Put(summary, _rows.TryGetValue(summary.Id, out var held) && summary.Version <= held.Version);

    /// <summary>Oldest first, as the single-process manager lists them.</summary>
    public ImmutableArray<ExperimentSummary> List() =>
        _list ??= [.. _rows.Values.OrderBy(s => s.CreatedAt).ThenBy(s => s.Id, StringComparer.Ordinal)];

    private bool Put(ExperimentSummary summary, bool stale)
    {
        if (stale) return false;
        _rows[summary.Id] = summary;
        _list = null;
        Revision++;
        return true;
    }
}
