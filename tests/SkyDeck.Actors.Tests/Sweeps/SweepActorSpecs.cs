using Akka.Actor;
using Akka.TestKit;
using SkyDeck.Actors.Core;
using SkyDeck.Actors.Experiments;
using SkyDeck.Actors.Tests.Actors;
using Xunit.Abstractions;
using static SkyDeck.Actors.Core.ExperimentCommands;
using static SkyDeck.Actors.Core.SweepCommands;
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
}
