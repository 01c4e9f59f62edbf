using Akka.Actor;
using Akka.Hosting;
using Microsoft.Extensions.DependencyInjection;
using SkyDeck.Actors.Core;
using SkyDeck.Actors.Experiments;
using SkyDeck.Actors.SkyPilot;
using SkyDeck.Actors.Tests.Actors;
using SkyDeck.Actors.Tests.Support;
using SkyDeck.FakeSky;
using SkyDeck.Testing;
using static SkyDeck.Actors.Core.ExperimentCommands;
using static SkyDeck.Actors.Tests.Support.Specs;

namespace SkyDeck.Actors.Tests.Integration;

/// <summary>
/// A broken <c>sky</c> (fault injection in the fake): every fault is recorded with its reason, backs off instead of
/// storming, never turns a live job FAILED, and heals once <c>sky</c> works again.
/// </summary>
public sealed class BrokenSkySpecs : FakeSkyIntegrationSpec
{
    private Task<HostedSkyDeck> StartAsync(string? executable = null) => HostedSkyDeck.StartAsync(Db.Path, null, o => o with
    {
        EnablePoller = true,
        PollInterval = TimeSpan.FromMilliseconds(300),
        Reconcile = o.Reconcile with { BackoffBase = TimeSpan.FromMilliseconds(500), BackoffCap = TimeSpan.FromSeconds(2) },
        Sky = new SkyPilotOptions
        {
            Executable = executable ?? FakeSkyHome.ExecutablePath,
            Environment = Fake.Environment,
            LaunchTimeout = TimeSpan.FromSeconds(4),
            QueryTimeout = TimeSpan.FromSeconds(4),
        },
    });

    private static Task Until(HostedSkyDeck deck, string id, Func<ExperimentDetail, bool> condition, string what) =>
        deck.EventuallyAsync(async () => condition(await deck.GetAsync(id)), what, seconds: 60);

    private static async Task<PollerStatus> PollerAsync(HostedSkyDeck deck)
    {
        var registry = deck.Services.GetRequiredService<ActorRegistry>();
        return await registry.Get<QueuePollerActor>().Ask<PollerStatus>(GetPollerStatus.Instance, TimeSpan.FromSeconds(15));
    }

    [Theory]
    [InlineData("status", "garbage")]
    [InlineData("status", "exit:1")]
    [InlineData("status", "truncated")]
    [InlineData("queue", "queue_failed")]
    [InlineData("queue", "garbage")]
    [InlineData("status", "hang")]
    public async Task GivenARunningJob_WhenPollingBreaks_ThenUnknownNeverFailedAndItHeals(string command, string fault)
    {
        await using var deck = await StartAsync();
        await deck.AskAsync(new CreateExperiment("steady", Spec(), DesiredState.Running, DateTimeOffset.UtcNow, "alice"));
        await Until(deck, "steady", d => d.Summary.Current == CurrentState.Running, "RUNNING");

        Fake.SetControl(c => c.WithFault(command, fault));
        await Until(deck, "steady", d => d.Summary.Current == CurrentState.Unknown, "UNKNOWN while sky is broken");
        var broken = await PollerAsync(deck);
        Assert.NotNull(broken.LastError);

        Fake.SetControl(c => c.WithoutFaults());
        await Until(deck, "steady", d => d.Summary.Current == CurrentState.Running, "RUNNING again");
        var detail = await deck.GetAsync("steady");
        Assert.Single(detail.Jobs);
        Assert.Equal(SkyJobStatus.Running, detail.Jobs[0].Status);
        Assert.Single(Fake.ReadLaunches());
    }

    [Theory]
    [InlineData("capacity", SkyFailureKind.NoCapacity)]
    [InlineData("exit:1", SkyFailureKind.Unknown)]
    public async Task GivenLaunchesFail_WhenRunning_ThenEachFailureIsAnEventWithBackoffAndItRecovers(string fault, SkyFailureKind kind)
    {
        Fake.SetControl(c => c.WithFault("launch", fault));
        await using var deck = await StartAsync();
        await deck.AskAsync(new CreateExperiment("unlucky", Spec(), DesiredState.Running, DateTimeOffset.UtcNow, "alice"));
        await Until(deck, "unlucky", d => d.Jobs.Length >= 3, "three failed attempts");

        var failed = (await deck.GetAsync("unlucky")).Jobs.Where(j => j.Phase == JobPhase.LaunchFailed).ToList();
        Assert.True(failed.Count >= 2);
        Assert.All(failed, j => Assert.False(string.IsNullOrWhiteSpace(j.Reason)));
        var launchCalls = Fake.ReadInvocations().Where(i => i.Argv.FirstOrDefault() == "launch").OrderBy(i => i.At).ToList();
        var gaps = launchCalls.Zip(launchCalls.Skip(1), (a, b) => b.At - a.At).ToList();
        Assert.All(gaps, gap => Assert.True(gap >= TimeSpan.FromMilliseconds(350), $"retried after only {gap.TotalMilliseconds} ms"));
        Assert.NotEqual(CurrentState.Failed, (await deck.GetAsync("unlucky")).Summary.Current);
        var audit = await new Audit.AuditLog(deck.System).ForExperimentAsync("unlucky", CancellationToken.None);
        Assert.Contains(audit, e => e.Type == "job_launch_failed" && e.Reason!.StartsWith(kind.ToString(), StringComparison.Ordinal));

        Fake.SetControl(c => c.WithoutFaults());
        await Until(deck, "unlucky", d => d.Summary.Current == CurrentState.Running, "RUNNING once sky works");
        Assert.Single(Fake.ReadLaunches());
    }

    [Fact]
    public async Task GivenALaunchThatHangs_WhenKilledAtTheTimeout_ThenRecordedAndRetriedWithoutADuplicate()
    {
        Fake.SetControl(c => c.WithFault("launch", "hang"));
        await using var deck = await StartAsync();
        await deck.AskAsync(new CreateExperiment("stuck", Spec(), DesiredState.Running, DateTimeOffset.UtcNow, "alice"));
        await deck.EventuallyAsync(async () => (await deck.AskAsync(new GetExperiment("stuck")) is ExperimentDetail), "created");
        var audit = new Audit.AuditLog(deck.System);
        await deck.EventuallyAsync(async () => (await audit.ForExperimentAsync("stuck", CancellationToken.None)).Any(e => e.Type == "sky_action_failed"), "the timeout event", seconds: 60);

        var timeout = (await audit.ForExperimentAsync("stuck", CancellationToken.None)).First(e => e.Type == "sky_action_failed");
        Assert.Contains("Timeout", timeout.Reason);
        Assert.Empty(Fake.ReadLaunches());
    }

    [Fact]
    public async Task GivenNoSkyExecutable_WhenRunning_ThenCliUnavailableIsRecordedAndPollingReportsIt()
    {
        await using var deck = await StartAsync(executable: "/nonexistent/sky");
        await deck.AskAsync(new CreateExperiment("nosky", Spec(), DesiredState.Running, DateTimeOffset.UtcNow, "alice"));

        await Until(deck, "nosky", d => d.Jobs.Any(j => j.Phase == JobPhase.LaunchFailed), "a launch failure");
        var job = (await deck.GetAsync("nosky")).Jobs.Last();
        Assert.Contains("SKYDECK_SKY_PATH", job.Reason);
        await deck.EventuallyAsync(async () => (await PollerAsync(deck)).ConsecutiveFailures > 0, "the poller to fail");
        Assert.Contains("sky not found at /nonexistent/sky", (await PollerAsync(deck)).LastError);
    }
}
