using System.Text.Json;
using CsCheck;
using SkyDeck.Actors.Core;
using SkyDeck.Actors.Serialization;
using SkyDeck.Actors.Tests.Support;
using static SkyDeck.Actors.Core.ExperimentCommands;

namespace SkyDeck.Actors.Tests.Architecture;

/// <summary>
/// Replay must give back exactly the experiment that was: for generated histories (commands, observations and
/// <c>sky</c> outcomes driven through the real decider and reconciler), folding the journal twice gives the same state,
/// and so does folding it after a round trip through the journal's serializer — the state a restart recovers.
/// </summary>
public sealed class ReplayDeterminismTests
{
    private static readonly ReconcileSettings Settings = ReconcileSettings.Default;

    [Fact]
    public void GivenGeneratedHistories_WhenTheJournalIsFoldedTwiceAndAfterARoundTrip_ThenTheStateIsTheSame()
    {
        Gen.Int.Sample(seed =>
        {
            var (live, history) = Simulate(seed);

            var once = Fold(history);
            var twice = Fold(history);
            var recovered = Fold(history.Select(RoundTrip));

            Assert.Equal(Json(live), Json(once));
            Assert.Equal(Json(once), Json(twice));
            Assert.Equal(Json(once), Json(recovered));
            Assert.Equal(
                Json(ExperimentSummary.From(once, null, Settings)),
                Json(ExperimentSummary.From(recovered, null, Settings)));
        }, iter: 300);
    }

    [Fact]
    public void GivenGeneratedHistories_ThenTheyExerciseLaunchesCancelsAndClusterActions()
    {
        var kinds = new HashSet<string>();
        for (var seed = 0; seed < 200; seed++)
            foreach (var e in Simulate(seed).History) kinds.Add(e.GetType().Name);

        Assert.Superset(
            new HashSet<string> { nameof(ExperimentCreated), nameof(JobLaunchRequested), nameof(JobLaunched), nameof(JobStatusChanged), nameof(JobCancelRequested), nameof(ClusterActionRequested), nameof(ClusterStatusChanged), nameof(SpecUpdated) },
            kinds);
    }

    private static ExperimentState Fold(IEnumerable<IExperimentEvent> history) =>
        history.Aggregate(ExperimentState.Empty(Specs.Id), ExperimentState.Evolve);

    private static IExperimentEvent RoundTrip(IExperimentEvent e) =>
        (IExperimentEvent)JsonSerializer.Deserialize(JsonSerializer.SerializeToUtf8Bytes(e, e.GetType(), SkyDeckJson.Options), e.GetType(), SkyDeckJson.Options)!;

    private static string Json(object value) => JsonSerializer.Serialize(value, value.GetType(), SkyDeckJson.Options);

    /// <summary>A random but reproducible life of one experiment: what the actor would have journaled.</summary>
    private static (ExperimentState State, List<IExperimentEvent> History) Simulate(int seed)
    {
        var random = new Random(seed);
        var now = Specs.T0;
        var state = ExperimentState.Empty(Specs.Id);
        var history = new List<IExperimentEvent>();
        SkyCommand? inFlight = null;
        long nextSkyJobId = 1;

        void Record(IEnumerable<IExperimentEvent> events)
        {
            foreach (var e in events)
            {
                history.Add(e);
                state = ExperimentState.Evolve(state, e);
            }
        }

        Record(ExperimentDecider.Decide(state, new CreateExperiment(Specs.Id, Specs.Spec(), DesiredState.Running, now, "alice")).Events);
        for (var step = 0; step < random.Next(5, 60); step++)
        {
            now += TimeSpan.FromSeconds(random.Next(1, 400));
            ClusterObservation? observation = null;
            IExperimentCommand? command = random.Next(10) switch
            {
                0 => new SetDesiredState(Specs.Id, (DesiredState)random.Next(3), now, "bob"),
                1 => new PatchExperiment(Specs.Id, new SpecPatch(Flags: Specs.Spec(layers: random.Next(1, 5)).Flags), null, now, "bob"),
                2 => new RestartRun(Specs.Id, now, "bob"),
                3 when random.Next(4) == 0 => state.Deleted ? new RestoreExperiment(Specs.Id, now, "bob") : new DeleteExperiment(Specs.Id, now, "bob"),
                4 when state.LiveJobs.FirstOrDefault() is { } job => new CancelJob(Specs.Id, job.JobId, now, "bob"),
                _ => null,
            };
            if (command is not null) Record(ExperimentDecider.Decide(state, command).Events);

            if (inFlight is not null)
            {
                var ok = random.Next(4) != 0;
                var failure = SkyOutcome.Failed((SkyFailureKind)random.Next(Enum.GetValues<SkyFailureKind>().Length), "simulated");
                IExperimentCommand outcome = inFlight is SkyCommand.Launch launch
                    ? new RecordLaunchOutcome(Specs.Id, launch.JobId, ok ? SkyOutcome.Ok(nextSkyJobId++) : failure, now)
                    : new RecordActionOutcome(Specs.Id, inFlight.Kind, inFlight.Target, ok ? SkyOutcome.Ok() : failure, now);
                Record(ExperimentDecider.Decide(state, outcome).Events);
                inFlight = null;
            }
            else if (random.Next(2) == 0)
            {
                observation = Observe(state, now, random);
            }

            var plan = Reconciler.Plan(state, observation, now, Settings);
            Record(plan.Events);
            inFlight = plan.Action;
        }

        return (state, history);
    }

    /// <summary>What SkyPilot might say: the cluster up with the live jobs at some status, stopped, gone, or unknown.</summary>
    private static ClusterObservation Observe(ExperimentState state, DateTimeOffset now, Random random)
    {
        var cluster = Naming.Cluster(Specs.Id);
        return random.Next(6) switch
        {
            0 => ClusterObservation.Absent(cluster, now),
            1 => new ClusterObservation(cluster, now, true, SkyClusterStatus.Stopped, false, [], null),
            2 => ClusterObservation.Unknown(cluster, now, "sky status failed"),
            _ => new ClusterObservation(cluster, now, true, SkyClusterStatus.Up, true,
                [.. state.Jobs.Where(j => j.SkyJobId is not null && random.Next(4) != 0).Select(j => new ObservedJob(
                    j.SkyJobId!.Value, j.JobId, (SkyJobStatus)random.Next(9), "X", now, now, null, null))],
                null),
        };
    }
}
