using System.Collections.Immutable;
using SkyDeck.Actors.Core;
using static SkyDeck.Actors.Core.SweepCommands;
using static SkyDeck.Actors.Tests.Support.Specs;

namespace SkyDeck.Actors.Tests.Sweeps;

/// <summary>Builders for sweeps: a template, axes and the sweep folded from what a create decides.</summary>
public static class SweepSamples
{
    public const string SweepName = "lrs";

    public static SweepAxis Axis(string key, params object[] values) =>
        new(key, [.. values.Select(v => v switch
        {
            int i => FlagValue.Of((long)i),
            long l => FlagValue.Of(l),
            double d => FlagValue.Of(d),
            bool b => FlagValue.Of(b),
            string s => FlagValue.Of(s),
            _ => throw new ArgumentException($"not a flag value: {v}"),
        })]);

    public static SweepSpec Sweep(DesiredState desired = DesiredState.Running, SweepMode mode = SweepMode.Grid, params SweepAxis[] axes) =>
        new("LR sweep", Spec(), axes.Length == 0 ? [Axis("trainer.lr", 0.001, 0.0003), Axis("seed", 1, 2, 3)] : [.. axes], mode, desired);

    public static CreateSweep Create(SweepSpec? spec = null, string id = SweepName) => new(id, spec ?? Sweep(), T0, "alice");

    public static SweepState Fold(this SweepState state, SweepDecision decision) => decision.Events.Aggregate(state, SweepState.Evolve);

    public static SweepState Decided(this SweepState state, ISweepCommand command) => state.Fold(SweepDecider.Decide(state, command, SweepSettings.Default));

    public static SweepState SweepCreatedState(SweepSpec? spec = null) => SweepState.Empty(SweepName).Decided(Create(spec));

    /// <summary>Every open order answered with success.</summary>
    public static SweepState AllDone(this SweepState state) =>
        state.Decided(new RecordOrderOutcomes(state.Id, [.. state.Pending.Keys.Select(seq => new OrderOutcome(seq, true))], T0));

    public static CellObservation Seen(string id, CurrentState current, bool deleted = false, int run = 1, bool needsRestart = false, DesiredState desired = DesiredState.Running) =>
        new(id, current, desired, deleted, run, needsRestart);

    /// <summary>A cell's experiment as the read model lists it.</summary>
    public static ExperimentSummary CellSummary(string id, ExperimentSpec spec, CurrentState current = CurrentState.Running, DesiredState desired = DesiredState.Running, int run = 1, int jobs = 1, bool deleted = false) =>
        new(id, spec, desired, current, 1, run, deleted, null, null, true, false, null, null, jobs, T0, T0, 1);

    public static ImmutableSortedDictionary<string, FlagValue> Values(params (string Key, FlagValue Value)[] values) =>
        values.ToImmutableSortedDictionary(v => v.Key, v => v.Value, StringComparer.Ordinal);
}
