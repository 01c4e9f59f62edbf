using System.Collections.Immutable;
using Akka.Actor;
using SkyDeck.Actors.Core;
using SkyDeck.Actors.Experiments;
using SkyDeck.Actors.Serialization;
using SkyDeck.Actors.SkyPilot;
using SkyDeck.Testing;
using static SkyDeck.Actors.Tests.Support.Specs;

namespace SkyDeck.Actors.Tests.Actors;

/// <summary>Runs against the production Akka.Hosting wiring, so the serializer binding itself is under test.</summary>
public sealed class SerializationSpecs(SerializationSpecs.Wiring wiring) : IClassFixture<SerializationSpecs.Wiring>
{
    private readonly ActorSystem _system = wiring.Host.System;

    public sealed class Wiring : IAsyncLifetime
    {
        private readonly TempDatabase _db = new();

        public HostedSkyDeck Host { get; private set; } = null!;

        public async Task InitializeAsync() => Host = await HostedSkyDeck.StartAsync(_db.Path, new ScriptedSkyGateway());

        public async Task DisposeAsync()
        {
            await Host.DisposeAsync();
            _db.Dispose();
        }
    }

    public static TheoryData<ISkyDeckJournaled> Everything()
    {
        var spec = Spec() with
        {
            Flags = Spec().Flags.Add("lr", FlagValue.Of(1.0)).Add("name", FlagValue.Of("a b; rm -rf ~")).Add("tiny", FlagValue.Of(1e-5)),
            Accelerator = "H100", Cloud = "aws", Region = "us-east-1", UseSpot = true, Description = "d\nmultiline", Tags = ["x", "y"], Group = "g",
        };
        var at = T0;
        var data = new TheoryData<ISkyDeckJournaled>
        {
            new ExperimentCreated(Id, spec, DesiredState.Running, at, "alice"),
            new SpecUpdated(Id, spec, 2, at, "bob"),
            new DesiredStateChanged(Id, DesiredState.Terminated, at, "bob", "done"),
            new RunRestarted(Id, 3, at, "bob", null),
            new ExperimentDeleted(Id, at, "bob"),
            new ExperimentRestored(Id, at, "bob"),
            LaunchRequested(),
            Launched(),
            new JobLaunchFailed(Id, "j", SkyFailureKind.NoCapacity, "no", at, Callers.System),
            Status(SkyJobStatus.FailedDriver),
            new JobLost(Id, "j", "gone", at, Callers.System),
            new JobLost(Id, "j", "the cluster no longer exists", at, Callers.System, LossCause.ClusterGone),
            new JobLogCaptured(Id, "j", ["step 1", "ERROR: Job 3 failed with return code list: [137, 1]"], true, [137, 1], 1, null, at, Callers.System),
            new JobLogCaptured(Id, "j", [], false, [], null, "sky logs failed: no cluster", at, Callers.System),
            new RetriesStopped(Id, 2, "crash_loop", "crash loop: 5 failures within 30 min", at, Callers.System),
            new ClusterSpanCorrected(Id, 0, at.AddSeconds(20), at.AddMinutes(90), at.AddHours(5), Callers.System, "sky cost-report: the cluster was up …"),
            new ClusterSpanCorrected(Id, 1, at.AddSeconds(20), null, at.AddHours(5), Callers.System, "still open"),
            new SpecUpdated(Id, spec with { Retry = new RetryPolicy(2, [137, 3], PreemptionPolicy.Never) }, 3, at, "bob"),
            new JobCancelRequested(Id, "j", at, "carol", "why"),
            new ClusterActionRequested(Id, "c", ClusterAction.Down, at, Callers.System, "why"),
            new SkyActionCompleted(Id, SkyActionKind.Stop, "c", at, Callers.System),
            new SkyActionFailed(Id, SkyActionKind.Cancel, "j", SkyFailureKind.Timeout, "slow", at, Callers.System),
            new ClusterStatusChanged(Id, "c", null, at, Callers.System),
            new JobRecovered(Id, "j", 3, SkyJobStatus.Running, at, Callers.System, "back"),
            new SkyActionFailed(Id, SkyActionKind.Stop, "c", SkyFailureKind.StopUnsupported, "Stopping is currently not supported for Kubernetes.", at, Callers.System),
            new ExperimentRegistered(Id, at),
            new DirectorySnapshot(["a", "b"]),
            Given(new ExperimentCreated(Id, spec, DesiredState.Running, at, "alice"), LaunchRequested(), Launched(), Status(SkyJobStatus.Running),
                new ClusterActionRequested(Id, "c", ClusterAction.Stop, at, Callers.System, "x")),
        };
        return data;
    }

    [Theory]
    [MemberData(nameof(Everything))]
    public void GivenAJournaledValue_WhenRoundTripped_ThenEqualWithAShortVersionedManifest(ISkyDeckJournaled value)
    {
        var serializer = _system.Serialization.FindSerializerFor(value);
        var manifest = Akka.Serialization.Serialization.ManifestFor(serializer, value);

        var back = _system.Serialization.Deserialize(serializer.ToBinary(value), serializer.Identifier, manifest);

        Assert.IsType<SkyDeckJsonSerializer>(serializer);
        Assert.Matches(@"^[a-z-]+\.v\d+$", manifest);
        if (value is ExperimentState state)
        {
            var restored = (ExperimentState)back;
            Assert.Equal(state.Jobs.AsEnumerable(), restored.Jobs.AsEnumerable());
            Assert.Equal(state.ClusterSpans.AsEnumerable(), restored.ClusterSpans.AsEnumerable());
            Assert.Equal(state with { Jobs = [], ClusterSpans = [] }, restored with { Jobs = [], ClusterSpans = [] });
        }
        else if (value is DirectorySnapshot snapshot)
            Assert.Equal(snapshot.Ids.AsEnumerable(), ((DirectorySnapshot)back).Ids.AsEnumerable());
        else
            Assert.Equal(value, back);
    }

    /// <summary>Journals written before the generated metadata must read the same: both ways give the very same JSON.</summary>
    [Theory]
    [MemberData(nameof(Everything))]
    public void GivenAJournaledValue_WhenSerializedWithTheGeneratedMetadata_ThenTheSameJsonAsByReflection(ISkyDeckJournaled value)
    {
        var reflection = new System.Text.Json.JsonSerializerOptions(SkyDeckJson.Options) { TypeInfoResolver = new System.Text.Json.Serialization.Metadata.DefaultJsonTypeInfoResolver() };
        Assert.NotNull(((System.Text.Json.Serialization.Metadata.IJsonTypeInfoResolver)SkyDeckJsonContext.Default).GetTypeInfo(value.GetType(), SkyDeckJson.Options));
        Assert.Equal(
            System.Text.Json.JsonSerializer.Serialize(value, value.GetType(), reflection),
            System.Text.Json.JsonSerializer.Serialize(value, value.GetType(), SkyDeckJson.Options));
        if (value is ExperimentState { Exists: true } state)
        {
            var summary = ExperimentSummary.From(state, null, ReconcileSettings.Default);
            Assert.Equal(System.Text.Json.JsonSerializer.Serialize(summary, reflection), System.Text.Json.JsonSerializer.Serialize(summary, SkyDeckJson.Options));
        }
    }

    [Fact]
    public void GivenTheOutboxsEventsAndSnapshot_WhenRoundTripped_ThenTheSameJsonWithShortVersionedManifests()
    {
        var note = new Notification("experiment.failed:x/run1/job1", NotificationEvents.ExperimentFailed, "⚠️ x failed", T0, "x",
            ImmutableSortedDictionary<string, string>.Empty.Add("experiment_id", "x"));
        var delivery = new Delivery("n@k", "k", note, DeliveryStatus.Pending, 1, "HTTP 503", T0, T0.AddSeconds(5), null);
        ISkyDeckJournaled[] values =
        [
            new NotificationQueued(note, ["abc123def456"], T0),
            new NotificationDelivered("n@k", 2, 204, T0, "x"),
            new NotificationDeliveryFailed("n@k", 1, "HTTP 503", T0.AddSeconds(5), T0, "x"),
            new SkyDeck.Actors.Notifications.OutboxSnapshot([delivery], ["n"]),
        ];

        foreach (var value in values)
        {
            var serializer = _system.Serialization.FindSerializerFor(value);
            var manifest = Akka.Serialization.Serialization.ManifestFor(serializer, value);
            var back = _system.Serialization.Deserialize(serializer.ToBinary(value), serializer.Identifier, manifest);

            Assert.IsType<SkyDeckJsonSerializer>(serializer);
            Assert.Matches(@"^[a-z-]+\.v\d+$", manifest);
            Assert.Equal(value.GetType(), back.GetType());
            Assert.Equal(System.Text.Encoding.UTF8.GetString(serializer.ToBinary(value)), System.Text.Encoding.UTF8.GetString(serializer.ToBinary(back)));
        }
    }

    [Fact]
    public void GivenAFloatFlagWithNoFraction_WhenRoundTripped_ThenItStaysAFloat()
    {
        var created = new ExperimentCreated(Id, Spec() with { Flags = ImmutableSortedDictionary.Create<string, FlagValue>().Add("lr", FlagValue.Of(2.0)) }, DesiredState.Running, T0, "a");
        var serializer = new SkyDeckJsonSerializer((ExtendedActorSystem)_system);

        var back = (ExperimentCreated)serializer.FromBinary(serializer.ToBinary(created), serializer.Manifest(created));

        Assert.Equal(FlagKind.Float, back.Spec.Flags["lr"].Kind);
        Assert.Contains("2.0", System.Text.Encoding.UTF8.GetString(serializer.ToBinary(created)));
    }
}
