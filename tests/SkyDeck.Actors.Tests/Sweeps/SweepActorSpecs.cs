using Akka.Actor;
using Akka.TestKit;
using SkyDeck.Actors.Core;
using SkyDeck.Actors.Experiments;
using SkyDeck.Actors.Tests.Actors;
using Xunit.Abstractions;
using static SkyDeck.Actors.Core.ExperimentCommands;
using static SkyDeck.Actors.Core.SweepCommands;
using static SkyDeck.Actors.Tests.Support.Specs;
using static SkyDeck.Actors.Tests.Sweeps.SweepSamples;

namespace SkyDeck.Actors.Tests.Sweeps;

/// <summary>The sweep actor on virtual time, with a probe standing in for the experiment manager.</summary>
public sealed class SweepActorSpecs(ITestOutputHelper output) : ActorSpec(output)
{
    private static readonly SweepActorSettings Narrow = new(SweepSettings.Default, MaxOrdersInFlight: 2, RetryAfter: TimeSpan.FromSeconds(5));

    private IActorRef SweepActor(TestProbe experiments, TestProbe? manager = null) =>
        Sys.ActorOf(Experiments.SweepActor.Props(SweepName, experiments.Ref, Narrow, Clock, (manager ?? CreateTestProbe()).Ref));

    private static CreateSweep SmallCreate() => Create(Sweep(axes: [Axis("seed", 1, 2, 3)]));

    /// <summary>Answers every order the probe gets until <paramref name="count"/> were answered; returns them.</summary>
    private List<IExperimentCommand> AnswerOrders(TestProbe experiments, int count, Func<IExperimentCommand, CommandResult>? answer = null)
    {
        var seen = new List<IExperimentCommand>();
        for (var i = 0; i < count; i++)
        {
            var command = experiments.ExpectMsg<IExperimentCommand>(Patience);
            seen.Add(command);
            experiments.Reply(answer?.Invoke(command) ?? CommandResult.Accepted);
        }

        return seen;
    }

    private SweepState Current(IActorRef sweep)
    {
        sweep.Tell(new GetSweep(SweepName));
        return ExpectMsg<SweepResult>(Patience).Sweep!;
    }

    [Fact]
    public void GivenACreate_ThenAckedAfterTheIntentIsWritten_AndEachCellCreatedOnceWithABoundOnOrdersOut()
    {
        var experiments = CreateTestProbe();
        var sweep = SweepActor(experiments);

        sweep.Tell(SmallCreate());

        var reply = ExpectMsg<SweepResult>(Patience);
        Assert.Equal(ResultCode.Accepted, reply.Code);
        Assert.Equal(3, reply.Sweep!.Pending.Count);
        var first = experiments.ExpectMsg<CreateExperiment>(Patience);
        var firstAsker = experiments.LastSender;
        experiments.ExpectMsg<CreateExperiment>(Patience);
        var secondAsker = experiments.LastSender;
        experiments.ExpectNoMsg(TimeSpan.FromMilliseconds(200));
        firstAsker.Tell(CommandResult.Accepted);
        secondAsker.Tell(CommandResult.Accepted);
        var third = experiments.ExpectMsg<CreateExperiment>(Patience);
        experiments.Reply(CommandResult.Accepted);

        AwaitAssert(() => Assert.Empty(Current(sweep).Pending), Patience);
        Assert.All(Current(sweep).Cells.Values, c => Assert.True(c.Created));
        Assert.NotEqual(first.ExperimentId, third.ExperimentId);
        Assert.Equal(SweepName, third.Spec.Sweep);
    }

    [Fact]
    public void GivenOpenOrders_WhenTheSweepRestarts_ThenOnlyTheUnansweredOnesAreSentAgain()
    {
        var experiments = CreateTestProbe();
        var sweep = SweepActor(experiments);
        sweep.Tell(SmallCreate());
        ExpectMsg<SweepResult>(Patience);
        var answered = AnswerOrders(experiments, 1);
        AwaitAssert(() => Assert.Equal(2, Current(sweep).Pending.Count), Patience);
        // The other two are out, unanswered, when the sweep stops.
        experiments.ExpectMsg<CreateExperiment>(Patience);
        experiments.ExpectMsg<CreateExperiment>(Patience);

        Watch(sweep);
        Sys.Stop(sweep);
        ExpectTerminated(sweep, Patience);
        var again = SweepActor(experiments);

        var resent = AnswerOrders(experiments, 2).Select(c => c.ExperimentId).ToList();
        Assert.DoesNotContain(answered[0].ExperimentId, resent);
        Assert.Equal(2, resent.Distinct().Count());
        AwaitAssert(() => Assert.Empty(Current(again).Pending), Patience);
        experiments.ExpectNoMsg(TimeSpan.FromMilliseconds(200));
    }

    [Fact]
    public void GivenTheExperimentsCannotWrite_ThenTheOrderIsSentAgainAfterThePause()
    {
        var experiments = CreateTestProbe();
        var sweep = SweepActor(experiments);
        sweep.Tell(Create(Sweep(axes: [Axis("seed", 1)])));
        ExpectMsg<SweepResult>(Patience);

        experiments.ExpectMsg<CreateExperiment>(Patience);
        experiments.Reply(CommandResult.Unavailable("disk full"));
        experiments.ExpectNoMsg(TimeSpan.FromMilliseconds(200));

        Advance(TimeSpan.FromSeconds(5));
        experiments.ExpectMsg<CreateExperiment>(Patience);
        experiments.Reply(CommandResult.Accepted);
        AwaitAssert(() => Assert.True(Current(sweep).Cells.Values.Single().Created), Patience);
    }

    [Fact]
    public void GivenAConflict_ThenTheCellShowsTheProblemAndTheOrderIsNotRepeated()
    {
        var experiments = CreateTestProbe();
        var sweep = SweepActor(experiments);
        sweep.Tell(Create(Sweep(axes: [Axis("seed", 1)])));
        ExpectMsg<SweepResult>(Patience);

        AnswerOrders(experiments, 1, _ => CommandResult.Conflict("experiment exists with a different spec"));

        AwaitAssert(() => Assert.Contains("different spec", Current(sweep).Cells.Values.Single().Problem), Patience);
        Advance(TimeSpan.FromMinutes(1));
        experiments.ExpectNoMsg(TimeSpan.FromMilliseconds(200));
    }

    [Fact]
    public void GivenACellArchivedAndBroughtBack_ThenItsOrdersGoOneAtATimeInOrder()
    {
        var experiments = CreateTestProbe();
        var sweep = SweepActor(experiments);
        sweep.Tell(Create(Sweep(axes: [Axis("seed", 1)])));
        ExpectMsg<SweepResult>(Patience);
        AnswerOrders(experiments, 1);
        AwaitAssert(() => Assert.Empty(Current(sweep).Pending), Patience);

        sweep.Tell(new ChangeSweep(SweepName, Clock.GetUtcNow(), "bob", Axes: [Axis("seed", 2)]));
        ExpectMsg<SweepResult>(Patience);
        sweep.Tell(new ChangeSweep(SweepName, Clock.GetUtcNow(), "bob", Axes: [Axis("seed", 1)]));
        ExpectMsg<SweepResult>(Patience);

        var kinds = new List<string>();
        for (var i = 0; i < 6; i++)
        {
            var command = experiments.ExpectMsg<IExperimentCommand>(Patience);
            kinds.Add($"{command.GetType().Name}:{command.ExperimentId}");
            experiments.Reply(CommandResult.Accepted);
        }

        var cell1 = kinds.Where(k => k.EndsWith(":lrs.seed1", StringComparison.Ordinal)).Select(k => k.Split(':')[0]).ToList();
        Assert.Equal(["DeleteExperiment", "RestoreExperiment", "UpdateSpec", "PatchExperiment"], cell1);
        Assert.Equal(["CreateExperiment", "DeleteExperiment"], kinds.Where(k => k.EndsWith(":lrs.seed2", StringComparison.Ordinal)).Select(k => k.Split(':')[0]));
    }

    [Fact]
    public void GivenAPreview_ThenNothingIsWrittenOrSent()
    {
        var experiments = CreateTestProbe();
        var sweep = SweepActor(experiments);

        sweep.Tell(SmallCreate() with { Preview = true });

        Assert.Equal(3, ExpectMsg<SweepResult>(Patience).Changes.Length);
        experiments.ExpectNoMsg(TimeSpan.FromMilliseconds(200));
        sweep.Tell(new GetSweep(SweepName));
        Assert.Equal(ResultCode.NotFound, ExpectMsg<SweepResult>(Patience).Code);
    }

    [Fact]
    public void GivenTheManager_WhenASweepIsCreatedTwice_ThenOneSweepAndTheListShowsIt()
    {
        var experiments = CreateTestProbe();
        var manager = Sys.ActorOf(SweepManagerActor.Props(experiments.Ref, Narrow, Clock));

        manager.Tell(SmallCreate());
        Assert.Equal(ResultCode.Accepted, ExpectMsg<SweepResult>(Patience).Code);
        manager.Tell(SmallCreate());
        Assert.Equal(ResultCode.NoOp, ExpectMsg<SweepResult>(Patience).Code);
        manager.Tell(new GetSweep("other"));
        Assert.Equal(ResultCode.NotFound, ExpectMsg<SweepResult>(Patience).Code);
        manager.Tell(Create(id: "bad.id"));
        Assert.Equal(ResultCode.Rejected, ExpectMsg<SweepResult>(Patience).Code);

        AwaitAssert(() =>
        {
            manager.Tell(ListSweeps.Instance);
            Assert.Equal(SweepName, Assert.Single(ExpectMsg<SweepList>(Patience).Sweeps).Id);
        }, Patience);
    }

    [Fact]
    public void GivenARunningSweepWithABudget_WhenItsCellsUsageCrossesIt_ThenTheSweepStopsEveryCellOnTimeAndNotBefore()
    {
        var experiments = CreateTestProbe();
        var manager = Sys.ActorOf(SweepManagerActor.Props(experiments.Ref, Narrow, Clock));
        experiments.ExpectMsg<SubscribeToSummaries>(Patience);
        manager.Tell(Create(Sweep(axes: [Axis("seed", 1, 2)]) with { Budget = new Budget(GpuHours: 2) }));
        Assert.Equal(ResultCode.Accepted, ExpectMsg<SweepResult>(Patience).Code);
        var created = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            var message = experiments.ExpectMsg<object>(Patience);
            if (message is CreateExperiment create) created.Add(create.ExperimentId);
            experiments.Reply(message is ListExperiments ? new ExperimentList([]) : CommandResult.Accepted);
        }

        // Both cells run 4 GPUs from T0, seen through the manager's feed: 8 GPU-h an hour, 2 GPU-h at 15 minutes.
        foreach (var id in created)
            manager.Tell(new SummaryChanged(CellSummary(id, Spec() with { Sweep = SweepName }) with { Ledger = SweepBudgetTests.Ledger(id, T0) }));
        Advance(TimeSpan.FromMinutes(14));
        experiments.ExpectNoMsg(TimeSpan.FromMilliseconds(300));

        Advance(TimeSpan.FromSeconds(61));
        var stops = new List<PatchExperiment>();
        for (var i = 0; i < 2; i++)
        {
            stops.Add(experiments.ExpectMsg<PatchExperiment>(Patience));
            experiments.Reply(CommandResult.Accepted);
        }

        Assert.Equal(created.Order(), stops.Select(p => p.ExperimentId).Order());
        Assert.All(stops, p => Assert.Equal(DesiredState.Stopped, p.Desired));
        manager.Tell(new GetSweep(SweepName));
        var sweep = ExpectMsg<SweepResult>(Patience).Sweep!;
        Assert.Equal(DesiredState.Stopped, sweep.Spec!.Desired);
        Assert.InRange(sweep.BudgetStop!.At, T0.AddMinutes(15), T0.AddMinutes(15) + Budgets.Margin + TimeSpan.FromSeconds(1));
        Assert.StartsWith("budget reached: 2.0 / 2 GPU-h", sweep.BudgetStop.Describe());
        Advance(TimeSpan.FromHours(1));
        experiments.ExpectNoMsg(TimeSpan.FromMilliseconds(300));   // stopped once
    }
}
