using System.Collections.Immutable;
using SkyDeck.Actors.Core;
using SkyDeck.Actors.Experiments;

namespace SkyDeck.Cluster.Tests;

internal static class Samples
{
    public static readonly DateTimeOffset At = DateTimeOffset.Parse("2026-11-28T12:00:00Z");

    public static ExperimentSpec Spec(string id) => new(
        $"Name {id}", "lt", $"run.{id}",
        ImmutableSortedDictionary.CreateRange(StringComparer.Ordinal, new Dictionary<string, FlagValue>
        {
            ["trainer.lr"] = FlagValue.Of(0.001), ["policy.layers"] = FlagValue.Of(4), ["ppo"] = FlagValue.Of(true), ["name"] = FlagValue.Of("a b; rm -rf ~"),
        }),
        1, 4, Tags: ["x"]);

    public static ExperimentState State(string id) =>
        ExperimentState.Evolve(ExperimentState.Empty(id), new ExperimentCreated(id, Spec(id), DesiredState.Running, At, "alice"));

    public static ExperimentSummary Summary(string id, long version) =>
        ExperimentSummary.From(State(id), null, ReconcileSettings.Default) with { Version = version };
}
