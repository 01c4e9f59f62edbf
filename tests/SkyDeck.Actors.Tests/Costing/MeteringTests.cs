using SkyDeck.Actors.Core;
using static SkyDeck.Actors.Tests.Support.Specs;

namespace SkyDeck.Actors.Tests.Costing;

/// <summary>GPU-hours = nodes × GPUs per node × SkyPilot's running time; cost when a price is known; "now" is the caller's.</summary>
public sealed class MeteringTests
{
    private static readonly PriceTable Prices = PriceTable.Default;

    private static LaunchResources Gpus(int nodes, int perNode, string accelerator = "A100", bool spot = false) =>
        new(nodes, null, null, spot, Accelerator: accelerator, GpusPerNode: perNode);

    private static JobLaunchRequested Launch(int n, LaunchResources resources, DateTimeOffset at) =>
        new(Id, Naming.Job(Id, 1, n), Naming.Cluster(Id), 1, 1, n, "lt", resources, at, Callers.System, "test");

    private static JobStatusChanged Ran(int n, SkyJobStatus status, DateTimeOffset started, DateTimeOffset? ended, DateTimeOffset at) =>
        new(Id, Naming.Job(Id, 1, n), n, status, started, ended, at, Callers.System);

    /// <summary>Job time only (the cluster's own spans are left out unless <paramref name="withCluster"/>).</summary>
    private static Usage UsageOf(ExperimentState s, DateTimeOffset now, PriceTable? prices = null, bool withCluster = false) =>
        Metering.Of(s.Jobs.Select(JobView.From), withCluster ? s.ClusterSpans : [], now, prices ?? Prices);

    [Fact]
    public void GivenTwoNodesOfFourA100ForNinetyMinutes_WhenMetered_ThenTwelveGpuHoursAtTheListPrice()
    {
        var s = Given(Created(), Launch(1, Gpus(2, 4), T0),
            Ran(1, SkyJobStatus.Succeeded, T0.AddMinutes(10), T0.AddMinutes(100), T0.AddMinutes(101)));

        var usage = UsageOf(s, T0.AddHours(5));

        Assert.Equal(12.0, usage.JobGpuHours, 6);
        Assert.Equal(12.0 * 4.10, usage.Usd, 6);
        Assert.Equal(0, usage.SpotGpuHours);
    }

    [Fact]
    public void GivenARunningJob_WhenMeteredAtTwoMoments_ThenItCountsUpToEachNowAndAccruesAtItsGpus()
    {
        var s = Given(Created(), Launch(1, Gpus(1, 4), T0), Ran(1, SkyJobStatus.Running, T0.AddMinutes(30), null, T0.AddMinutes(31)));

        Assert.Equal(2.0, UsageOf(s, T0.AddMinutes(60)).JobGpuHours, 6);
        Assert.Equal(6.0, UsageOf(s, T0.AddMinutes(120)).JobGpuHours, 6);
        Assert.Equal(4, UsageOf(s, T0.AddMinutes(120)).GpusAccruing);
    }

    [Fact]
    public void GivenTwoPreemptionsAndARestart_WhenMetered_ThenEveryAttemptCountsOnlyForItsOwnRunningTime()
    {
        var r = Gpus(1, 8);
        var s = Given(Created(),
            Launch(1, r, T0), Ran(1, SkyJobStatus.Running, T0.AddMinutes(5), null, T0.AddMinutes(6)),
            new JobLost(Id, Naming.Job(Id, 1, 1), "the cluster no longer exists", T0.AddMinutes(35), Callers.System),
            Launch(2, r, T0.AddMinutes(40)), Ran(2, SkyJobStatus.Running, T0.AddMinutes(50), null, T0.AddMinutes(51)),
            new JobLost(Id, Naming.Job(Id, 1, 2), "the cluster was stopped", T0.AddMinutes(80), Callers.System),
            Launch(3, r, T0.AddMinutes(90)), Ran(3, SkyJobStatus.Failed, T0.AddMinutes(100), T0.AddMinutes(115), T0.AddMinutes(116)));

        var usage = UsageOf(s, T0.AddHours(10));

        // 30 + 30 + 15 minutes on 8 GPUs; preempted attempts end when SkyDeck recorded them gone.
        Assert.Equal(8 * 75 / 60.0, usage.JobGpuHours, 6);
        Assert.Equal(0, usage.GpusAccruing);
    }

    [Fact]
    public void GivenAJobThatNeverStarted_WhenMetered_ThenItCostsNothing()
    {
        var s = Given(Created(), Launch(1, Gpus(4, 8), T0),
            new JobLaunchFailed(Id, Naming.Job(Id, 1, 1), SkyFailureKind.NoCapacity, "no capacity", T0.AddMinutes(3), Callers.System));

        Assert.Equal(0, UsageOf(s, T0.AddHours(1)).JobGpuHours);
    }

    [Fact]
    public void GivenSpot_WhenMetered_ThenPricedByTheSpotFactorOrTheSpotTableAndFlagged()
    {
        var s = Given(Created(), Launch(1, Gpus(1, 1, "A100", spot: true), T0),
            Ran(1, SkyJobStatus.Succeeded, T0, T0.AddHours(2), T0.AddHours(2)));

        var byFactor = UsageOf(s, T0.AddHours(3));
        var byTable = UsageOf(s, T0.AddHours(3), Prices.With([], [new("A100", 1.5)]));

        Assert.Equal(2 * 4.10 * 0.35, byFactor.Usd, 6);
        Assert.Equal(2.0, byFactor.SpotGpuHours, 6);
        Assert.Equal(3.0, byTable.Usd, 6);
    }

    [Fact]
    public void GivenAnAcceleratorWithoutAPrice_WhenMetered_ThenGpuHoursCountAndTheCostIsUnknown()
    {
        var s = Given(Created(), Launch(1, Gpus(1, 2, "TPU-v5"), T0), Ran(1, SkyJobStatus.Succeeded, T0, T0.AddHours(1), T0.AddHours(1)));

        var usage = UsageOf(s, T0.AddHours(2));

        Assert.Equal(2.0, usage.GpuHours, 6);
        Assert.Null(usage.KnownUsd);
    }

    [Fact]
    public void GivenClusterUpBeforeAndAfterTheJob_WhenMetered_ThenProvisioningAndIdleAreOverheadBesideJobTime()
    {
        var s = Given(Created(), Launch(1, Gpus(1, 4), T0),
            new JobLaunched(Id, Naming.Job(Id, 1, 1), 1, false, T0.AddMinutes(10), Callers.System),
            Ran(1, SkyJobStatus.Succeeded, T0.AddMinutes(15), T0.AddMinutes(45), T0.AddMinutes(46)),
            new ClusterStatusChanged(Id, Naming.Cluster(Id), SkyClusterStatus.Stopped, T0.AddMinutes(60), Callers.System));

        var usage = UsageOf(s, T0.AddHours(3), withCluster: true);

        Assert.Equal(2.0, usage.JobGpuHours, 6);
        Assert.Equal(4 * 30 / 60.0, usage.OverheadGpuHours, 6);
        Assert.Equal(4.0, usage.GpuHours, 6);
        Assert.Equal(0, usage.GpusAccruing);
        var span = Assert.Single(s.ClusterSpans);
        Assert.Equal((T0, T0.AddMinutes(60), "alice"), (span.From, span.To, span.Who));
    }

    [Fact]
    public void GivenAClusterStillUpAfterTheJob_WhenMetered_ThenIdleTimeKeepsAccruing()
    {
        var s = Given(Created(), Launch(1, Gpus(1, 4), T0),
            Ran(1, SkyJobStatus.Succeeded, T0.AddMinutes(15), T0.AddMinutes(45), T0.AddMinutes(46)));

        var usage = UsageOf(s, T0.AddMinutes(90), withCluster: true);

        Assert.Equal(2.0, usage.JobGpuHours, 6);
        Assert.Equal(4.0, usage.OverheadGpuHours, 6);
        Assert.Equal(4, usage.GpusAccruing);
    }

    [Fact]
    public void GivenAJobAcrossMidnight_WhenSliced_ThenEachUtcDayGetsItsHoursAndTheUserWhoStartedTheRun()
    {
        var evening = new DateTimeOffset(2026, 11, 28, 23, 0, 0, TimeSpan.Zero);
        var s = Given(Created(), Launch(1, Gpus(1, 1), evening), Ran(1, SkyJobStatus.Succeeded, evening, evening.AddHours(3), evening.AddHours(3)));

        var slices = Metering.Slices([.. s.Jobs.Select(JobView.From)], [], evening.AddDays(1), Prices).ToList();

        Assert.Equal([(new DateOnly(2026, 11, 28), 1.0), (new DateOnly(2026, 11, 29), 2.0)], slices.Select(x => (x.Day, Math.Round(x.GpuHours, 6))));
        Assert.All(slices, x => Assert.Equal("alice", x.Who));
    }

    [Fact]
    public void GivenAWindow_WhenSliced_ThenOnlyTimeInsideItCounts()
    {
        var s = Given(Created(), Launch(1, Gpus(1, 2), T0), Ran(1, SkyJobStatus.Succeeded, T0, T0.AddHours(4), T0.AddHours(4)));

        var slices = Metering.Slices([.. s.Jobs.Select(JobView.From)], [], T0.AddDays(1), Prices, T0.AddHours(1), T0.AddHours(2));

        Assert.Equal(2.0, Usage.Sum(slices).GpuHours, 6);
    }
}
