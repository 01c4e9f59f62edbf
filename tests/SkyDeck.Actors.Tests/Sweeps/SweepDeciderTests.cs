using SkyDeck.Actors.Core;
using static SkyDeck.Actors.Core.SweepCommands;
using static SkyDeck.Actors.Tests.Support.Specs;
using static SkyDeck.Actors.Tests.Sweeps.SweepSamples;

namespace SkyDeck.Actors.Tests.Sweeps;

public sealed class SweepDeciderTests
{
    private static SweepDecision Decide(SweepState s, ISweepCommand c) => SweepDecider.Decide(s, c, SweepSettings.Default);

    [Fact]
    public void GivenNothing_WhenCreate_ThenOneEventCarryingACreateOrderPerCell()
    {
        var decision = Decide(SweepState.Empty(SweepName), Create());

        var created = Assert.IsType<SweepCreated>(Assert.Single(decision.Events));
        Assert.Equal(ResultCode.Accepted, decision.Result.Code);
        Assert.Equal(6, created.Orders.Length);
        Assert.All(created.Orders, o => Assert.Equal(CellOrderKind.Create, o.Kind));
        Assert.Equal(created.Cells.Select(c => c.Id), created.Orders.Select(o => o.CellId));
        Assert.All(created.Orders, o => Assert.Equal(SweepName, o.Spec!.Sweep));
        Assert.Equal(6, decision.Result.Changes.Count(c => c.Action == CellAction.Create));
    }

    [Fact]
    public void GivenCreated_WhenIdenticalCreate_ThenNoOp_AndADifferentSpecConflicts()
    {
        var s = SweepCreatedState();

        Assert.Equal(ResultCode.NoOp, Decide(s, Create()).Result.Code);
        Assert.Equal(ResultCode.Conflict, Decide(s, Create(Sweep(DesiredState.Stopped))).Result.Code);
    }

    [Fact]
    public void GivenAPreview_ThenTheSameDecision()
    {
        var preview = Decide(SweepState.Empty(SweepName), Create() with { Preview = true });

        Assert.Equal(6, preview.Result.Changes.Length);
    }

    [Theory]
    [InlineData("bad id")]
    [InlineData("with.dot")]
    public void GivenABadId_ThenRejectedNamingId(string id) =>
        Assert.Equal("id", Assert.Single(Decide(SweepState.Empty(id), Create(id: id)).Result.Errors).Field);

    [Fact]
    public void GivenATemplateError_ThenNamedUnderTemplate()
    {
        var result = Decide(SweepState.Empty(SweepName), Create(Sweep() with { Template = Spec() with { Nodes = 0 } })).Result;

        Assert.Equal(ResultCode.Rejected, result.Code);
        Assert.Contains(result.Errors, e => e.Field == "template.nodes");
    }

    [Fact]
    public void GivenAnAxisKeyThatIsAPrefixOfATemplateFlag_ThenRejectedNamingTheAxis()
    {
        var result = Decide(SweepState.Empty(SweepName), Create(Sweep(axes: Axis("trainer", 1, 2)))).Result;

        Assert.Equal(ResultCode.Rejected, result.Code);
        Assert.StartsWith("axes.", Assert.Single(result.Errors).Field);
    }

    [Fact]
    public void GivenOrdersAnswered_ThenCellsCreatedAndNothingPending()
    {
        var s = SweepCreatedState().AllDone();

        Assert.Empty(s.Pending);
        Assert.All(s.Cells.Values, c => Assert.True(c.Created));
    }

    [Fact]
    public void GivenAnOrderFailed_ThenTheCellShowsTheProblem()
    {
        var s = SweepCreatedState();
        var first = s.Pending.Values.First();
        s = s.Decided(new RecordOrderOutcomes(SweepName, [new OrderOutcome(first.Seq, false, "create: exists with a different spec")], T0));

        Assert.Equal("create: exists with a different spec", s.Cells[first.CellId].Problem);
        Assert.False(s.Cells[first.CellId].Created);
        Assert.Equal(5, s.Pending.Count);
    }

    [Fact]
    public void GivenAnAnsweredOrder_WhenAnsweredAgain_ThenNoOp()
    {
        var s = SweepCreatedState().AllDone();

        Assert.Empty(Decide(s, new RecordOrderOutcomes(SweepName, [new OrderOutcome(1, true)], T0)).Events);
    }

    [Fact]
    public void GivenCreated_WhenAnAxisGetsAValue_ThenOnlyTheNewCellsAreCreated()
    {
        var s = SweepCreatedState().AllDone();

        var decision = Decide(s, new ChangeSweep(SweepName, T0, "bob", Axes: [Axis("trainer.lr", 0.001, 0.0003, 0.0001), Axis("seed", 1, 2, 3)]));

        var changed = Assert.IsType<SweepChanged>(Assert.Single(decision.Events));
        Assert.Equal(3, changed.Added.Length);
        Assert.Empty(changed.Archived);
        Assert.Equal(3, changed.Orders.Length);
        Assert.All(changed.Orders, o => Assert.Equal(CellOrderKind.Create, o.Kind));
        Assert.All(changed.Orders, o => Assert.EndsWith("lr0.0001", o.CellId));
        Assert.Equal(6, decision.Result.Changes.Count(c => c.Action == CellAction.Unchanged));
    }

    [Fact]
    public void GivenCreated_WhenAValueIsRemoved_ThenItsCellsAreDeletedAndArchived_AndAddingItBackRestoresThem()
    {
        var s = SweepCreatedState().AllDone();

        var shrink = Decide(s, new ChangeSweep(SweepName, T0, "bob", Axes: [Axis("trainer.lr", 0.001), Axis("seed", 1, 2, 3)]));
        var changed = Assert.IsType<SweepChanged>(Assert.Single(shrink.Events));
        Assert.Equal(3, changed.Archived.Length);
        Assert.All(changed.Orders, o => Assert.Equal(CellOrderKind.Delete, o.Kind));
        s = s.Fold(shrink).AllDone();
        Assert.Equal(3, s.ActiveCells.Count());

        var grow = Decide(s, new ChangeSweep(SweepName, T0, "bob", Axes: Sweep().Axes));
        var back = Assert.IsType<SweepChanged>(Assert.Single(grow.Events));
        Assert.Equal(3, back.Added.Length);
        Assert.Equal([CellOrderKind.Restore, CellOrderKind.Update, CellOrderKind.SetDesired], back.Orders.Where(o => o.CellId == back.Added[0].Id).Select(o => o.Kind));
        Assert.DoesNotContain(back.Orders, o => o.Kind == CellOrderKind.Create);
    }

    [Fact]
    public void GivenCreated_WhenTheTemplateChanges_ThenEveryActiveCellGetsItsNewSpec()
    {
        var s = SweepCreatedState().AllDone();

        var decision = Decide(s, new ChangeSweep(SweepName, T0, "bob", Template: new SpecPatch(Nodes: 2, Cleared: [])));

        var changed = Assert.IsType<SweepChanged>(Assert.Single(decision.Events));
        Assert.Equal(6, changed.Orders.Length);
        Assert.All(changed.Orders, o => Assert.Equal((CellOrderKind.Update, 2), (o.Kind, o.Spec!.Nodes)));
        Assert.Equal(2, s.Fold(decision).Revision);
    }

    [Fact]
    public void GivenCreated_WhenTheSameChange_ThenNoOp()
    {
        var s = SweepCreatedState().AllDone();

        Assert.Empty(Decide(s, new ChangeSweep(SweepName, T0, "bob", Axes: Sweep().Axes, Desired: DesiredState.Running)).Events);
    }

    [Fact]
    public void GivenCreated_WhenDesiredChanges_ThenEveryCellIsToldWithoutRestartingIt()
    {
        var s = SweepCreatedState().AllDone();

        var decision = Decide(s, new ChangeSweep(SweepName, T0, "bob", Desired: DesiredState.Stopped));

        var orders = Assert.IsType<SweepChanged>(Assert.Single(decision.Events)).Orders;
        Assert.Equal(6, orders.Length);
        Assert.All(orders, o => Assert.Equal((CellOrderKind.SetDesired, DesiredState.Stopped), (o.Kind, o.Desired!.Value)));
        Assert.IsType<ExperimentCommands.PatchExperiment>(orders[0].ToCommand());
    }

    [Fact]
    public void GivenOneFailedCell_WhenRefill_ThenOnlyThatCellRestartsAtItsRun()
    {
        var s = SweepCreatedState().AllDone();
        var ids = s.ActiveCells.Select(c => c.Id).ToList();
        var observed = ids.Select((id, i) => i switch
        {
            0 => Seen(id, CurrentState.Failed, run: 3),
            1 => Seen(id, CurrentState.Succeeded),
            _ => Seen(id, CurrentState.Running),
        }).ToList();

        var decision = Decide(s, new RefillSweep(SweepName, [.. observed], T0, "bob"));

        var order = Assert.Single(Assert.IsType<SweepCellsOrdered>(Assert.Single(decision.Events)).Orders);
        Assert.Equal((ids[0], CellOrderKind.Restart, 3), (order.CellId, order.Kind, order.IfRun!.Value));
        Assert.Equal(new ExperimentCommands.RestartRun(ids[0], T0, "bob", 3), order.ToCommand());
    }

    [Fact]
    public void GivenDeletedAndMissingCells_WhenRefill_ThenRestoredAndCreated()
    {
        var s = SweepCreatedState().AllDone();
        var ids = s.ActiveCells.Select(c => c.Id).ToList();
        var observed = ids.Skip(1).Select((id, i) => i == 0 ? Seen(id, CurrentState.Terminated, deleted: true) : Seen(id, CurrentState.Succeeded)).ToList();

        var orders = Assert.IsType<SweepCellsOrdered>(Assert.Single(Decide(s, new RefillSweep(SweepName, [.. observed], T0, "bob")).Events)).Orders;

        Assert.Equal([(ids[0], CellOrderKind.Create), (ids[1], CellOrderKind.Restore)], orders.Select(o => (o.CellId, o.Kind)));
    }

    [Fact]
    public void GivenNothingFailed_WhenRefill_ThenNoOpSayingSo()
    {
        var s = SweepCreatedState().AllDone();
        var decision = Decide(s, new RefillSweep(SweepName, [.. s.ActiveCells.Select(c => Seen(c.Id, CurrentState.Succeeded))], T0, "bob"));

        Assert.Empty(decision.Events);
        Assert.Equal(ResultCode.NoOp, decision.Result.Code);
    }

    [Fact]
    public void GivenCellsNeedingRestart_WhenRestartCapped_ThenAtMostTheCapRestartAndTheRestRemain()
    {
        var s = SweepCreatedState().AllDone();
        var observed = s.ActiveCells.Select(c => Seen(c.Id, CurrentState.Running, needsRestart: true, run: 2)).ToList();

        var decision = Decide(s, new RestartSweepCells(SweepName, [.. observed], 4, T0, "bob"));

        var orders = Assert.IsType<SweepCellsOrdered>(Assert.Single(decision.Events)).Orders;
        Assert.Equal(4, orders.Length);
        Assert.All(orders, o => Assert.Equal((CellOrderKind.Restart, 2), (o.Kind, o.IfRun!.Value)));
        Assert.Equal(2, decision.Result.Remaining);
    }

    [Fact]
    public void GivenCreated_WhenDeletedThenRestored_ThenCellsFollowAndRepeatsAreNoOps()
    {
        var s = SweepCreatedState().AllDone();
        var delete = Decide(s, new DeleteSweep(SweepName, T0, "bob"));
        Assert.All(Assert.IsType<SweepDeleted>(Assert.Single(delete.Events)).Orders, o => Assert.Equal(CellOrderKind.Delete, o.Kind));
        s = s.Fold(delete).AllDone();
        Assert.True(s.Deleted);
        Assert.Empty(Decide(s, new DeleteSweep(SweepName, T0, "bob")).Events);
        Assert.Equal(ResultCode.Conflict, Decide(s, new ChangeSweep(SweepName, T0, "bob", Desired: DesiredState.Stopped)).Result.Code);

        var restore = Decide(s, new RestoreSweep(SweepName, T0, "bob"));
        Assert.All(Assert.IsType<SweepRestored>(Assert.Single(restore.Events)).Orders, o => Assert.Equal(CellOrderKind.Restore, o.Kind));
        Assert.False(s.Fold(restore).Deleted);
    }

    [Fact]
    public void SendableOrdersGoOnePerCellInOrderUpToTheRoom()
    {
        var s = SweepCreatedState().AllDone();
        s = s.Decided(new ChangeSweep(SweepName, T0, "bob", Axes: [Axis("trainer.lr", 0.001), Axis("seed", 1, 2, 3)]));
        s = s.Decided(new ChangeSweep(SweepName, T0, "bob", Axes: Sweep().Axes));

        var first = SweepDecider.Sendable(s, new HashSet<string>(), 100);
        Assert.Equal(3, first.Length);
        Assert.All(first, o => Assert.Equal(CellOrderKind.Delete, o.Kind));
        Assert.Single(SweepDecider.Sendable(s, new HashSet<string>(), 1));
        Assert.Equal(2, SweepDecider.Sendable(s, new HashSet<string> { first[0].CellId }, 100).Length);
    }

    [Fact]
    public void ReplayingTheEventsGivesTheSameState()
    {
        var events = new List<ISweepEvent>();
        var s = SweepState.Empty(SweepName);
        foreach (var command in new ISweepCommand[]
                 {
                     Create(),
                     new ChangeSweep(SweepName, T0, "bob", Axes: [Axis("trainer.lr", 0.001, 0.01), Axis("seed", 1, 2, 3)]),
                     new DeleteSweep(SweepName, T0, "bob"),
                 })
        {
            var decision = Decide(s, command);
            events.AddRange(decision.Events);
            s = s.Fold(decision);
        }

        var replayed = events.Aggregate(SweepState.Empty(SweepName), SweepState.Evolve);
        Assert.Equal(s.Spec, replayed.Spec);
        Assert.Equal(s.Cells.Values, replayed.Cells.Values);
        Assert.Equal(s.Pending.Values, replayed.Pending.Values);
        Assert.Equal((s.Deleted, s.Revision, s.NextSeq, s.Version), (replayed.Deleted, replayed.Revision, replayed.NextSeq, replayed.Version));
        Assert.Equal(9, s.Cells.Count);
        Assert.True(s.Deleted);
    }
}
