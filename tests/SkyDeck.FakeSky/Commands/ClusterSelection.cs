using SkyDeck.FakeSky.Control;
using SkyDeck.FakeSky.State;

namespace SkyDeck.FakeSky.Commands;

/// <summary>Resolves cluster names and globs the way stop/down/start do.</summary>
internal static class ClusterSelection
{
    public static IReadOnlyList<string> Resolve(FakeSkyState state, IReadOnlyList<string> patterns, bool everything) =>
        everything
            ? [.. state.Clusters.Select(c => c.Name)]
            : [.. state.Clusters.Select(c => c.Name).Where(name => patterns.Any(p => Glob.IsMatch(p, name)))];
}
