using System.Collections.Frozen;
using System.Runtime.Serialization;
using System.Text.Json;
using Akka.Actor;
using Akka.Serialization;
using SkyDeck.Actors.Core;
using SkyDeck.Actors.Experiments;

namespace SkyDeck.Actors.Serialization;

/// <summary>
/// Serializes everything SkyDeck journals as System.Text.Json with short, versioned manifests — never CLR type
/// names — so types can be renamed or moved without breaking replay. Manifests are permanent: add, never change.
/// </summary>
public sealed class SkyDeckJsonSerializer(ExtendedActorSystem system) : SerializerWithStringManifest(system)
{
    public const int Id = 4242;

    private static readonly FrozenDictionary<Type, string> Manifests = new Dictionary<Type, string>
    {
        [typeof(ExperimentCreated)] = "exp-created.v1",
        [typeof(SpecUpdated)] = "spec-updated.v1",
        [typeof(DesiredStateChanged)] = "desired-changed.v1",
        [typeof(RunRestarted)] = "run-restarted.v1",
        [typeof(ExperimentDeleted)] = "exp-deleted.v1",
        [typeof(ExperimentRestored)] = "exp-restored.v1",
        [typeof(JobLaunchRequested)] = "launch-requested.v1",
        [typeof(JobLaunchQueued)] = "launch-queued.v1",
        [typeof(JobLaunchDispatched)] = "launch-dispatched.v1",
        [typeof(JobLaunchResumed)] = "launch-resumed.v1",
        [typeof(JobLaunched)] = "job-launched.v1",
        [typeof(JobLaunchFailed)] = "launch-failed.v1",
        [typeof(JobStatusChanged)] = "job-status.v1",
        [typeof(JobLost)] = "job-lost.v1",
        [typeof(JobCancelRequested)] = "cancel-requested.v1",
        [typeof(ClusterActionRequested)] = "cluster-action.v1",
        [typeof(SkyActionCompleted)] = "sky-ok.v1",
        [typeof(SkyActionFailed)] = "sky-failed.v1",
        [typeof(ClusterStatusChanged)] = "cluster-status.v1",
        [typeof(JobRecovered)] = "job-recovered.v1",
        [typeof(BudgetReached)] = "budget-reached.v1",
        [typeof(JobLogCaptured)] = "job-log.v1",
        [typeof(RetriesStopped)] = "retries-stopped.v1",
        [typeof(ClusterSpanCorrected)] = "span-corrected.v1",
        [typeof(ExperimentState)] = "exp-snapshot.v1",
        [typeof(ExperimentRegistered)] = "dir-registered.v1",
        [typeof(DirectorySnapshot)] = "dir-snapshot.v1",
        [typeof(DirectoryReopened)] = "dir-reopened.v1",
        [typeof(NotificationQueued)] = "notification-queued.v1",
        [typeof(NotificationDelivered)] = "notification-delivered.v1",
        [typeof(NotificationDeliveryFailed)] = "notification-failed.v1",
        [typeof(Notifications.OutboxSnapshot)] = "outbox-snapshot.v1",
        [typeof(SweepCreated)] = "sweep-created.v1",
        [typeof(SweepChanged)] = "sweep-changed.v1",
        [typeof(SweepCellsOrdered)] = "sweep-cells-ordered.v1",
        [typeof(SweepOrdersCompleted)] = "sweep-orders-completed.v1",
        [typeof(SweepDeleted)] = "sweep-deleted.v1",
        [typeof(SweepRestored)] = "sweep-restored.v1",
        [typeof(SweepBudgetReached)] = "sweep-budget-reached.v1",
        [typeof(SweepState)] = "sweep-snapshot.v1",
        [typeof(SweepRegistered)] = "sweep-registered.v1",
    }.ToFrozenDictionary();

    private static readonly FrozenDictionary<string, Type> Types = Manifests.ToFrozenDictionary(kv => kv.Value, kv => kv.Key);

    public override int Identifier => Id;

    /// <summary>The manifest of an event type, e.g. <c>job-status.v1</c> (the audit log shows it as the event type).</summary>
    public static string ManifestOf(Type type) =>
        Manifests.TryGetValue(type, out var manifest) ? manifest : throw new ArgumentException($"{type.Name} has no SkyDeck manifest; add one");

    public static Type TypeOf(string manifest) =>
        Types.TryGetValue(manifest, out var type) ? type : throw new SerializationException($"Unknown SkyDeck manifest '{manifest}'");

    public override string Manifest(object o) => ManifestOf(o.GetType());

    public override byte[] ToBinary(object obj) => JsonSerializer.SerializeToUtf8Bytes(obj, obj.GetType(), SkyDeckJson.Options);

    public override object FromBinary(byte[] bytes, string manifest) =>
        JsonSerializer.Deserialize(bytes, TypeOf(manifest), SkyDeckJson.Options)
        ?? throw new SerializationException($"Null payload for manifest '{manifest}'");
}
