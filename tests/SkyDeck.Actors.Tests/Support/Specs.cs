using System.Collections.Immutable;
using SkyDeck.Actors.Core;
using SkyDeck.Actors.Experiments;
using SkyDeck.Actors.SkyPilot;

namespace SkyDeck.Actors.Tests.Support;

/// <summary>Builders for specs, events and observations, so each test states only what matters to it.</summary>
public static class Specs
{
    public static readonly DateTimeOffset T0 = new(2026, 11, 28, 12, 0, 0, TimeSpan.Zero);

    public const string Id = "exp1";

    public static ExperimentSpec Spec(int layers = 4, int nodes = 1, int gpus = 4) => new(
        Name: "Test PPO Training",
        BaseCommand: "lt",
        RunName: "daveey.test_ppo",
        Flags: ImmutableSortedDictionary.CreateRange(StringComparer.Ordinal, new Dictionary<string, FlagValue>
        {
            ["trainer.losses.ppo.enabled"] = FlagValue.Of(true),
            ["policy_architecture.core_resnet_layers"] = FlagValue.Of((long)layers),
        }),
        Nodes: nodes,
        Gpus: gpus);

    public static ExperimentState Given(params IExperimentEvent[] events) =>
        events.Aggregate(ExperimentState.Empty(Id), ExperimentState.Evolve);

    public static ExperimentState Fold(this ExperimentState state, IEnumerable<IExperimentEvent> events) =>
        events.Aggregate(state, ExperimentState.Evolve);

    public static ExperimentCreated Created(DesiredState desired = DesiredState.Running, DateTimeOffset? at = null) =>
        new(Id, Spec(), desired, at ?? T0, "alice");

    /// <summary>A create command as the API sends it, stamped with the wall clock (for actors on real persistence).</summary>
    public static ExperimentCommands.CreateExperiment CreateNow(string id, DesiredState desired) => new(id, Spec(), desired, DateTimeOffset.UtcNow, "alice");

    public static JobLaunchRequested LaunchRequested(int n = 1, int generation = 1, int run = 1, int attempt = 1, DateTimeOffset? at = null) =>
        new(Id, Naming.Job(Id, generation, n), Naming.Cluster(Id), generation, run, attempt, "lt run=daveey.test_ppo", new LaunchResources(1, "A100:4", null, false), at ?? T0, Callers.System, "test");

    public static JobLaunched Launched(int n = 1, long skyJobId = 1, int generation = 1, DateTimeOffset? at = null) =>
        new(Id, Naming.Job(Id, generation, n), skyJobId, false, at ?? T0.AddSeconds(5), Callers.System);

    public static JobStatusChanged Status(SkyJobStatus status, int n = 1, long skyJobId = 1, int generation = 1, DateTimeOffset? at = null) =>
        new(Id, Naming.Job(Id, generation, n), skyJobId, status, null, null, at ?? T0.AddSeconds(10), Callers.System);

    public static ObservedJob Job(string name, long id, SkyJobStatus status) =>
        new(id, name, status, status.ToSkyString(), T0, null, null, "1x[A100:4]");

    public static ClusterObservation Up(DateTimeOffset at, params ObservedJob[] jobs) =>
        new(Naming.Cluster(Id), at, true, SkyClusterStatus.Up, true, [.. jobs], null);

    public static ClusterObservation Stopped(DateTimeOffset at) =>
        new(Naming.Cluster(Id), at, true, SkyClusterStatus.Stopped, false, [], null);

    public static ClusterObservation Absent(DateTimeOffset at) => ClusterObservation.Absent(Naming.Cluster(Id), at);
}
