using System.Collections.Immutable;
using SkyDeck.Actors.Core;
using SkyDeck.Actors.Experiments;
using SkyDeck.Actors.SkyPilot;
using SkyDeck.Actors.Tests.Support;
using SkyDeck.Testing;
using static SkyDeck.Actors.Core.ExperimentCommands;
using static SkyDeck.Actors.Tests.Support.Specs;

namespace SkyDeck.Actors.Tests.Actors;

public sealed class SqliteRecoverySpecs : IDisposable
{
    private readonly TempDatabase _db = new();

    public void Dispose() => _db.Dispose();

    [Fact]
    public async Task GivenExperimentsAndJobs_WhenANewActorSystemOpensTheSameFile_ThenStateAndHistoryComeBackAndReconcilingResumes()
    {
        var sky = new ScriptedSkyGateway();
        IReadOnlyList<ExperimentSummary> before;
        await using (var first = await HostedSkyDeck.StartAsync(_db.Path, sky))
        {
            Assert.Equal(CommandResult.Accepted, await first.AskAsync(CreateNow("runner", DesiredState.Running)));
            Assert.Equal(CommandResult.Accepted, await first.AskAsync(CreateNow("idle", DesiredState.Stopped)));
            for (var i = 0; i < 60; i++)
                Assert.Equal(CommandResult.Accepted, await first.AskAsync(new UpdateSpec("idle", Spec(layers: i + 10), DateTimeOffset.UtcNow, "bob")));
            await first.EventuallyAsync(async () => (await first.GetAsync("runner")).Jobs.FirstOrDefault()?.Phase == JobPhase.Submitted, "the launch");
            before = await first.ListAsync();
        }

        var afterRestart = new ScriptedSkyGateway
        {
            OnStatus = () => SkyCall<StatusReport>.Ok(new StatusReport([new ObservedCluster("skydeck-runner", SkyClusterStatus.Up, "UP")])),
            OnQueue = clusters => SkyCall<QueueReport>.Ok(new QueueReport(
                ImmutableDictionary<string, ImmutableArray<ObservedJob>>.Empty.Add("skydeck-runner", [Job("skydeck-runner-g1-1", 1, SkyJobStatus.Running)]),
                ImmutableDictionary<string, string>.Empty)),
        };
        await using var second = await HostedSkyDeck.StartAsync(_db.Path, afterRestart, o => o with { EnablePoller = true });
        await second.EventuallyAsync(async () => (await second.ListAsync()).Count == 2, "both experiments back without being asked");
        await second.EventuallyAsync(async () => (await second.GetAsync("runner")).Summary.Current == CurrentState.Running, "the poll to mark it RUNNING");

        var idle = await second.GetAsync("idle");
        Assert.Equal(61, idle.Summary.Generation);
        Assert.Equal(before.Single(s => s.Id == "idle").Spec, idle.Summary.Spec);
        var runner = await second.GetAsync("runner");
        Assert.Equal("skydeck-runner-g1-1", Assert.Single(runner.Jobs).JobId);
        Assert.Single(sky.Launches);
        Assert.Empty(afterRestart.Launches);
    }

    [Fact]
    public async Task GivenCrashBetweenLaunchRequestedAndLaunched_WhenRestarted_ThenTheJobIsAdoptedNotLaunchedAgain()
    {
        var sky = new ScriptedSkyGateway();
        sky.HoldLaunches();
        await using (var first = await HostedSkyDeck.StartAsync(_db.Path, sky))
        {
            Assert.Equal(CommandResult.Accepted, await first.AskAsync(CreateNow("crashy", DesiredState.Running)));
            await first.EventuallyAsync(() => Task.FromResult(sky.Launches.Count == 1), "the launch to start");
            Assert.Equal(JobPhase.Requested, (await first.GetAsync("crashy")).Jobs.Single().Phase);
        }

        var afterRestart = new ScriptedSkyGateway
        {
            OnStatus = () => SkyCall<StatusReport>.Ok(new StatusReport([new ObservedCluster("skydeck-crashy", SkyClusterStatus.Up, "UP")])),
            OnQueue = _ => SkyCall<QueueReport>.Ok(new QueueReport(
                ImmutableDictionary<string, ImmutableArray<ObservedJob>>.Empty.Add("skydeck-crashy", [Job("skydeck-crashy-g1-1", 9, SkyJobStatus.Running)]),
                ImmutableDictionary<string, string>.Empty)),
        };
        await using var second = await HostedSkyDeck.StartAsync(_db.Path, afterRestart, o => o with { EnablePoller = true });

        await second.EventuallyAsync(async () => (await second.GetAsync("crashy")).Summary.Current == CurrentState.Running, "adoption");
        var job = (await second.GetAsync("crashy")).Jobs.Single();
        Assert.Equal(9, job.SkyJobId);
        Assert.Empty(afterRestart.Launches);
    }

    [Fact]
    public async Task GivenAStoppedExperimentWhoseClusterIsUp_WhenTheServerStarts_ThenItIsStoppedWithNoUserAction()
    {
        await using (var first = await HostedSkyDeck.StartAsync(_db.Path, new ScriptedSkyGateway()))
            Assert.Equal(CommandResult.Accepted, await first.AskAsync(CreateNow("forgotten", DesiredState.Stopped)));

        var sky = new ScriptedSkyGateway
        {
            OnStatus = () => SkyCall<StatusReport>.Ok(new StatusReport([new ObservedCluster("skydeck-forgotten", SkyClusterStatus.Up, "UP")])),
        };
        await using var second = await HostedSkyDeck.StartAsync(_db.Path, sky, o => o with { EnablePoller = true });

        await second.EventuallyAsync(() => Task.FromResult(sky.Commands.Any(c => c is SkyCommand.Stop { Cluster: "skydeck-forgotten" })), "the stop");
    }
}
