using Akka.Actor;
using SkyDeck.Actors.Core;
using SkyDeck.Actors.Experiments;
using SkyDeck.Actors.SkyPilot;
using Xunit.Abstractions;
using static SkyDeck.Actors.Core.ExperimentCommands;
using static SkyDeck.Actors.Tests.Support.Specs;

namespace SkyDeck.Actors.Tests.Actors;

/// <summary>The actor keeps a failed job's log before deciding, and the policy's decision follows its exit code (virtual time).</summary>
public sealed class RetryPolicySpecs(ITestOutputHelper output) : ActorSpec(output)
{
    private static readonly ExperimentActorSettings Keeping = new(
        ReconcileSettings.Default with { MaxRestarts = 0, LogTailLines = 1000 }, TimeSpan.FromSeconds(60));

    private IActorRef Start(Akka.TestKit.TestProbe summaries, int[] exitCodes)
    {
        Sky.OnLogs = (_, id, _) => SkyCall<LogTail>.Ok(SkyLogsParser.Parse(
            $"Tailing logs of job {id} on cluster 'skydeck-exp1'...\n(t, pid=1) Killed\nERROR: Job {id} failed with return code list: [{string.Join(", ", exitCodes)}]", 1000));
        var experiment = Sys.ActorOf(ExperimentActor.Props(Id, Sky, Keeping, Clock, summaries));
        experiment.Tell(new CreateExperiment(Id, Spec() with { Retry = new RetryPolicy(RecoverOnExitCodes: [137]) }, DesiredState.Running, Clock.GetUtcNow(), "alice"));
        ExpectMsg(CommandResult.Accepted, Patience);
        summaries.FishForMessage<SummaryChanged>(m => m.Summary.CurrentJob?.Phase == JobPhase.Submitted, Patience);
        Advance(TimeSpan.FromSeconds(30));
        experiment.Tell(new ClusterObserved(Id, Up(Clock.GetUtcNow(), Job("skydeck-exp1-g1-1", 1, SkyJobStatus.Failed))));
        return experiment;
    }

    [Fact]
    public void GivenAFailureWithARecoveredExitCode_WhenObserved_ThenTheLogIsKeptFirstAndTheRunRetriesWithoutSpendingTheBudget()
    {
        var summaries = CreateTestProbe();
        Start(summaries, [137]);

        summaries.FishForMessage<SummaryChanged>(m => m.Summary.Current == CurrentState.Retrying, Patience);
        Assert.Equal(1, Sky.LogCalls);
        Assert.Single(Sky.Launches);
        Advance(TimeSpan.FromMinutes(1));

        Eventually(() => Assert.Equal(2, Sky.Launches.Count));
        var summary = summaries.FishForMessage<SummaryChanged>(m => m.Summary.JobCount == 2, Patience).Summary;
        Assert.Equal(0, summary.RestartsUsed);
        Assert.Equal(("user_error", 137), (summary.Attempts!.Marks[0].Outcome, summary.Attempts.Marks[0].ExitCode));
    }

    [Fact]
    public void GivenAFailureWithAnotherExitCode_WhenTheBudgetIsZero_ThenItGivesUpAndNeverRelaunches()
    {
        var summaries = CreateTestProbe();
        var experiment = Start(summaries, [137, 2, 137]);

        var failed = summaries.FishForMessage<SummaryChanged>(m => m.Summary.Current == CurrentState.Failed, Patience).Summary;
        Advance(TimeSpan.FromHours(2));
        experiment.Tell(new GetExperiment(Id));
        var detail = ExpectMsg<ExperimentDetail>(Patience);

        Assert.Contains("user error (exit 2)", failed.Message);
        Assert.Single(Sky.Launches);
        Assert.Equal(LogKeeping.Kept, Assert.Single(detail.Jobs).Log);
    }
}
