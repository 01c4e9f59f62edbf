using Akka.Actor;
using SkyDeck.Actors.Core;
using SkyDeck.Actors.Experiments;
using Xunit.Abstractions;
using static SkyDeck.Actors.Core.ExperimentCommands;
using static SkyDeck.Actors.Tests.Support.Specs;

namespace SkyDeck.Actors.Tests.Actors;

/// <summary>The budget stop on virtual time: the experiment runs until its usage reaches the budget, then stops itself.</summary>
public sealed class BudgetSpecs(ITestOutputHelper output) : ActorSpec(output)
{
    [Fact]
    public void GivenABudgetOfTwoGpuHoursOnFourGpus_WhenHalfAnHourPasses_ThenBudgetReachedStopsItAndNotBefore()
    {
        var summaries = CreateTestProbe();
        var experiment = Experiment(Id, summaries);
        experiment.Tell(new CreateExperiment(Id, Spec() with { Budget = new Budget(GpuHours: 2) }, DesiredState.Running, Clock.GetUtcNow(), "alice"));
        ExpectMsg(CommandResult.Accepted, Patience);
        summaries.FishForMessage<SummaryChanged>(m => m.Summary.CurrentJob?.Phase == JobPhase.Submitted, Patience);
        experiment.Tell(new ClusterObserved(Id, Up(Clock.GetUtcNow(), Job("skydeck-exp1-g1-1", 1, SkyJobStatus.Running))));
        summaries.FishForMessage<SummaryChanged>(m => m.Summary.Current == CurrentState.Running, Patience);

        Advance(TimeSpan.FromMinutes(29));
        experiment.Tell(new GetExperiment(Id));
        var before = ExpectMsg<ExperimentDetail>(Patience);
        Assert.Equal([SkyActionKind.Launch], Sky.Commands.Select(c => c.Kind));
        Assert.Equal(DesiredState.Running, before.Summary.Desired);

        Advance(TimeSpan.FromSeconds(61));
        var stopped = summaries.FishForMessage<SummaryChanged>(m => m.Summary.BudgetStop is not null, Patience).Summary;

        Assert.Equal(DesiredState.Stopped, stopped.Desired);
        Assert.StartsWith("budget reached: 2.0 / 2 GPU-h", stopped.Message);
        // 2 GPU-h at 4 GPUs from the launch at T0: crossed at 30 min, seen by the wake-up planned for then (+ the margin).
        Assert.InRange(stopped.BudgetStop!.At, T0.AddMinutes(30), T0.AddMinutes(30) + Budgets.Margin + TimeSpan.FromSeconds(1));
        Eventually(() => Assert.Equal([SkyActionKind.Launch, SkyActionKind.Cancel], Sky.Commands.Select(c => c.Kind)));
    }
}
