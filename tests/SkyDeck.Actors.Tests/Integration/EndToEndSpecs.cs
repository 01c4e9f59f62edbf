using SkyDeck.Actors.Core;
using SkyDeck.Actors.Experiments;
using SkyDeck.Actors.Hosting;
using SkyDeck.Actors.SkyPilot;
using SkyDeck.Actors.Tests.Actors;
using SkyDeck.Actors.Tests.Support;
using SkyDeck.FakeSky;
using SkyDeck.Testing;
using static SkyDeck.Actors.Core.ExperimentCommands;
using static SkyDeck.Actors.Tests.Support.Specs;

namespace SkyDeck.Actors.Tests.Integration;

/// <summary>The whole actor side — production wiring, SQLite, poller, real CLI gateway — against the fake <c>sky</c>.</summary>
public sealed class EndToEndSpecs : FakeSkyIntegrationSpec
{
    private Task<HostedSkyDeck> StartAsync(int maxRestarts = 3) => HostedSkyDeck.StartAsync(Db.Path, null, o => o with
    {
        EnablePoller = true,
        PollInterval = TimeSpan.FromMilliseconds(300),
        Reconcile = o.Reconcile with { MaxRestarts = maxRestarts, BackoffBase = TimeSpan.FromMilliseconds(200), BackoffCap = TimeSpan.FromSeconds(1), ConfirmWindow = TimeSpan.FromSeconds(5) },
        Sky = new SkyPilotOptions { Executable = FakeSkyHome.ExecutablePath, Environment = Fake.Environment },
    });

    private static Task Until(HostedSkyDeck deck, string id, CurrentState state) =>
        deck.EventuallyAsync(async () => (await deck.GetAsync(id)).Summary.Current == state, $"{id} to be {state}", seconds: 60);

    [Fact]
    public async Task GivenAnExperiment_WhenRunThenStoppedThenTerminated_ThenSkyPilotFollowsEveryStep()
    {
        await using var deck = await StartAsync();

        Assert.Equal(CommandResult.Accepted, await deck.AskAsync(new CreateExperiment("e2e", Spec(), DesiredState.Running, DateTimeOffset.UtcNow, "alice")));
        await Until(deck, "e2e", CurrentState.Running);

        Assert.Equal(CommandResult.Accepted, await deck.AskAsync(new SetDesiredState("e2e", DesiredState.Stopped, DateTimeOffset.UtcNow, "alice")));
        await Until(deck, "e2e", CurrentState.Stopped);
        Assert.Equal("STOPPED", Fake.ReadState().Clusters.Single().Status);

        Assert.Equal(CommandResult.Accepted, await deck.AskAsync(new SetDesiredState("e2e", DesiredState.Terminated, DateTimeOffset.UtcNow, "alice")));
        await Until(deck, "e2e", CurrentState.Terminated);
        Assert.Empty(Fake.ReadState().Clusters);

        var detail = await deck.GetAsync("e2e");
        var job = Assert.Single(detail.Jobs);
        Assert.Equal(SkyJobStatus.Cancelled, job.Status);
        Assert.Equal("system", job.CancelledBy);
        Assert.Single(Fake.ReadLaunches());
    }

    [Fact]
    public async Task GivenAJobThatAlwaysFails_WhenRunning_ThenRetriedUpToTheLimitThenFailedWithNoDuplicateLaunch()
    {
        Fake.SetControl(c => c.WithScript("skydeck-flaky-*", "PENDING", "RUNNING", "FAILED"));
        await using var deck = await StartAsync(maxRestarts: 1);

        await deck.AskAsync(new CreateExperiment("flaky", Spec(), DesiredState.Running, DateTimeOffset.UtcNow, "alice"));
        await Until(deck, "flaky", CurrentState.Failed);

        var launches = Fake.ReadLaunches();
        Assert.Equal(2, launches.Count);
        Assert.Equal(launches.Count, launches.Select(l => l.JobName).Distinct().Count());
        Assert.All((await deck.GetAsync("flaky")).Jobs, j => Assert.Equal(SkyJobStatus.Failed, j.Status));
    }

    [Fact]
    public async Task GivenARunningJob_WhenItsClusterVanishes_ThenItIsRelaunched()
    {
        await using var deck = await StartAsync();
        await deck.AskAsync(new CreateExperiment("spot", Spec(), DesiredState.Running, DateTimeOffset.UtcNow, "alice"));
        await Until(deck, "spot", CurrentState.Running);

        Fake.Vanish("skydeck-spot");

        await deck.EventuallyAsync(async () => (await deck.GetAsync("spot")).Jobs.Length == 2 && (await deck.GetAsync("spot")).Summary.Current == CurrentState.Running, "a relaunch");
        Assert.Equal(JobPhase.Lost, (await deck.GetAsync("spot")).Jobs[1].Phase);
    }
}
