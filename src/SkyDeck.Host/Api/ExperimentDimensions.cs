using SkyDeck.Actors.Core;

namespace SkyDeck.Host.Api;

/// <summary>
/// The experiment-level keys that jobs can be filtered by (<c>GET /api/jobs?experiment=…</c>) and costs grouped by
/// (<c>GET /api/costs?group_by=experiment</c>), in one table so both endpoints grow together. A sweep plugs in as
/// one more line once experiments carry their sweep id: <c>["sweep"] = s => s.Spec.Sweep,</c> — that adds
/// <c>?sweep=</c> to the jobs list and <c>group_by=sweep</c> to the costs.
/// </summary>
public static class ExperimentDimensions
{
    public static readonly IReadOnlyDictionary<string, Func<ExperimentSummary, string?>> All = new Dictionary<string, Func<ExperimentSummary, string?>>
    {
        ["experiment"] = s => s.Id,
    };
}
