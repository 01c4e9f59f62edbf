using SkyDeck.Actors.Audit;
using SkyDeck.Actors.Core;
using SkyDeck.Actors.SkyPilot;
using SkyDeck.Actors.Tests.Actors;
using SkyDeck.FakeSky;
using SkyDeck.Testing;
using static SkyDeck.Actors.Core.ExperimentCommands;
using static SkyDeck.Actors.Tests.Support.Specs;

namespace SkyDeck.Actors.Tests.Integration;

/// <summary>
/// The retry policy end to end against the fake <c>sky</c>: every attempt's cause comes from what <c>sky</c> printed
/// (queue statuses, a vanished cluster, <c>sky logs</c>'s return codes), and only the job's own errors spend the budget.
/// </summary>
public sealed class RetryScenarioSpecs : FakeSkyIntegrationSpec
{
    private Task<HostedSkyDeck> StartAsync(int maxRestarts, int crashLoopFailures = 5) => HostedSkyDeck.StartAsync(Db.Path, null, o => o with
    {
        EnablePoller = true,
        PollInterval = TimeSpan.FromMilliseconds(300),
        Reconcile = o.Reconcile with
        {
            MaxRestarts = maxRestarts, BackoffBase = TimeSpan.FromMilliseconds(200), BackoffCap = TimeSpan.FromSeconds(1), ConfirmWindow = TimeSpan.FromSeconds(5),
            CrashLoopFailures = crashLoopFailures, CrashLoopMinutes = 30, LogTailLines = ReconcileSettings.DefaultLogTailLines,
        },
        Sky = new SkyPilotOptions { Executable = FakeSkyHome.ExecutablePath, Environment = Fake.Environment },
    });

    private static Task Until(HostedSkyDeck deck, string id, Func<ExperimentDetail, bool> condition, string what) =>
        deck.EventuallyAsync(async () => condition(await deck.GetAsync(id)), what, seconds: 60);

    private static Task<bool> Create(HostedSkyDeck deck, string id, RetryPolicy? retry = null) =>
        deck.AskAsync(new CreateExperiment(id, Spec() with { Retry = retry }, DesiredState.Running, DateTimeOffset.UtcNow, "alice")).ContinueWith(t => t.Result is CommandResult { IsSuccess: true });

    [Fact]
    public async Task GivenNoRestartsAllowed_WhenTheClusterVanishesUnderARunningJob_ThenItIsRetriedAsAPreemptionWithoutSpendingTheBudget()
    {
        await using var deck = await StartAsync(maxRestarts: 0);
        Assert.True(await Create(deck, "spot"));
        await Until(deck, "spot", d => d.Summary.Current == CurrentState.Running, "spot running");

        Fake.Vanish("skydeck-spot");

        await Until(deck, "spot", d => d.Jobs.Length == 2 && d.Summary.Current == CurrentState.Running, "a relaunch after the preemption");
        var detail = await deck.GetAsync("spot");
        Assert.Equal(FailureClass.Preempted, detail.Jobs[1].Cause!.Class);
        Assert.Equal(0, detail.Summary.RestartsUsed);
        Assert.Equal(["preempted", "live"], detail.Summary.Attempts!.Marks.Select(m => m.Outcome));
    }

    [Fact]
    public async Task GivenASetupThatFails_WhenRun_ThenEachAttemptIsSetupFailedAndTheBudgetRunsOut()
    {
        Fake.SetControl(c => c.WithScript("skydeck-setup-*", "PENDING", "FAILED_SETUP"));
        await using var deck = await StartAsync(maxRestarts: 1);
        Assert.True(await Create(deck, "setup"));

        await Until(deck, "setup", d => d.Summary.Current == CurrentState.Failed, "setup given up on");

        var detail = await deck.GetAsync("setup");
        Assert.Equal(2, detail.Jobs.Length);
        Assert.All(detail.Jobs, j => Assert.Equal(FailureClass.SetupFailed, j.Cause!.Class));
        Assert.Contains("max restarts on errors 1", detail.Summary.Message);
    }

    [Fact]
    public async Task GivenAnExitCodeToRecoverFrom_WhenTheFirstAttemptExitsWithIt_ThenItIsRetriedWithoutSpendingTheBudgetAndSucceeds()
    {
        Fake.SetControl(c => c.WithScript("skydeck-oom-g1-1", "PENDING", "RUNNING", "FAILED").WithOutput("skydeck-oom-g1-1", [137], ["loading", "Killed"])
            .WithScript("skydeck-oom-*", "PENDING", "RUNNING", "SUCCEEDED"));
        await using var deck = await StartAsync(maxRestarts: 3);
        Assert.True(await Create(deck, "oom", new RetryPolicy(MaxRestartsOnErrors: 0, RecoverOnExitCodes: [137])));

        await Until(deck, "oom", d => d.Summary.Current == CurrentState.Succeeded, "the retry to succeed");

        var first = (await deck.GetAsync("oom")).Jobs[^1];
        Assert.Equal((FailureClass.UserError, 137), (first.Cause!.Class, first.Cause.ExitCode));
        Assert.Equal(LogKeeping.Kept, first.Log);
        var kept = await new AuditLog(deck.System).KeptLogAsync("oom", first.JobId, CancellationToken.None);
        Assert.Contains("(skydeck-oom-g1-1, pid=1234) Killed", kept!.Lines);
    }

    [Fact]
    public async Task GivenAJobThatAlwaysExitsWithARecoveredCode_WhenItCrashLoops_ThenSkyDeckStopsRetryingAndSaysSo()
    {
        Fake.SetControl(c => c.WithScript("skydeck-loop-*", "PENDING", "RUNNING", "FAILED").WithOutput("skydeck-loop-*", [137, 1, 137], null));
        await using var deck = await StartAsync(maxRestarts: 0, crashLoopFailures: 3);
        Assert.True(await Create(deck, "loop", new RetryPolicy(RecoverOnExitCodes: [1])));

        await Until(deck, "loop", d => d.Summary.Current == CurrentState.Failed, "the crash loop to stop");

        var detail = await deck.GetAsync("loop");
        Assert.Equal(3, detail.Jobs.Length);
        Assert.All(detail.Jobs, j => Assert.Equal(1, j.Cause!.ExitCode));
        Assert.StartsWith("crash loop: 3 failures within 30 min", detail.Summary.Message);
        var audit = await new AuditLog(deck.System).ForExperimentAsync("loop", CancellationToken.None);
        Assert.Contains(audit, e => e.Type == "retries_stopped" && e.Reason!.StartsWith("crash_loop", StringComparison.Ordinal));
    }
}
