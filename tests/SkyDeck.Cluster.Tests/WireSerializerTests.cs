using System.Collections.Immutable;
using System.Text;
using Akka.Actor;
using SkyDeck.Actors;
using SkyDeck.Actors.Cluster;
using SkyDeck.Actors.Core;
using SkyDeck.Actors.Experiments;
using SkyDeck.Actors.Notifications;
using SkyDeck.Actors.SkyPilot;
using static SkyDeck.Actors.Core.ExperimentCommands;

namespace SkyDeck.Cluster.Tests;

/// <summary>Everything that crosses nodes survives the wire serializer, and nothing journaled is bound to it.</summary>
public sealed class WireSerializerTests : IDisposable
{
    private readonly ActorSystem _system = ActorSystem.Create("wire", "akka.loglevel = WARNING");

    public static TheoryData<string> Messages => [.. All().Keys];

    public void Dispose() => _system.Dispose();

    [Theory]
    [MemberData(nameof(Messages))]
    public void GivenAWireMessage_WhenSerializedAndRead_ThenNothingIsLost(string name)
    {
        var message = All()[name];
        var serializer = new SkyDeckWireSerializer((ExtendedActorSystem)_system);

        var read = serializer.FromBinary(serializer.ToBinary(message), serializer.Manifest(message));

        Assert.IsType(message.GetType(), read);
        Assert.Equal(Encoding.UTF8.GetString(serializer.ToBinary(message)), Encoding.UTF8.GetString(serializer.ToBinary(read)));
    }

    [Fact]
    public void GivenTheDefaultCommandResult_WhenRoundTripped_ThenItsErrorsStayUnset()
    {
        var serializer = new SkyDeckWireSerializer((ExtendedActorSystem)_system);

        var read = (CommandResult)serializer.FromBinary(serializer.ToBinary(CommandResult.Accepted), serializer.Manifest(CommandResult.Accepted));

        Assert.Equal(CommandResult.Accepted, read);
    }

    [Fact]
    public void GivenTheBoundTypes_ThenEveryCommandIsThereAndNothingJournaledIs()
    {
        Assert.Contains(typeof(CreateExperiment), SkyDeckWireSerializer.Types);
        Assert.Contains(typeof(CancelJob), SkyDeckWireSerializer.Types);
        Assert.DoesNotContain(SkyDeckWireSerializer.Types, t => typeof(ISkyDeckJournaled).IsAssignableFrom(t));
        Assert.All(All().Values, m => Assert.Contains(m.GetType(), SkyDeckWireSerializer.Types));
    }

    private static Dictionary<string, object> All()
    {
        var state = Samples.State("e1");
        var summary = ExperimentSummary.From(state, null, ReconcileSettings.Default);
        var at = Samples.At;
        var observation = new ClusterObservation("skydeck-e1", at, true, SkyClusterStatus.Up, true,
            [new ObservedJob(3, "skydeck-e1-g1-1", SkyJobStatus.Running, "RUNNING", at, at, null, "1x[A100:4]")], null);
        var note = new Notification("experiment.succeeded:e1/run1/job1", "experiment.succeeded", "✅ e1 succeeded", at, "e1",
            ImmutableSortedDictionary<string, string>.Empty.Add("experiment_id", "e1").Add("current_state", "SUCCEEDED"));
        object[] all =
        [
            new CreateExperiment("e1", Samples.Spec("e1"), DesiredState.Running, at, "alice"),
            new UpdateSpec("e1", Samples.Spec("e1"), at, "alice"),
            new SetDesiredState("e1", DesiredState.Stopped, at, "alice", "why not"),
            new PatchExperiment("e1", new SpecPatch(Nodes: 2, Tags: ["a"], Cleared: [SpecPatch.CloudField]), DesiredState.Running, at, "alice"),
            new PatchExperiment("e1", new SpecPatch(Name: "renamed"), null, at, "alice"),
            new DeleteExperiment("e1", at, "alice"),
            new CancelJob("e1", "skydeck-e1-g1-1", at, "alice"),
            new GetExperiment("e1"),
            new ReconcileNow("e1"),
            new ClusterObserved("e1", observation),
            CommandResult.Rejected("invalid experiment", [new FieldError("nodes", "must be at least 1")]),
            new ExperimentDetail(summary, []),
            new SummaryChanged(summary),
            new SummarySnapshot([summary, summary with { Id = "e2" }]),
            RequestSummaries.Instance,
            PollNow.Instance,
            GetPollerStatus.Instance,
            new PollerStatus(at, at, "boom", at, 3, 2, 10, 1, 0, TimeSpan.FromSeconds(30)),
            new PollCompleted(at, ImmutableDictionary<string, ClusterObservation>.Empty.Add("skydeck-e1", observation), null),
            new PollCompleted(at, null, "sky status failed"),
            new SweepSummaryChanged(SweepState.Empty("s1")),
            new Notify(note),
            GetNotifications.Instance,
            new NotificationsView([new Delivery("n1@abc", "abc", note, DeliveryStatus.Pending, 2, "HTTP 503", at, at.AddSeconds(5), null)]),
            new SkyPilotPolled(at, false, "sky status timed out"),
            new CostReportRead(at, new CostReport(
            [
                new ClusterLifetime("skydeck-e1", at, TimeSpan.FromMinutes(90), null, true, "TERMINATED", [new UsageInterval(at, at.AddMinutes(30)), new UsageInterval(at.AddHours(1), at.AddHours(2))]),
                new ClusterLifetime("skydeck-e2", at, null, SkyClusterStatus.Up, false, "UP", [new UsageInterval(at, null)]),
            ])),
            new CostReportRead(at, CostReport.Unsupported),
            new ClusterLifetimeObserved("e1", [new UsageInterval(at, at.AddMinutes(30))]),
            new RecordClusterLifetime("e1", [new UsageInterval(at, null)], at),
        ];
        return all.Select((m, i) => (m, i)).ToDictionary(x => $"{x.i:D2} {x.m.GetType().Name}", x => x.m);
    }
}
