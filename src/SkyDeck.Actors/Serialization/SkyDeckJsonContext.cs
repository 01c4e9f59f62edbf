using System.Text.Json.Serialization;
using SkyDeck.Actors.Core;
using SkyDeck.Actors.Experiments;

namespace SkyDeck.Actors.Serialization;

/// <summary>
/// Compile-time JSON metadata for everything SkyDeck stores (journaled events and snapshots, the stored summary rows),
/// so a cold start reads them without building serializers by reflection first. Used through
/// <see cref="SkyDeckJson.Options"/>, whose naming policy and converters still apply; other types fall back to reflection.
/// </summary>
[JsonSerializable(typeof(ExperimentCreated))]
[JsonSerializable(typeof(SpecUpdated))]
[JsonSerializable(typeof(DesiredStateChanged))]
[JsonSerializable(typeof(RunRestarted))]
[JsonSerializable(typeof(ExperimentDeleted))]
[JsonSerializable(typeof(ExperimentRestored))]
[JsonSerializable(typeof(JobLaunchRequested))]
[JsonSerializable(typeof(JobLaunchQueued))]
[JsonSerializable(typeof(JobLaunchDispatched))]
[JsonSerializable(typeof(JobLaunchResumed))]
[JsonSerializable(typeof(JobLaunched))]
[JsonSerializable(typeof(JobLaunchFailed))]
[JsonSerializable(typeof(JobStatusChanged))]
[JsonSerializable(typeof(JobLost))]
[JsonSerializable(typeof(JobCancelRequested))]
[JsonSerializable(typeof(ClusterActionRequested))]
[JsonSerializable(typeof(SkyActionCompleted))]
[JsonSerializable(typeof(SkyActionFailed))]
[JsonSerializable(typeof(ClusterStatusChanged))]
[JsonSerializable(typeof(JobRecovered))]
[JsonSerializable(typeof(BudgetReached))]
[JsonSerializable(typeof(JobLogCaptured))]
[JsonSerializable(typeof(RetriesStopped))]
[JsonSerializable(typeof(ClusterSpanCorrected))]
[JsonSerializable(typeof(ExperimentState))]
[JsonSerializable(typeof(ExperimentRegistered))]
[JsonSerializable(typeof(DirectorySnapshot))]
[JsonSerializable(typeof(DirectoryReopened))]
[JsonSerializable(typeof(NotificationQueued))]
[JsonSerializable(typeof(NotificationDelivered))]
[JsonSerializable(typeof(NotificationDeliveryFailed))]
[JsonSerializable(typeof(Notifications.OutboxSnapshot))]
[JsonSerializable(typeof(SweepCreated))]
[JsonSerializable(typeof(SweepChanged))]
[JsonSerializable(typeof(SweepCellsOrdered))]
[JsonSerializable(typeof(SweepOrdersCompleted))]
[JsonSerializable(typeof(SweepDeleted))]
[JsonSerializable(typeof(SweepRestored))]
[JsonSerializable(typeof(SweepBudgetReached))]
[JsonSerializable(typeof(SweepState))]
[JsonSerializable(typeof(SweepRegistered))]
[JsonSerializable(typeof(ExperimentSummary))]
internal sealed partial class SkyDeckJsonContext : JsonSerializerContext;
