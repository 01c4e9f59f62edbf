using System.Collections.Immutable;
using SkyDeck.Actors.Core;
using static SkyDeck.Actors.Core.SweepCommands;
using static SkyDeck.Actors.Tests.Support.Specs;
using static SkyDeck.Actors.Tests.Sweeps.SweepSamples;

namespace SkyDeck.Actors.Tests.Sweeps;

/// <summary>A template edit applies to every cell that does not deviate on the edited field; deviating cells keep their value.</summary>
public sealed class SweepTemplateEditTests
{
    private const string Flag = "model.layers";

    private static SweepDecision Decide(SweepState s, ISweepCommand c) => SweepDecider.Decide(s, c, SweepSettings.Default);

    private static SpecPatch TemplateWith(long layers, int? gpus = null) =>
        new(Flags: Spec().Flags.SetItem(Flag, FlagValue.Of(layers)), Gpus: gpus, Cleared: []);

    /// <summary>Every active cell as its experiment would be: the spec the sweep gave it, then <paramref name="change"/> for one cell.</summary>
    private static ImmutableArray<CellObservation> Observed(SweepState s, string? changedCell = null, Func<ExperimentSpec, ExperimentSpec>? change = null) =>
        [.. s.ActiveCells.Select(c => new CellObservation(c.Id, CurrentState.Running, DesiredState.Running, false, 1, false,
            c.Id == changedCell ? change!(s.CellSpec(c)) : s.CellSpec(c)))];

    [Fact]
    public void GivenACellWhoseFlagWasChangedOnItsOwn_WhenTheTemplateEditsThatFlag_ThenItKeepsItsValueAndIsReported_AndTheOthersTakeTheEdit()
    {
        var s = SweepCreatedState().AllDone();
        var deviant = s.ActiveCells.First().Id;
        var observed = Observed(s, deviant, spec => spec with { Flags = spec.Flags.SetItem(Flag, FlagValue.Of(12L)) });

        var decision = Decide(s, new ChangeSweep(SweepName, T0, "bob", Template: TemplateWith(8), Observed: observed));

        var changed = Assert.IsType<SweepChanged>(Assert.Single(decision.Events));
        Assert.Equal(5, changed.Orders.Length);
        Assert.DoesNotContain(changed.Orders, o => o.CellId == deviant);
        Assert.All(changed.Orders, o => Assert.Equal(FlagValue.Of(8L), o.Spec!.Flags[Flag]));
        var kept = Assert.Single(decision.Result.Changes, c => c.CellId == deviant);
        Assert.Equal(CellAction.Unchanged, kept.Action);
        Assert.Equal($"kept: deviates on flags.{Flag}", kept.Note);
    }

    [Fact]
    public void GivenACellThatDeviatesOnOneField_WhenTheTemplateEditsThatFieldAndAnother_ThenOnlyTheOtherIsApplied_AndItsOwnChangesStay()
    {
        var s = SweepCreatedState().AllDone();
        var deviant = s.ActiveCells.First().Id;
        var observed = Observed(s, deviant, spec => spec with { Flags = spec.Flags.SetItem(Flag, FlagValue.Of(12L)), Description = "mine" });

        var decision = Decide(s, new ChangeSweep(SweepName, T0, "bob", Template: TemplateWith(8, gpus: 2), Observed: observed));

        var order = Assert.Single(decision.Events.OfType<SweepChanged>().Single().Orders, o => o.CellId == deviant);
        Assert.Equal((CellOrderKind.Update, 2, FlagValue.Of(12L), "mine"), (order.Kind, order.Spec!.Gpus, order.Spec.Flags[Flag], order.Spec.Description));
        var change = Assert.Single(decision.Result.Changes, c => c.CellId == deviant);
        Assert.Equal(CellAction.Update, change.Action);
        Assert.StartsWith($"kept: deviates on flags.{Flag};", change.Note);
    }

    [Fact]
    public void GivenNoObservation_WhenTheTemplateChanges_ThenEveryCellTakesTheNewTemplate()
    {
        var s = SweepCreatedState().AllDone();

        var decision = Decide(s, new ChangeSweep(SweepName, T0, "bob", Template: TemplateWith(8)));

        Assert.Equal(6, decision.Events.OfType<SweepChanged>().Single().Orders.Length);
        Assert.DoesNotContain(decision.Result.Changes, c => c.Note?.Contains("kept", StringComparison.Ordinal) == true);
    }

    [Fact]
    public void GivenACellWithAnOpenUpdate_WhenTheTemplateChanges_ThenItsOpenOrderIsItsOwnSpec()
    {
        var s = SweepCreatedState().AllDone();
        var first = s.ActiveCells.First().Id;
        var observed = Observed(s, first, spec => spec with { Flags = spec.Flags.SetItem(Flag, FlagValue.Of(12L)) });
        s = s.Decided(new ChangeSweep(SweepName, T0, "bob", Template: TemplateWith(8), Observed: observed));

        // The others' updates to 8 are still open (not yet answered); their observation still shows the old value.
        var decision = Decide(s, new ChangeSweep(SweepName, T0, "bob", Template: TemplateWith(16), Observed: observed));

        var orders = decision.Events.OfType<SweepChanged>().Single().Orders;
        Assert.Equal(5, orders.Length);
        Assert.All(orders, o => Assert.Equal(FlagValue.Of(16L), o.Spec!.Flags[Flag]));
        Assert.Contains("kept", Assert.Single(decision.Result.Changes, c => c.CellId == first).Note);
    }

    [Fact]
    public void GivenACellThatDeviates_WhenProgressIsComputed_ThenItDeviatesOnThatField()
    {
        var s = SweepCreatedState().AllDone();
        var cells = s.ActiveCells.ToList();
        var experiments = cells.Select((c, i) => CellSummary(c.Id, i == 0 ? s.CellSpec(c) with { Gpus = 1 } : s.CellSpec(c))).ToList();

        var (progress, views) = SweepProgress.Of(s, experiments, T0);

        Assert.Equal(1, progress.Deviating);
        Assert.Equal(["gpus"], views[0].DeviatesOn.ToArray());
        Assert.All(views.Skip(1), v => Assert.Empty(v.DeviatesOn));
    }

    [Fact]
    public void GivenTwoSpecs_ThenTheDifferencesNameFieldsAndFlagKeys()
    {
        var a = Spec();
        var b = a with { Gpus = 1, Flags = a.Flags.Remove("trainer.losses.ppo.enabled").SetItem("x", FlagValue.Of(1L)) };

        Assert.Equal(["gpus", "flags.trainer.losses.ppo.enabled", "flags.x"], SpecFieldDiff.Differences(a, b).ToArray());
        Assert.Equal(b, SpecFieldDiff.Differences(a, b).Aggregate(a, (t, f) => SpecFieldDiff.Take(t, b, f)));
    }
}
