using System.Collections.Immutable;
using SkyDeck.Actors.Core;
using static SkyDeck.Actors.Core.ExperimentCommands;
using static SkyDeck.Actors.Tests.Support.Specs;

namespace SkyDeck.Actors.Tests.Costing;

/// <summary>SkyPilot's own record of when the cluster was up (<c>sky cost-report</c>) corrects SkyDeck's cluster spans, and nothing else.</summary>
public sealed class ClusterLifetimeTests
{
    private static readonly PriceTable Prices = PriceTable.Default;

    private static LaunchResources FourA100 => new(1, null, null, false, Accelerator: "A100", GpusPerNode: 4);

    private static JobLaunchRequested Launch(int n, DateTimeOffset at) =>
        new(Id, Naming.Job(Id, 1, n), Naming.Cluster(Id), 1, 1, n, "lt", FourA100, at, Callers.System, "test");

    private static JobStatusChanged Ran(int n, SkyJobStatus status, DateTimeOffset started, DateTimeOffset? ended, DateTimeOffset at) =>
        new(Id, Naming.Job(Id, 1, n), n, status, started, ended, at, Callers.System);

    private static ClusterStatusChanged Cluster(SkyClusterStatus? status, DateTimeOffset at) => new(Id, Naming.Cluster(Id), status, at, Callers.System);

    private static Decision Record(ExperimentState s, DateTimeOffset at, params UsageInterval[] intervals) =>
        ExperimentDecider.Decide(s, new RecordClusterLifetime(Id, [.. intervals], at));

    private static Usage UsageOf(ExperimentState s, DateTimeOffset now) => Metering.Of(s.Jobs.Select(JobView.From), s.ClusterSpans, now, Prices);

    /// <summary>
    /// Launched at T0 (SkyPilot's interval starts 20 s later), the job ran 00:10–01:00, autostop --down took the cluster
    /// at 01:30 while SkyDeck was down, and SkyDeck noticed at 05:00.
    /// </summary>
    private static ExperimentState TornDownBehindSkyDecksBack() => Given(Created(),
        Launch(1, T0),
        Cluster(SkyClusterStatus.Up, T0.AddMinutes(5)),
        Ran(1, SkyJobStatus.Succeeded, T0.AddMinutes(10), T0.AddHours(1), T0.AddHours(1)),
        Cluster(null, T0.AddHours(5)));

    [Fact]
    public void GivenAClusterTornDownWhileSkyDeckWasDown_WhenCostReportShowsItsEnd_ThenTheSpanEndsThereAndOverheadIsSkyPilotsIdleTime()
    {
        var s = TornDownBehindSkyDecksBack();
        Assert.Equal(4 * (300 - 50) / 60.0, UsageOf(s, T0.AddHours(6)).OverheadGpuHours, 6);

        var decision = Record(s, T0.AddHours(5).AddSeconds(30), new UsageInterval(T0.AddSeconds(20), T0.AddMinutes(90)));

        var corrected = Assert.IsType<ClusterSpanCorrected>(Assert.Single(decision.Events));
        Assert.Equal(0, corrected.Span);
        Assert.Equal(T0.AddSeconds(20), corrected.From);
        Assert.Equal(T0.AddMinutes(90), corrected.To);
        var after = s.Fold(decision.Events);
        Assert.Equal(new ClusterSpan(T0.AddSeconds(20), T0.AddMinutes(90), FourA100, "alice"), Assert.Single(after.ClusterSpans));
        // 90 min of cluster minus 50 min of job (from SkyPilot's 20 s on): 39 min 40 s of overhead on 4 GPUs.
        var usage = UsageOf(after, T0.AddHours(6));
        Assert.Equal(4 * (90 - 50 - 20 / 60.0) / 60.0, usage.OverheadGpuHours, 6);
        Assert.Equal(4 * 50 / 60.0, usage.JobGpuHours, 6);
    }

    [Fact]
    public void GivenTheSameRecordReadAgain_WhenDecided_ThenNoEvent()
    {
        var s = TornDownBehindSkyDecksBack();
        var interval = new UsageInterval(T0.AddSeconds(20), T0.AddMinutes(90));
        var after = s.Fold(Record(s, T0.AddHours(5), interval).Events);

        Assert.Same(Decision.NoOp, Record(after, T0.AddHours(6), interval));
    }

    [Fact]
    public void GivenSpansThatAgreeWithSkyPilotToTheSecond_WhenDecided_ThenNoEvent()
    {
        var s = TornDownBehindSkyDecksBack();

        Assert.Same(Decision.NoOp, Record(s, T0.AddHours(6), new UsageInterval(T0.AddMilliseconds(400), T0.AddHours(5).AddMilliseconds(-300))));
        Assert.Same(Decision.NoOp, Record(s, T0.AddHours(6)));
        // Another cluster's time (before this span began) is not this span's.
        Assert.Same(Decision.NoOp, Record(s, T0.AddHours(6), new UsageInterval(T0.AddDays(-2), T0.AddDays(-1))));
    }

    [Fact]
    public void GivenAnOpenSpanAndATerminatedRecord_WhenDecided_ThenOnlyItsStartIsCorrectedAndItStaysOpen()
    {
        var s = Given(Created(), Launch(1, T0), Cluster(SkyClusterStatus.Up, T0.AddMinutes(5)));

        var decision = Record(s, T0.AddHours(2), new UsageInterval(T0.AddSeconds(20), T0.AddMinutes(90)));

        var corrected = Assert.IsType<ClusterSpanCorrected>(Assert.Single(decision.Events));
        Assert.Null(corrected.To);
        var after = s.Fold(decision.Events);
        Assert.Equal(new ClusterSpan(T0.AddSeconds(20), null, FourA100, "alice"), Assert.Single(after.ClusterSpans));
        // The next poll closes it as usual; the next read then ends it where SkyPilot did.
        var closed = after.Fold([Cluster(null, T0.AddHours(2).AddMinutes(1))]);
        var end = Assert.IsType<ClusterSpanCorrected>(Assert.Single(Record(closed, T0.AddHours(3), new UsageInterval(T0.AddSeconds(20), T0.AddMinutes(90))).Events));
        Assert.Equal(T0.AddMinutes(90), end.To);
    }

    [Fact]
    public void GivenAClusterGoneWithinTheSecondItCameUp_WhenSkyPilotsTruncatedRecordIsRead_ThenItIsStillThisSpans()
    {
        var at = T0.AddMilliseconds(300);
        var s = Given(Created(), Launch(1, at), Cluster(null, T0.AddHours(1)));

        var corrected = Assert.IsType<ClusterSpanCorrected>(Assert.Single(Record(s, T0.AddHours(1), new UsageInterval(T0, T0)).Events));

        Assert.Equal((T0, (DateTimeOffset?)T0), (corrected.From, corrected.To));
    }

    [Fact]
    public void GivenAnOpenSpan_WhenAnEventFollowsTheCorrection_ThenNoSecondSpanOpens()
    {
        var s = Given(Created(), Launch(1, T0), Cluster(SkyClusterStatus.Up, T0.AddMinutes(5)));
        var after = s.Fold(Record(s, T0.AddHours(1), new UsageInterval(T0.AddSeconds(20), null)).Events)
            .Fold([Ran(1, SkyJobStatus.Running, T0.AddMinutes(10), null, T0.AddHours(1).AddMinutes(1))]);

        Assert.Single(after.ClusterSpans);
        Assert.Null(after.ClusterSpans[0].To);
    }

    [Fact]
    public void GivenTwoSpansAndTwoIncarnations_WhenDecided_ThenEachSpanIsMatchedToItsOwnInterval()
    {
        var s = Given(Created(),
            Launch(1, T0), Cluster(SkyClusterStatus.Up, T0.AddMinutes(5)), Cluster(null, T0.AddHours(3)),
            Launch(2, T0.AddHours(4)), Cluster(SkyClusterStatus.Up, T0.AddHours(4).AddMinutes(5)), Cluster(SkyClusterStatus.Stopped, T0.AddHours(8)));

        var decision = Record(s, T0.AddHours(9),
            new UsageInterval(T0.AddSeconds(30), T0.AddHours(2)),
            new UsageInterval(T0.AddHours(4).AddSeconds(40), T0.AddHours(7)));

        Assert.Equal(
            [(0, T0.AddSeconds(30), (DateTimeOffset?)T0.AddHours(2)), (1, T0.AddHours(4).AddSeconds(40), T0.AddHours(7))],
            decision.Events.Cast<ClusterSpanCorrected>().Select(e => (e.Span, e.From, e.To)));
    }

    [Fact]
    public void GivenAJobLostWithItsCluster_WhenTheSpanIsEndedEarlier_ThenTheJobEndsThereTooAndJobPlusOverheadIsTheClusterTime()
    {
        var s = Given(Created(),
            Launch(1, T0),
            Cluster(SkyClusterStatus.Up, T0.AddMinutes(5)),
            Ran(1, SkyJobStatus.Running, T0.AddMinutes(10), null, T0.AddMinutes(11)),
            Cluster(null, T0.AddHours(5)),
            new JobLost(Id, Naming.Job(Id, 1, 1), "the cluster no longer exists", T0.AddHours(5), Callers.System, LossCause.ClusterGone));

        var after = s.Fold(Record(s, T0.AddHours(5), new UsageInterval(T0, T0.AddMinutes(90))).Events);

        Assert.Equal(T0.AddMinutes(90), after.Jobs[0].EndedAt);
        var usage = UsageOf(after, T0.AddHours(6));
        Assert.Equal(4 * 80 / 60.0, usage.JobGpuHours, 6);
        Assert.Equal(4 * 10 / 60.0, usage.OverheadGpuHours, 6);
    }

    [Fact]
    public void GivenACostReportRead_WhenFannedOut_ThenOnlyExperimentsWhoseSpansItCorrectsHearOfIt()
    {
        var s = TornDownBehindSkyDecksBack();
        var summary = ExperimentSummary.From(s, null, ReconcileSettings.Default);
        var report = new CostReport(
        [
            new ClusterLifetime(Naming.Cluster(Id), T0, TimeSpan.FromMinutes(90), null, true, "TERMINATED", [new UsageInterval(T0.AddSeconds(20), T0.AddMinutes(90))]),
            new ClusterLifetime(Naming.Cluster("other"), T0, TimeSpan.FromMinutes(90), null, true, "TERMINATED", [new UsageInterval(T0, T0.AddMinutes(90))]),
            new ClusterLifetime("someone-elses", T0, null, SkyClusterStatus.Up, false, "UP", [new UsageInterval(T0, null)]),
        ]);

        var deliveries = PollFanOut.LifetimeDeliveries(new CostReportRead(T0.AddHours(6), report), id => id == Id ? summary : null).ToList();

        var (experiment, intervals) = Assert.Single(deliveries);
        Assert.Equal(Id, experiment);
        Assert.Equal([new UsageInterval(T0.AddSeconds(20), T0.AddMinutes(90))], intervals.AsEnumerable());
        var corrected = ExperimentSummary.From(s.Fold(Record(s, T0.AddHours(6), [.. intervals]).Events), null, ReconcileSettings.Default);
        Assert.Empty(PollFanOut.LifetimeDeliveries(new CostReportRead(T0.AddHours(7), report), id => id == Id ? corrected : null));
    }

    [Fact]
    public void GivenACorrectionForASpanThatIsNotThere_WhenEvolved_ThenNothingChanges()
    {
        var s = TornDownBehindSkyDecksBack();

        var after = ExperimentState.Evolve(s, new ClusterSpanCorrected(Id, 5, T0, T0.AddHours(1), T0.AddHours(6), Callers.System, "stale"));

        Assert.Equal(s.ClusterSpans, after.ClusterSpans);
    }

    [Fact]
    public void GivenAnExperimentThatDoesNotExist_WhenALifetimeIsRecorded_ThenNotFound()
    {
        Assert.Same(Decision.NotFound, ExperimentDecider.Decide(ExperimentState.Empty(Id), new RecordClusterLifetime(Id, ImmutableArray<UsageInterval>.Empty, T0)));
    }
}
