using SkyDeck.Actors.Core;

namespace SkyDeck.Host.Api;

/// <summary>
/// The experiment-level keys that jobs can be filtered by (<c>GET /api/jobs?experiment=…</c>) and costs grouped by
/// (<c>GET /api/costs?group_by=experiment</c>), in one table so both endpoints grow together: <c>sweep</c> gives
/// <c>?sweep=</c> on the jobs list and <c>group_by=sweep</c> on the costs (experiments outside a sweep have none).
/// </summary>
public static class ExperimentDimensions
{
    public static readonly IReadOnlyDictionary<string, Func<ExperimentSummary, string?>> All = new Dictionary<string, Func<ExperimentSummary, string?>>
    {
        ["experiment"] = s => s.Id,
        ["sweep"] = s => s.Spec.Sweep,
    };
}
