using Akka.Actor;
using SkyDeck.Actors.Core;
using SkyDeck.Actors.Experiments;
using SkyDeck.Actors.Serialization;
using SkyDeck.Actors.Tests.Actors;
using Xunit.Abstractions;
using static SkyDeck.Actors.Core.SweepCommands;
using static SkyDeck.Actors.Tests.Support.Specs;
using static SkyDeck.Actors.Tests.Sweeps.SweepSamples;

namespace SkyDeck.Actors.Tests.Sweeps;

/// <summary>Every sweep event, the sweep snapshot and the directory entry survive the journal's serializer unchanged.</summary>
public sealed class SweepSerializationSpecs(ITestOutputHelper output) : ActorSpec(output)
{
    public static TheoryData<string> Journaled() => ["created", "changed", "ordered", "completed", "deleted", "restored", "snapshot", "registered", "budget-reached", "budget-snapshot"];

    private static ISkyDeckJournaled Sample(string name)
    {
        var s = SweepCreatedState(Sweep(axes: [Axis("trainer.lr", 0.001, 1e-5), Axis("opt", "adam", "a b"), Axis("flag", true)]));
        var decide = (ISweepCommand c) => SweepDecider.Decide(s, c, SweepSettings.Default).Events.Single();
        return name switch
        {
            "created" => SweepDecider.Decide(SweepState.Empty(SweepName), Create(), SweepSettings.Default).Events.Single(),
            "changed" => decide(new ChangeSweep(SweepName, T0, "bob", Template: new SpecPatch(Nodes: 2, Cleared: []), Axes: [Axis("trainer.lr", 0.1)])),
            "ordered" => SweepDecider.Decide(s.AllDone(), new RefillSweep(SweepName, [], T0, "bob"), SweepSettings.Default).Events.Single(),
            "completed" => decide(new RecordOrderOutcomes(SweepName, [new OrderOutcome(1, true), new OrderOutcome(2, false, "create: conflict")], T0)),
            "deleted" => decide(new DeleteSweep(SweepName, T0, "bob")),
            "restored" => SweepDecider.Decide(s.Decided(new DeleteSweep(SweepName, T0, "bob")), new RestoreSweep(SweepName, T0, "bob"), SweepSettings.Default).Events.Single(),
            "snapshot" => s.Decided(new RecordOrderOutcomes(SweepName, [new OrderOutcome(1, true)], T0)),
            "budget-reached" => BudgetStop(s),
            "budget-snapshot" => s.Fold(new SweepDecision([BudgetStop(s)], new SweepResult(ResultCode.Accepted))),
            _ => new SweepRegistered(SweepName, T0),
        };
    }

    private static SweepBudgetReached BudgetStop(SweepState s)
    {
        var budgeted = s with { Spec = s.Spec! with { Budget = new Budget(GpuHours: 1, Usd: 2.5) } };
        return (SweepBudgetReached)SweepDecider.Decide(budgeted, new EnforceSweepBudget(SweepName, [SweepBudgetTests.Ledger("lrs.x", T0)], T0.AddHours(1)), SweepSettings.Default).Events.Single();
    }

    [Fact]
    public void GivenASweepJournaledBeforeBudgets_WhenReplayed_ThenItHasNoBudget()
    {
        var serializer = new SkyDeckJsonSerializer((ExtendedActorSystem)Sys);
        var created = SweepDecider.Decide(SweepState.Empty(SweepName), Create(), SweepSettings.Default).Events.Single();
        var json = System.Text.Json.Nodes.JsonNode.Parse(serializer.ToBinary(created))!;
        json["spec"]!.AsObject().Remove("budget");
        Assert.DoesNotContain("budget", json.ToJsonString(), StringComparison.Ordinal);

        var back = (SweepCreated)serializer.FromBinary(System.Text.Encoding.UTF8.GetBytes(json.ToJsonString()), serializer.Manifest(created));

        Assert.Null(back.Spec.Budget);
        Assert.Equal(created, back with { Orders = ((SweepCreated)created).Orders, Cells = ((SweepCreated)created).Cells });
        Assert.Null(SweepState.Evolve(SweepState.Empty(SweepName), back).BudgetStop);
    }

    [Theory]
    [MemberData(nameof(Journaled))]
    public void GivenAJournaledSweepValue_WhenRoundTripped_ThenTheSameBytesWithAVersionedManifest(string name)
    {
        var value = Sample(name);
        var serializer = new SkyDeckJsonSerializer((ExtendedActorSystem)Sys);
        var manifest = serializer.Manifest(value);
        var bytes = serializer.ToBinary(value);

        var back = serializer.FromBinary(bytes, manifest);

        Assert.Matches(@"^[a-z-]+\.v\d+$", manifest);
        Assert.Equal(value.GetType(), back.GetType());
        Assert.Equal(System.Text.Encoding.UTF8.GetString(bytes), System.Text.Encoding.UTF8.GetString(serializer.ToBinary(back)));
        if (back is SweepState state)
        {
            Assert.Equal(((SweepState)value).Cells.Values, state.Cells.Values);
            Assert.Equal(((SweepState)value).BudgetStop, state.BudgetStop);
            Assert.Equal(((SweepState)value).Spec, state.Spec);
        }
    }
}
