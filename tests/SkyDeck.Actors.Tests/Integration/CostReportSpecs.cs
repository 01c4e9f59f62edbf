using Akka.Actor;
using Akka.Hosting;
using Microsoft.Extensions.DependencyInjection;
using SkyDeck.Actors.Core;
using SkyDeck.Actors.Experiments;
using SkyDeck.Actors.SkyPilot;
using SkyDeck.Actors.Tests.Actors;
using SkyDeck.FakeSky;
using SkyDeck.Testing;
using static SkyDeck.Actors.Core.ExperimentCommands;
using static SkyDeck.Actors.Tests.Support.Specs;

namespace SkyDeck.Actors.Tests.Integration;

/// <summary>
/// <c>sky cost-report</c> through the production wiring and the real CLI gateway against the <c>fake-sky</c> executable:
/// a cluster torn down while SkyDeck was down is counted until SkyPilot's own end, and a SkyPilot without the command is
/// asked once and then left alone.
/// </summary>
public sealed class CostReportSpecs : FakeSkyIntegrationSpec
{
    private Task<HostedSkyDeck> StartAsync() => HostedSkyDeck.StartAsync(Db.Path, null, o => o with
    {
        EnablePoller = true,
        PollInterval = TimeSpan.FromMilliseconds(300),
        CostReportEvery = 1,
        Sky = new SkyPilotOptions { Executable = FakeSkyHome.ExecutablePath, Environment = Fake.Environment, QueryTimeout = TimeSpan.FromSeconds(10) },
    });

    private static Task Until(HostedSkyDeck deck, string id, Func<ExperimentDetail, bool> condition, string what) =>
        deck.EventuallyAsync(async () => condition(await deck.GetAsync(id)), what, seconds: 60);

    [Fact]
    public async Task GivenAClusterTornDownWhileSkyDeckWasDown_WhenSkyDeckComesBack_ThenItsSpanAndLostJobEndWhereSkyPilotSaysItWent()
    {
        Fake.SetControl(c => c with { Version = "0.13.0" });
        await using (var first = await StartAsync())
        {
            // Not relaunched after the loss (a second span would follow): the scenario is about the first one.
            var spec = Spec() with { Retry = new RetryPolicy(null, [], PreemptionPolicy.Never) };
            await first.AskAsync(new CreateExperiment("gone", spec, DesiredState.Running, DateTimeOffset.UtcNow, "alice"));
            await Until(first, "gone", d => d.Summary.Current == CurrentState.Running, "RUNNING");
        }

        // Torn down a second after its job started (autostop --down, a console click, a preemption): nobody was watching.
        var cluster = Fake.ReadState().FindCluster("skydeck-gone")!;
        var upFor = Math.Ceiling(cluster.Jobs.Single().StartAt!.Value) + 1 - cluster.UsageIntervals[^1].Start;
        Fake.Vanish("skydeck-gone", upFor: TimeSpan.FromSeconds(upFor));
        var went = DateTimeOffset.FromUnixTimeSeconds(Fake.ReadState().History.Single().UsageIntervals[^1].End!.Value);
        // SkyDeck closes the span when it sees the cluster gone, and corrects it only by a second or more (SkyPilot keeps
        // whole seconds): come back when that is certain, as after any real outage, or a fast restart makes it moot.
        var outage = went + TimeSpan.FromSeconds(1.5) - DateTimeOffset.UtcNow;
        if (outage > TimeSpan.Zero) await Task.Delay(outage);

        await using var deck = await StartAsync();
        ExperimentDetail? last = null;
        try
        {
            await Until(deck, "gone", d => (last = d).Summary.Ledger.ClusterSpans is [{ To: { } end }] && end == went, "the span ended where SkyPilot's record did");
        }
        catch (TimeoutException)
        {
            Assert.Fail($"SkyPilot's record ends {went:O}; SkyDeck's spans: {string.Join(", ", last!.Summary.Ledger.ClusterSpans.Select(s => $"{s.From:O}–{s.To:O}"))}; job {string.Join(",", last.Jobs.Select(j => $"{j.Phase} {j.StartedAt:O}-{j.EndedAt:O}"))}");
        }

        var detail = await deck.GetAsync("gone");
        var span = detail.Summary.Ledger.ClusterSpans[0];
        var launched = DateTimeOffset.FromUnixTimeSeconds(Fake.ReadState().History.Single().UsageIntervals[^1].Start);
        Assert.True((span.From - launched).Duration() < TimeSpan.FromSeconds(1), $"span from {span.From:O}, SkyPilot's start {launched:O}");
        var job = Assert.Single(detail.Jobs);
        Assert.Equal(JobPhase.Lost, job.Phase);
        // It ends where its cluster went; one that started within SkyPilot's last whole second (the teardown is capped at
        // the moment it is made, which may be that second) ends as it started.
        Assert.Equal(job.StartedAt > went ? job.StartedAt : went, job.EndedAt);
        Assert.Contains(Fake.ReadInvocations(), i => i.Argv.SequenceEqual(["cost-report", "--all", "-o", "json"]));
    }

    [Fact]
    public async Task GivenASkyPilotWithoutCostReport_WhenPolledManyTimes_ThenItIsAskedOnceAndSkyDeckKeepsItsOwnSpans()
    {
        Fake.SetControl(c => c.WithFault("cost-report", "missing"));
        await using var deck = await StartAsync();
        await deck.AskAsync(new CreateExperiment("plain", Spec(), DesiredState.Running, DateTimeOffset.UtcNow, "alice"));
        await Until(deck, "plain", d => d.Summary.Current == CurrentState.Running, "RUNNING");
        var poller = deck.Services.GetRequiredService<ActorRegistry>().Get<QueuePollerActor>();
        await deck.EventuallyAsync(async () => (await poller.Ask<PollerStatus>(GetPollerStatus.Instance, TimeSpan.FromSeconds(15))).Polls >= 6, "six polls");

        Assert.Equal([["cost-report", "--help"]], Fake.ReadInvocations().Where(i => i.Argv.Contains("cost-report")).Select(i => i.Argv.ToArray()));
        var spans = (await deck.GetAsync("plain")).Summary.Ledger.ClusterSpans;
        Assert.Null(Assert.Single(spans).To);
        Assert.Equal(0, (await poller.Ask<PollerStatus>(GetPollerStatus.Instance, TimeSpan.FromSeconds(15))).ConsecutiveFailures);
    }
}
