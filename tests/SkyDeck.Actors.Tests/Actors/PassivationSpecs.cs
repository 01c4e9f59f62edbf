using Akka.Actor;
using SkyDeck.Actors.Core;
using SkyDeck.Actors.Experiments;
using SkyDeck.Actors.Tests.Support;
using Xunit.Abstractions;
using static SkyDeck.Actors.Core.ExperimentCommands;

namespace SkyDeck.Actors.Tests.Actors;

/// <summary>
/// Memory follows activity: an experiment at rest whose actor had no message for the passivation time is stopped; one
/// with a job live is not; what arrives while one is being stopped is delivered to it started again, which recovers
/// exactly the state it had.
/// </summary>
public sealed class PassivationSpecs(ITestOutputHelper output) : ActorSpec(output)
{
    private static readonly TimeSpan PassivateAfter = TimeSpan.FromMinutes(2);

    private IActorRef NewManager() =>
        Sys.ActorOf(ExperimentManagerActor.Props(Sky, Settings with { PassivateAfter = PassivateAfter }, Clock));

    private async Task<CommandResult> AskAsync(IActorRef manager, object command) => await manager.Ask<CommandResult>(command, Patience);

    private async Task<ExperimentDetail> DetailAsync(IActorRef manager, string id) => await manager.Ask<ExperimentDetail>(new GetExperiment(id), Patience);

    private async Task<IActorRef> ActorOfAsync(IActorRef manager, string id) =>
        await Sys.ActorSelection(manager.Path / id).ResolveOne(Patience);

    /// <summary>Virtual time moves in passivation-sized steps until the watched actor has stopped.</summary>
    private async Task AdvanceUntilStoppedAsync(Akka.TestKit.TestProbe watcher, IActorRef actor) =>
        await AwaitAssertAsync(async () =>
        {
            Advance(PassivateAfter);
            await watcher.ExpectTerminatedAsync(actor, TimeSpan.FromMilliseconds(200));
        }, Patience, TimeSpan.FromMilliseconds(20));

    [Fact]
    public async Task GivenOneExperimentAtRestAndOneWithALiveJob_WhenNoMessageComesForThePassivationTime_ThenOnlyTheOneAtRestIsStopped()
    {
        var manager = NewManager();
        Assert.Equal(ResultCode.Accepted, (await AskAsync(manager, new CreateExperiment("idle", Specs.Spec(), DesiredState.Stopped, Specs.T0, "alice"))).Code);
        Assert.Equal(ResultCode.Accepted, (await AskAsync(manager, new CreateExperiment("busy", Specs.Spec(), DesiredState.Running, Specs.T0, "alice"))).Code);
        await AwaitAssertAsync(async () => Assert.Equal(JobPhase.Submitted, (await DetailAsync(manager, "busy")).Jobs.Single().Phase), Patience);
        var idle = await ActorOfAsync(manager, "idle");
        var busy = await ActorOfAsync(manager, "busy");
        var watcher = CreateTestProbe();
        watcher.Watch(idle);
        watcher.Watch(busy);

        await AdvanceUntilStoppedAsync(watcher, idle);
        Advance(PassivateAfter * 5);

        await watcher.ExpectNoMsgAsync(TimeSpan.FromMilliseconds(300));
        Assert.Equal(busy, await ActorOfAsync(manager, "busy"));
        var listed = await manager.Ask<ExperimentList>(ListExperiments.Instance, Patience);
        Assert.Equal(["busy", "idle"], listed.Experiments.Select(e => e.Id).Order());
    }

    [Fact]
    public async Task GivenAPassivatedExperiment_WhenAMessageComes_ThenItIsStartedAgainWithTheStateItHadBefore()
    {
        var manager = NewManager();
        Assert.Equal(ResultCode.Accepted, (await AskAsync(manager, new CreateExperiment("idle", Specs.Spec(), DesiredState.Stopped, Specs.T0, "alice"))).Code);
        Assert.Equal(ResultCode.Accepted, (await AskAsync(manager, new UpdateSpec("idle", Specs.Spec(layers: 8), Specs.T0.AddMinutes(1), "bob"))).Code);
        var before = await DetailAsync(manager, "idle");
        var first = await ActorOfAsync(manager, "idle");
        var watcher = CreateTestProbe();
        watcher.Watch(first);

        await AdvanceUntilStoppedAsync(watcher, first);
        var after = await DetailAsync(manager, "idle");

        Assert.Equal(before.Summary, after.Summary);
        Assert.Equal(before.Jobs, after.Jobs);
        Assert.NotEqual(first, await ActorOfAsync(manager, "idle"));
    }

    [Fact]
    public async Task GivenAnExperimentBeingStopped_WhenAMessageForItArrivesMeanwhile_ThenItIsDeliveredToTheActorStartedAgain()
    {
        var manager = NewManager();
        Assert.Equal(ResultCode.Accepted, (await AskAsync(manager, new CreateExperiment("idle", Specs.Spec(), DesiredState.Stopped, Specs.T0, "alice"))).Code);
        var first = await ActorOfAsync(manager, "idle");
        var watcher = CreateTestProbe();
        watcher.Watch(first);

        // The actor's own request to be stopped, then a change right behind it: the manager holds the change.
        manager.Tell(new ExperimentIdle("idle"));
        var changed = manager.Ask<CommandResult>(new UpdateSpec("idle", Specs.Spec(layers: 8), Specs.T0.AddMinutes(1), "bob"), Patience);

        await watcher.ExpectTerminatedAsync(first, Patience);
        Assert.Equal(ResultCode.Accepted, (await changed).Code);
        Assert.Equal(Specs.Spec(layers: 8), (await DetailAsync(manager, "idle")).Summary.Spec);
        Assert.Equal(2, (await DetailAsync(manager, "idle")).Summary.Generation);
    }

    [Fact]
    public async Task GivenAnExperimentThatGotBusyBeforeItsStopRequestWasHandled_WhenAsked_ThenItStaysAndWhatWasHeldIsDelivered()
    {
        var hold = Sky.HoldLaunches();
        var manager = NewManager();
        Assert.Equal(ResultCode.Accepted, (await AskAsync(manager, new CreateExperiment("exp1", Specs.Spec(), DesiredState.Stopped, Specs.T0, "alice"))).Code);
        var actor = await ActorOfAsync(manager, "exp1");
        var watcher = CreateTestProbe();
        watcher.Watch(actor);

        // Already in the actor's mailbox when the manager's stop request gets there: a launch starts and hangs.
        actor.Tell(new SetDesiredState("exp1", DesiredState.Running, Specs.T0.AddMinutes(1), "bob"), TestActor);
        manager.Tell(new ExperimentIdle("exp1"));
        var held = manager.Ask<object>(new GetExperiment("exp1"), Patience);

        Assert.IsType<ExperimentDetail>(await held);
        await ExpectMsgAsync<CommandResult>(r => Assert.Equal(ResultCode.Accepted, r.Code), Patience);
        await watcher.ExpectNoMsgAsync(TimeSpan.FromMilliseconds(300));
        Assert.Single(Sky.Launches);
        hold.SetResult(SkyOutcome.Ok(1));
    }
}
