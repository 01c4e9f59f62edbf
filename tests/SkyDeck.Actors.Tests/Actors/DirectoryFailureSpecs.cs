using Akka.Actor;
using Akka.Persistence;
using Akka.Persistence.TestKit;
using SkyDeck.Actors.Core;
using SkyDeck.Actors.Experiments;
using SkyDeck.Actors.Tests.Support;
using SkyDeck.Testing;
using Xunit.Abstractions;
using static SkyDeck.Actors.Core.ExperimentCommands;

namespace SkyDeck.Actors.Tests.Actors;

/// <summary>
/// A full disk must not kill the experiment directory for good: a failed write answers "unavailable" with the reason,
/// existing experiments keep answering, the directory is started again with backoff, and creating works again by
/// itself once writes succeed — no restart of SkyDeck.
/// </summary>
public sealed class DirectoryFailureSpecs(ITestOutputHelper output) : ActorSpec(output, failableJournal: true)
{
    private ITestJournal Journal => TestJournal.FromRef(Persistence.Instance.Apply(Sys).JournalFor(null));

    private IActorRef NewManager() =>
        Sys.ActorOf(ExperimentManagerActor.Props(Sky, Settings, Clock));

    private static CreateExperiment Create(string id) => new(id, Specs.Spec(), DesiredState.Stopped, Specs.T0, "alice");

    private async Task<CommandResult> CreateAsync(IActorRef manager, string id) => await manager.Ask<CommandResult>(Create(id), Patience);

    [Fact]
    public async Task GivenTheJournalFails_WhenCreating_ThenUnavailableWithTheReason_AndAfterWritesSucceedAgainCreatingWorksWithoutARestart()
    {
        var manager = NewManager();
        Assert.Equal(ResultCode.Accepted, (await CreateAsync(manager, "before")).Code);

        await Journal.OnWrite.Fail();
        var failed = await CreateAsync(manager, "during");

        Assert.Equal(ResultCode.Unavailable, failed.Code);
        Assert.Contains("directory could not be written", failed.Message);
        var health = await manager.Ask<DirectoryHealth>(GetDirectoryHealth.Instance, Patience);
        Assert.False(health.Writable);
        Assert.NotNull(health.LastError);
        // The experiments that exist keep answering while the directory is down.
        Assert.IsType<ExperimentDetail>(await manager.Ask<object>(new GetExperiment("before"), Patience));
        Assert.Equal(ResultCode.NotFound, (await manager.Ask<CommandResult>(new GetExperiment("during"), Patience)).Code);

        await Journal.OnWrite.Pass();
        // The directory is started again after its backoff (1 s, doubling): move virtual time on until it is back.
        await AwaitAssertAsync(async () =>
        {
            VirtualScheduler.Advance(TimeSpan.FromSeconds(1));
            Assert.Equal(ResultCode.Accepted, (await CreateAsync(manager, "after")).Code);
        }, Patience, TimeSpan.FromMilliseconds(50));

        Assert.Equal(DirectoryHealth.Ok, await manager.Ask<DirectoryHealth>(GetDirectoryHealth.Instance, Patience));
        Assert.Equal(ResultCode.Accepted, (await CreateAsync(manager, "during")).Code);
        var list = await manager.Ask<ExperimentList>(ListExperiments.Instance, Patience);
        Assert.Equal(["after", "before", "during"], list.Experiments.Select(e => e.Id).Order());
    }

    [Fact]
    public async Task GivenAFailedWrite_WhenNothingIsCreatedAfterwards_ThenHealthStaysBadWhileWritesFail_AndTurnsGoodOnceTheyLand()
    {
        var manager = NewManager();
        await Journal.OnWrite.Fail();
        Assert.Equal(ResultCode.Unavailable, (await CreateAsync(manager, "refused")).Code);

        // Restarted (1 s, then 2 s) while the journal still refuses: its first write fails, health stays bad.
        VirtualScheduler.Advance(TimeSpan.FromSeconds(1));
        VirtualScheduler.Advance(TimeSpan.FromSeconds(2));
        var stillBad = await manager.Ask<DirectoryHealth>(GetDirectoryHealth.Instance, Patience);
        Assert.False(stillBad.Writable);
        Assert.NotNull(stillBad.FailingSince);

        await Journal.OnWrite.Pass();
        // No create is sent: the restarted directory's own first write is what tells the manager the disk is back.
        await AwaitAssertAsync(async () =>
        {
            VirtualScheduler.Advance(TimeSpan.FromSeconds(1));
            Assert.Equal(DirectoryHealth.Ok, await manager.Ask<DirectoryHealth>(GetDirectoryHealth.Instance, Patience));
        }, Patience, TimeSpan.FromMilliseconds(50));
        Assert.Equal(ResultCode.Accepted, (await CreateAsync(manager, "after")).Code);
        var list = await manager.Ask<ExperimentList>(ListExperiments.Instance, Patience);
        Assert.Equal(["after"], list.Experiments.Select(e => e.Id));
    }

    [Fact]
    public async Task GivenTheDirectoryWasRestarted_WhenANewManagerRecovers_ThenEveryAcknowledgedIdIsThereOnce()
    {
        var manager = NewManager();
        Assert.Equal(ResultCode.Accepted, (await CreateAsync(manager, "kept")).Code);
        await Journal.OnWrite.Fail();
        Assert.Equal(ResultCode.Unavailable, (await CreateAsync(manager, "refused")).Code);
        await Journal.OnWrite.Pass();
        await WatchAndStopAsync(manager);

        var again = NewManager();
        var list = await again.Ask<ExperimentList>(ListExperiments.Instance, Patience);

        Assert.Equal(["kept"], list.Experiments.Select(e => e.Id));
    }

    private async Task WatchAndStopAsync(IActorRef actor)
    {
        Watch(actor);
        Sys.Stop(actor);
        await ExpectTerminatedAsync(actor, Patience);
    }
}
