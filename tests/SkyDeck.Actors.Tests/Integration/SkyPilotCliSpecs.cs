using System.Diagnostics;
using Microsoft.Extensions.Logging.Abstractions;
using SkyDeck.Actors.Core;
using SkyDeck.Actors.Experiments;
using SkyDeck.Actors.SkyPilot;
using SkyDeck.FakeSky;
using static SkyDeck.Actors.Tests.Support.Specs;

namespace SkyDeck.Actors.Tests.Integration;

/// <summary>The real gateway (CliWrap, argv, parsers) against the project's fake <c>sky</c> executable.</summary>
public sealed class SkyPilotCliSpecs : IDisposable
{
    private readonly FakeSkyHome _fake = FakeSkyHome.CreateTemporary();

    public void Dispose() => Directory.Delete(_fake.Directory, recursive: true);

    private SkyPilotCli Cli(Func<SkyPilotOptions, SkyPilotOptions>? configure = null)
    {
        var options = new SkyPilotOptions { Executable = FakeSkyHome.ExecutablePath, Environment = _fake.Environment, QueryTimeout = TimeSpan.FromSeconds(20) };
        return new SkyPilotCli(configure?.Invoke(options) ?? options, NullLogger<SkyPilotCli>.Instance, TimeProvider.System);
    }

    private static SkyCommand.Launch Launch(string id, string command = "lt run=x") =>
        new(Naming.Job(id, 1, 1), Naming.Cluster(id), command, new LaunchResources(1, "A100:4", "aws/us-east-1", false));

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task GivenALaunchedJob_WhenQueriedInJsonOrTableMode_ThenTheJobIsSeenAdvancing(bool json)
    {
        _fake.SetControl(c => c with { JsonOutput = json });
        using var cli = Cli();

        var launched = await cli.ExecuteAsync(Launch("exp1"), CancellationToken.None);
        var status = await cli.StatusAsync(CancellationToken.None);
        var queue = await cli.QueueAsync(["skydeck-exp1"], CancellationToken.None);

        Assert.True(launched.Succeeded, launched.Reason);
        Assert.Equal(1, launched.SkyJobId);
        var cluster = Assert.Single(status.Report!.Clusters);
        Assert.Equal(("skydeck-exp1", SkyClusterStatus.Up), (cluster.Name, cluster.Status));
        var job = Assert.Single(queue.Report!.Jobs["skydeck-exp1"]);
        Assert.Equal(("skydeck-exp1-g1-1", SkyJobStatus.Running), (job.Name, job.Status));
        var argv = _fake.ReadInvocations().Select(i => i.Argv).ToList();
        Assert.Equal(json, argv.Any(a => a.Contains("-o")));
        Assert.Contains(argv, a => a.SequenceEqual(["launch", "-y", "-d", "-c", "skydeck-exp1", "-n", "skydeck-exp1-g1-1", "--num-nodes", "1", "--gpus", "A100:4", "--infra", "aws/us-east-1", "--", "lt run=x"]));
    }

    [Theory]
    [InlineData("0.13.0")]
    [InlineData("0.12.0")]
    public async Task GivenALiveAndATornDownCluster_WhenTheCostReportIsRead_ThenBothAreListedWithIntervalsOnlyFromJson(string version)
    {
        _fake.SetControl(c => c with { Version = version });
        using var cli = Cli();
        Assert.True((await cli.ExecuteAsync(Launch("gone"), CancellationToken.None)).Succeeded);
        Assert.True((await cli.ExecuteAsync(Launch("kept"), CancellationToken.None)).Succeeded);
        Assert.True((await cli.ExecuteAsync(new SkyCommand.Down("skydeck-gone"), CancellationToken.None)).Succeeded);

        var report = (await cli.CostReportAsync(CancellationToken.None)).Report!;

        var json = version == "0.13.0";
        Assert.Equal(["skydeck-gone", "skydeck-kept"], report.Clusters.Select(c => c.Name).Order());
        var gone = report.Clusters.Single(c => c.Name == "skydeck-gone");
        Assert.True(gone.Terminated);
        Assert.Equal((SkyClusterStatus?)SkyClusterStatus.Up, report.Clusters.Single(c => c.Name == "skydeck-kept").Status);
        Assert.Equal(json ? 1 : 0, gone.Intervals.Length);
        if (json) Assert.NotNull(gone.Intervals[0].To);
        var argv = _fake.ReadInvocations().Select(i => i.Argv).Where(a => a[0] == "cost-report").ToList();
        Assert.Equal(json ? ["cost-report", "--all", "-o", "json"] : ["cost-report", "--all"], argv[^1]);
    }

    [Fact]
    public async Task GivenASkyWithoutCostReport_WhenAskedTwice_ThenUnsupportedAndOnlyItsHelpWasEverRun()
    {
        _fake.SetControl(c => c.WithFault("cost-report", "missing"));
        using var cli = Cli();

        var first = await cli.CostReportAsync(CancellationToken.None);
        var second = await cli.CostReportAsync(CancellationToken.None);

        Assert.False(first.Report!.Supported);
        Assert.False(second.Report!.Supported);
        Assert.Equal([["cost-report", "--help"]], _fake.ReadInvocations().Select(i => i.Argv.ToArray()));
    }

    [Fact]
    public async Task GivenAFailingCostReport_WhenRead_ThenATypedFailureAndTheNextReadAsksAgain()
    {
        _fake.SetControl(c => c.WithFault("cost-report", "exit:1"));
        using var cli = Cli();

        var failed = await cli.CostReportAsync(CancellationToken.None);
        _fake.SetControl(c => c.WithoutFaults());
        var read = await cli.CostReportAsync(CancellationToken.None);

        Assert.NotNull(failed.Failure);
        Assert.True(read.Report!.Supported);
    }

    [Fact]
    public async Task GivenAutostop_WhenLaunched_ThenSkyGetsIdleMinutesAndDownAndTheClusterEnforcesThem()
    {
        using var cli = Cli();
        var launch = Launch("exp1") with { Resources = new LaunchResources(1, null, null, false, AutostopMinutes: 15, AutostopDown: true) };

        var outcome = await cli.ExecuteAsync(launch, CancellationToken.None);

        Assert.True(outcome.Succeeded, outcome.Reason);
        Assert.Equal(["-i", "15", "--down"], Assert.Single(_fake.ReadLaunches()).Argv.SkipWhile(a => a != "-i").TakeWhile(a => a != "--"));
        Assert.Equal((15, true), (_fake.ReadState().Clusters.Single().Autostop, _fake.ReadState().Clusters.Single().ToDown));
    }

    [Theory]
    [InlineData("0.9.3", new[] { "--cloud", "gcp", "--region", "us-central1" })]
    [InlineData("0.10.4", new[] { "--infra", "gcp/us-central1" })]
    public async Task GivenASkyPilotVersion_WhenLaunchingOnACloud_ThenTheLocationIsSpelledTheWayThatVersionKnows(string version, string[] expected)
    {
        _fake.SetControl(c => c with { Version = version, JsonOutput = false });
        using var cli = Cli();
        var launch = Launch("exp1") with { Resources = new LaunchResources(1, null, null, false, Cloud: "gcp", Region: "us-central1") };

        var outcome = await cli.ExecuteAsync(launch, CancellationToken.None);

        Assert.True(outcome.Succeeded, outcome.Reason);
        var argv = Assert.Single(_fake.ReadLaunches()).Argv;
        Assert.Equal(expected, argv.SkipWhile(a => a != expected[0]).Take(expected.Length));
        Assert.Equal(("GCP", "us-central1"), (_fake.ReadState().Clusters.Single().Cloud, _fake.ReadState().Clusters.Single().Region));
    }

    [Fact]
    public async Task GivenACancelOnAClusterThatNoLongerExists_WhenRun_ThenClusterNotFoundNotInvalidRequest()
    {
        using var cli = Cli();

        var outcome = await cli.ExecuteAsync(new SkyCommand.Cancel("skydeck-exp1-g1-1", "skydeck-exp1", 1), CancellationToken.None);

        Assert.Equal(SkyFailureKind.ClusterNotFound, outcome.FailureKind);
    }

    [Fact]
    public async Task GivenAKubernetesCluster_WhenStopped_ThenStopUnsupportedAndADownReleasesIt()
    {
        using var cli = Cli();
        await cli.ExecuteAsync(Launch("exp1") with { Resources = new LaunchResources(1, null, null, false, Cloud: "k8s") }, CancellationToken.None);

        var stop = await cli.ExecuteAsync(new SkyCommand.Stop("skydeck-exp1"), CancellationToken.None);
        var down = await cli.ExecuteAsync(new SkyCommand.Down("skydeck-exp1"), CancellationToken.None);

        Assert.Equal(SkyFailureKind.StopUnsupported, stop.FailureKind);
        Assert.Equal("Stopping is currently not supported for Kubernetes.", stop.Reason);
        Assert.True(down.Succeeded);
        Assert.Empty(_fake.ReadState().Clusters);
    }

    [Fact]
    public async Task GivenAClusterLaunchedWithFourGpus_WhenRelaunchedWithEight_ThenResourcesMismatch()
    {
        using var cli = Cli();
        await cli.ExecuteAsync(Launch("exp1"), CancellationToken.None);

        var again = await cli.ExecuteAsync(Launch("exp1") with { Resources = new LaunchResources(1, "A100:8", "aws/us-east-1", false) }, CancellationToken.None);

        Assert.Equal(SkyFailureKind.ResourcesMismatch, again.FailureKind);
    }

    [Fact]
    public async Task GivenAFlagWithShellMetacharacters_WhenLaunched_ThenTheRemoteShellSeesOneLiteralArgument()
    {
        var spec = Spec() with { Flags = Spec().Flags.Add("note", FlagValue.Of("a b; rm -rf ~ $(whoami) `id` 'q' \"d\"\nnext")) };
        using var cli = Cli();

        await cli.ExecuteAsync(Launch("exp1", RemoteCommand.Build(spec)), CancellationToken.None);

        var command = Assert.Single(_fake.ReadLaunches()).Command;
        Assert.Equal(RemoteCommand.Build(spec), command);
        var shell = Process.Start(new ProcessStartInfo("/bin/sh", ["-c", "printf '%s\\0' " + command]) { RedirectStandardOutput = true })!;
        var words = (await shell.StandardOutput.ReadToEndAsync()).TrimEnd('\0').Split('\0');
        await shell.WaitForExitAsync();
        Assert.Equal(RemoteCommand.Tokens(spec), words);
        Assert.Contains("note=a b; rm -rf ~ $(whoami) `id` 'q' \"d\"\nnext", words);
    }

    [Fact]
    public async Task GivenRunningJob_WhenCancelledStoppedAndDowned_ThenSkyPilotAgrees()
    {
        using var cli = Cli();
        await cli.ExecuteAsync(Launch("exp1"), CancellationToken.None);

        Assert.True((await cli.ExecuteAsync(new SkyCommand.Cancel("skydeck-exp1-g1-1", "skydeck-exp1", 1), CancellationToken.None)).Succeeded);
        var cancelled = await cli.QueueAsync(["skydeck-exp1"], CancellationToken.None);
        Assert.Equal(SkyJobStatus.Cancelled, cancelled.Report!.Jobs["skydeck-exp1"].Single().Status);

        Assert.True((await cli.ExecuteAsync(new SkyCommand.Stop("skydeck-exp1"), CancellationToken.None)).Succeeded);
        Assert.Equal(SkyClusterStatus.Stopped, (await cli.StatusAsync(CancellationToken.None)).Report!.Clusters.Single().Status);

        Assert.True((await cli.ExecuteAsync(new SkyCommand.Down("skydeck-exp1"), CancellationToken.None)).Succeeded);
        Assert.Empty((await cli.StatusAsync(CancellationToken.None)).Report!.Clusters);
        Assert.True((await cli.ExecuteAsync(new SkyCommand.Down("skydeck-exp1"), CancellationToken.None)).Succeeded);
    }

    [Theory]
    [InlineData("launch", "capacity", SkyFailureKind.NoCapacity)]
    [InlineData("launch", "invalid", SkyFailureKind.InvalidRequest)]
    [InlineData("launch", "exit:1", SkyFailureKind.Unknown)]
    [InlineData("launch", "hang", SkyFailureKind.Timeout)]
    public async Task GivenAFaultyLaunch_WhenRun_ThenATypedFailureNotACrash(string command, string fault, SkyFailureKind kind)
    {
        _fake.SetControl(c => c.WithFault(command, fault));
        using var cli = Cli(o => o with { LaunchTimeout = TimeSpan.FromSeconds(fault == "hang" ? 3 : 60) });

        var outcome = await cli.ExecuteAsync(Launch("exp1"), CancellationToken.None);

        Assert.False(outcome.Succeeded);
        Assert.Equal(kind, outcome.FailureKind);
        Assert.False(string.IsNullOrWhiteSpace(outcome.Reason));
    }

    [Theory]
    [InlineData("garbage")]
    [InlineData("truncated")]
    [InlineData("exit:1")]
    [InlineData("hang")]
    public async Task GivenAFaultyStatus_WhenPolled_ThenAFailureAndNoReport(string fault)
    {
        using var cli = Cli(o => o with { QueryTimeout = TimeSpan.FromSeconds(fault == "hang" ? 3 : 60) });
        await cli.ExecuteAsync(Launch("exp1"), CancellationToken.None);
        _fake.SetControl(c => c.WithFault("status", fault));

        var status = await cli.StatusAsync(CancellationToken.None);

        Assert.Null(status.Report);
        Assert.NotNull(status.Failure);
    }

    [Fact]
    public async Task GivenQueueFailedWithExitZero_WhenQueried_ThenTheClusterIsUnknownNotEmpty()
    {
        using var cli = Cli();
        await cli.ExecuteAsync(Launch("exp1"), CancellationToken.None);
        _fake.SetControl(c => c.WithFault("queue", "queue_failed"));

        var queue = await cli.QueueAsync(["skydeck-exp1"], CancellationToken.None);

        Assert.False(queue.Report!.Jobs.ContainsKey("skydeck-exp1"));
        Assert.Contains("ClusterNotUpError", queue.Report.Failed["skydeck-exp1"]);
    }

    [Theory]
    [InlineData(10)]
    [InlineData(0)]
    public async Task GivenAPollNiceness_WhenPollsAndActionsRun_ThenOnlyThePollsProcessesRunAtIt(int niceness)
    {
        if (!OperatingSystem.IsLinux()) return;
        using var cli = Cli(o => o with { PollNiceness = niceness });

        Assert.True((await cli.ExecuteAsync(Launch("exp1"), CancellationToken.None)).Succeeded);
        Assert.NotNull((await cli.StatusAsync(CancellationToken.None)).Report);
        Assert.NotNull((await cli.QueueAsync(["skydeck-exp1"], CancellationToken.None)).Report);
        Assert.NotNull((await cli.CostReportAsync(CancellationToken.None)).Report);
        Assert.True((await cli.ExecuteAsync(new SkyCommand.Cancel("skydeck-exp1-g1-1", "skydeck-exp1", 1), CancellationToken.None)).Succeeded);
        Assert.NotNull((await cli.LogsAsync("skydeck-exp1", 1, 10, CancellationToken.None)).Report);

        // nice adds to the niceness SkyDeck itself runs at (0 unless the test runner was started under nice).
        var stat = await File.ReadAllTextAsync("/proc/self/stat");
        var own = int.Parse(stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[16], System.Globalization.CultureInfo.InvariantCulture);
        var byVerb = _fake.ReadInvocations().ToLookup(i => i.Argv[0], i => i.Nice);
        foreach (var verb in new[] { "status", "queue", "cost-report" })
            Assert.All(byVerb[verb], nice => Assert.Equal(Math.Min(19, own + niceness), nice));
        foreach (var verb in new[] { "launch", "cancel", "logs" })
            Assert.All(byVerb[verb], nice => Assert.Equal(own, nice));
        Assert.All(new[] { "launch", "status", "queue", "cost-report", "cancel", "logs" }, verb => Assert.NotEmpty(byVerb[verb]));
    }

    [Fact]
    public async Task GivenNoSkyExecutable_WhenCalled_ThenCliUnavailableNamingTheFix()
    {
        using var cli = Cli(o => o with { Executable = "/nonexistent/sky" });

        var outcome = await cli.ExecuteAsync(Launch("exp1"), CancellationToken.None);
        var status = await cli.StatusAsync(CancellationToken.None);

        Assert.Equal(SkyFailureKind.CliUnavailable, outcome.FailureKind);
        Assert.Equal("sky not found at /nonexistent/sky: install SkyPilot or set SKYDECK_SKY_PATH", outcome.Reason);
        Assert.Equal(SkyFailureKind.CliUnavailable, status.Failure!.Kind);
        Assert.Equal(outcome.Reason, status.Failure.Reason);
    }

    [Fact]
    public async Task GivenASkyThatIsNotExecutable_WhenCalled_ThenTheReasonSaysSoNotDotNetsWin32Text()
    {
        if (OperatingSystem.IsWindows()) return;
        var script = Path.Combine(Path.GetTempPath(), $"sky-not-executable-{Guid.NewGuid():N}");
        await File.WriteAllTextAsync(script, "#!/bin/sh\nexit 0\n");
        File.SetUnixFileMode(script, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        try
        {
            using var cli = Cli(o => o with { Executable = script });

            var outcome = await cli.ExecuteAsync(Launch("exp1"), CancellationToken.None);

            Assert.Equal(SkyFailureKind.CliUnavailable, outcome.FailureKind);
            Assert.Equal($"sky at {script} is not executable: make it executable (chmod +x) or set SKYDECK_SKY_PATH", outcome.Reason);
        }
        finally
        {
            File.Delete(script);
        }
    }

    [Fact]
    public async Task GivenNoSkyOnPath_WhenCalled_ThenTheReasonNamesTheMissingCommandNotDotNetsWin32Text()
    {
        using var cli = Cli(o => o with { Executable = "sky-that-is-not-installed-anywhere" });

        var outcome = await cli.ExecuteAsync(Launch("exp1"), CancellationToken.None);

        Assert.Equal("sky not found at sky-that-is-not-installed-anywhere: install SkyPilot or set SKYDECK_SKY_PATH", outcome.Reason);
        Assert.DoesNotContain("credentials", outcome.Reason);
    }

    [Fact]
    public async Task GivenEightSlowLaunchesAndACapOfTwo_WhenRunTogether_ThenNeverMoreThanTwoSkyProcesses()
    {
        _fake.SetControl(c => c.WithDelay("launch", 300));
        using var cli = Cli(o => o with { MaxConcurrentProcesses = 2 });

        var outcomes = await Task.WhenAll(Enumerable.Range(1, 8).Select(i => cli.ExecuteAsync(Launch($"exp{i}"), CancellationToken.None)));

        Assert.All(outcomes, o => Assert.True(o.Succeeded, o.Reason));
        Assert.Equal(2, cli.PeakConcurrentProcesses);
        Assert.Equal(8, _fake.ReadLaunches().Select(l => l.Cluster).Distinct().Count());
    }

    [Fact]
    public async Task GivenACapOfOne_WhenTheOnlySlotIsTaken_ThenNoOtherSlotIsFreeAndALaunchWithTheGrantedSlotStartsAtOnce()
    {
        _fake.SetControl(c => c.WithDelay("launch", 1500));
        using var cli = Cli(o => o with { MaxConcurrentProcesses = 1 });

        var running = cli.ExecuteAsync(Launch("exp1"), CancellationToken.None);
        while (LaunchesStarted() == 0) await Task.Delay(20);
        Assert.Null(cli.TryTakeSlot());
        var waiting = cli.TakeSlotAsync(CancellationToken.None);
        Assert.False(waiting.IsCompleted);

        await running;
        var slot = await waiting;
        Assert.Null(cli.TryTakeSlot());
        Assert.True((await cli.ExecuteAsync(Launch("exp2"), CancellationToken.None, slot)).Succeeded);

        Assert.Equal(1, cli.PeakConcurrentProcesses);
        using var free = cli.TryTakeSlot();
        Assert.NotNull(free);
    }

    // Regression (crash soak): two launches naming a cloud each held one of the two slots and each waited for a third
    // to run `sky launch --help`, so nothing ran again — not even the poller's `sky status`.
    [Fact]
    public async Task GivenEverySlotHeldByLaunchesThatNeedTheVersionProbe_WhenTheyRun_ThenTheProbeRunsInTheirSlotAndNothingDeadlocks()
    {
        using var cli = Cli(o => o with { MaxConcurrentProcesses = 2 });
        var slots = new[] { cli.TryTakeSlot()!, cli.TryTakeSlot()! };
        Assert.Null(cli.TryTakeSlot());
        LaunchResources OnCloud(string region) => new(1, null, null, false, Cloud: "aws", Region: region);

        var launches = new[]
        {
            cli.ExecuteAsync(Launch("exp1") with { Resources = OnCloud("us-east-1") }, CancellationToken.None, slots[0]),
            cli.ExecuteAsync(Launch("exp2") with { Resources = OnCloud("us-west-2") }, CancellationToken.None, slots[1]),
        };

        var outcomes = await Task.WhenAll(launches).WaitAsync(TimeSpan.FromSeconds(60));
        Assert.All(outcomes, o => Assert.True(o.Succeeded, o.Reason));
        Assert.True(cli.PeakConcurrentProcesses <= 2, $"peak {cli.PeakConcurrentProcesses}");
        using var free = cli.TryTakeSlot();
        Assert.NotNull(free);
    }

    [Fact]
    public async Task GivenAGrantedSlot_WhenItsHolderGivesItUp_ThenItIsFreeAgainAndNoProcessStarted()
    {
        using var cli = Cli(o => o with { MaxConcurrentProcesses = 1 });

        var slot = await cli.TakeSlotAsync(CancellationToken.None);
        Assert.Null(cli.TryTakeSlot());
        slot.Dispose();
        slot.Dispose();

        using var again = cli.TryTakeSlot();
        Assert.NotNull(again);
        Assert.Null(cli.TryTakeSlot());
        Assert.Equal(0, LaunchesStarted());
    }

    [Fact]
    public async Task GivenASlotGrantedButNeverUsed_WhenTheGatewayIsDisposedFirst_ThenItsLaterReleaseIsHarmless()
    {
        var cli = Cli(o => o with { MaxConcurrentProcesses = 1 });
        var slot = await cli.TakeSlotAsync(CancellationToken.None);

        cli.Dispose();
        slot.Dispose();
    }

    [Fact]
    public async Task GivenAWaitForASlot_WhenCancelled_ThenNoSlotIsTaken()
    {
        using var cli = Cli(o => o with { MaxConcurrentProcesses = 1 });
        using var held = cli.TryTakeSlot();
        using var cancel = new CancellationTokenSource();

        var waiting = cli.TakeSlotAsync(cancel.Token);
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);
        held!.Dispose();
        using var free = cli.TryTakeSlot();
        Assert.NotNull(free);
    }

    /// <summary>The fake logs an invocation when its process starts (a launch record only after its delay).</summary>
    private static int Started(FakeSkyHome fake) => fake.ReadInvocations().Count(i => i.Argv[0] == "launch" && !i.Argv.Contains("--help"));

    private int LaunchesStarted() => Started(_fake);
}
