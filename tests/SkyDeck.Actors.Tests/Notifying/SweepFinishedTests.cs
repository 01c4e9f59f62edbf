using SkyDeck.Actors.Core;
using static SkyDeck.Actors.Core.SweepCommands;
using static SkyDeck.Actors.Tests.Support.Specs;
using static SkyDeck.Actors.Tests.Sweeps.SweepSamples;

namespace SkyDeck.Actors.Tests.Notifying;

/// <summary>sweep.finished: once per round, when every active cell has ended (succeeded, failed, stopped as asked, deleted).</summary>
public sealed class SweepFinishedTests
{
    /// <summary>The sweep's 6 cells with these states (in cell order), all RUNNING as desired unless stopped.</summary>
    private static Dictionary<string, ExperimentSummary> Cells(SweepState s, params CurrentState[] states) =>
        s.ActiveCells.Select((c, i) => CellSummary(c.Id, s.CellSpec(c), states[i],
            states[i] is CurrentState.Stopped ? DesiredState.Stopped : DesiredState.Running)).ToDictionary(x => x.Id);

    private static SweepCompletion Of(SweepState s, Dictionary<string, ExperimentSummary> cells) => SweepCompletion.Of(s, cells.GetValueOrDefault);

    private static readonly CurrentState[] Ended =
        [CurrentState.Succeeded, CurrentState.Succeeded, CurrentState.Succeeded, CurrentState.Failed, CurrentState.Failed, CurrentState.Stopped];

    [Fact]
    public void GivenEveryCellEnded_ThenFinishedWithCountsByOutcome()
    {
        var s = SweepCreatedState().AllDone();

        var completion = Of(s, Cells(s, Ended));

        Assert.True(completion.Finished);
        Assert.Equal("3 succeeded, 2 failed, 1 stopped", completion.Describe());
    }

    [Theory]
    [InlineData(CurrentState.Running)]
    [InlineData(CurrentState.Retrying)]
    [InlineData(CurrentState.Launching)]
    [InlineData(CurrentState.Stopping)]
    public void GivenOneCellNotEnded_ThenNotFinished(CurrentState last)
    {
        var s = SweepCreatedState().AllDone();

        Assert.False(Of(s, Cells(s, [.. Ended[..5], last])).Finished);
    }

    [Fact]
    public void GivenOpenOrdersOrAMissingCell_ThenNotFinished()
    {
        var created = SweepCreatedState();
        var s = created.AllDone();
        var cells = Cells(s, Ended);

        Assert.False(Of(created, cells).Finished);
        cells.Remove(s.ActiveCells.Last().Id);
        Assert.False(Of(s, cells).Finished);
    }

    [Fact]
    public void GivenASweepThatNeverRan_ThenNotFinished()
    {
        var s = SweepCreatedState(Sweep(DesiredState.Stopped)).AllDone();
        var cells = s.ActiveCells.Select(c => CellSummary(c.Id, s.CellSpec(c), CurrentState.Stopped, DesiredState.Stopped, jobs: 0)).ToDictionary(x => x.Id);

        Assert.False(Of(s, cells).Finished);
    }

    [Fact]
    public void GivenACellArchived_ThenItDoesNotCount()
    {
        var s = SweepCreatedState().AllDone();
        var cells = Cells(s, Ended);
        s = s.Decided(new ChangeSweep(SweepName, T0, "bob", Axes: [Axis("trainer.lr", 0.001), Axis("seed", 1, 2, 3)])).AllDone();
        foreach (var archived in s.Cells.Values.Where(c => !c.Active)) cells[archived.Id] = cells[archived.Id] with { Current = CurrentState.Running };

        var completion = Of(s, cells);

        Assert.True(completion.Finished);
        Assert.Equal(3, completion.Counts.Values.Sum());
    }

    [Fact]
    public void GivenTheSweepFinishes_ThenNotifiedOnce_WithCountsInTheText_AndNotAgainForTheSameRound()
    {
        var s = SweepCreatedState().AllDone();
        var running = Of(s, Cells(s, [.. Ended[..5], CurrentState.Running]));
        var finished = Of(s, Cells(s, Ended));

        var n = Assert.Single(NotificationRules.ForSweep(s, running, finished));
        Assert.Equal(NotificationEvents.SweepFinished, n.Event);
        Assert.Equal("🏁 sweep LR sweep finished: 3 succeeded, 2 failed, 1 stopped", n.Text);
        Assert.Equal(("lrs", "3", "2"), (n.Fields["sweep_id"], n.Fields["succeeded"], n.Fields["failed"]));
        Assert.Null(n.ExperimentId);
        Assert.Empty(NotificationRules.ForSweep(s, finished, finished));
        Assert.Empty(NotificationRules.ForSweep(s, null, finished));
        // Seen again (a restart's baseline, a replay): the same fact, the same id, so the outbox keeps it once.
        Assert.Equal(n.Id, Assert.Single(NotificationRules.ForSweep(s, running, Of(s, Cells(s, Ended)))).Id);
    }

    [Fact]
    public void GivenARefillReRunsTheFailedCells_WhenTheyEnd_ThenNotifiedAgainWithANewId()
    {
        var s = SweepCreatedState().AllDone();
        var cells = Cells(s, Ended);
        var first = Assert.Single(NotificationRules.ForSweep(s, Of(s, Cells(s, [.. Ended[..5], CurrentState.Running])), Of(s, cells)));

        var failed = cells.Values.Where(c => c.Current == CurrentState.Failed).Select(c => c.Id).ToList();
        foreach (var id in failed) cells[id] = cells[id] with { Run = 2, Current = CurrentState.Running };
        var refilling = Of(s, cells);
        foreach (var id in failed) cells[id] = cells[id] with { Current = CurrentState.Succeeded };
        var again = Of(s, cells);

        Assert.False(refilling.Finished);
        var second = Assert.Single(NotificationRules.ForSweep(s, refilling, again));
        Assert.NotEqual(first.Id, second.Id);
        Assert.Contains("5 succeeded, 1 stopped", second.Text);
    }
}
