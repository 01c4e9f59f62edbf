using System.Collections.Immutable;
using SkyDeck.Actors.Core;
using SkyDeck.Actors.Experiments;
using SkyDeck.Actors.SkyPilot;
using static SkyDeck.Actors.Core.ExperimentCommands;

namespace SkyDeck.Benchmarks.Seeding;

/// <summary>
/// Lives one experiment's life through SkyDeck's pure core — <see cref="ExperimentDecider.Decide"/>,
/// <see cref="Reconciler.Plan"/> and <see cref="ExperimentState.Evolve"/> — feeding it the commands, <c>sky</c>
/// outcomes and observations the actor shell would, so every seeded event is one the real system would have persisted.
/// </summary>
public sealed class HistoryBuilder
{
    private static readonly ReconcileSettings Settings = ReconcileSettings.Default;
    private readonly List<IExperimentEvent> _events = [];
    private DateTimeOffset _now;
    private int _flagsVersion;

    public HistoryBuilder(string id, DateTimeOffset start)
    {
        Id = id;
        State = ExperimentState.Empty(id);
        _now = start;
    }

    public string Id { get; }

    public ExperimentState State { get; private set; }

    public IReadOnlyList<IExperimentEvent> Events => _events;

    public DateTimeOffset Now => _now;

    public static ExperimentSpec Spec(string id, int flagsVersion = 0) => new(
        Name: $"Benchmark {id}",
        BaseCommand: "lt",
        RunName: $"bench.{id}",
        Flags: ImmutableSortedDictionary.CreateRange(StringComparer.Ordinal, new Dictionary<string, FlagValue>
        {
            ["trainer.losses.ppo.enabled"] = FlagValue.Of(true),
            ["trainer.optimizer.learning_rate"] = FlagValue.Of(0.0003 * (1 + flagsVersion)),
            ["trainer.batch_size"] = FlagValue.Of(524_288L),
            ["trainer.total_timesteps"] = FlagValue.Of(10_000_000_000L),
            ["policy_architecture.core_resnet_layers"] = FlagValue.Of(4L + flagsVersion),
            ["policy_architecture.hidden_size"] = FlagValue.Of(512L),
            ["env.game.map_builder"] = FlagValue.Of("mapgen.auto"),
            ["wandb.project"] = FlagValue.Of("skydeck-benchmark"),
        }),
        Nodes: 1,
        Gpus: 4,
        Group: "benchmark");

    public HistoryBuilder Create(DesiredState desired) => Command(new CreateExperiment(Id, Spec(Id), desired, Tick(), "bench"));

    public HistoryBuilder Want(DesiredState desired) => Command(new SetDesiredState(Id, desired, Tick(), "bench"));

    public HistoryBuilder TweakFlags() => Command(new UpdateSpec(Id, Spec(Id, ++_flagsVersion), Tick(), "bench"));

    /// <summary>Reconciles into a launch, reports it submitted as <paramref name="skyJobId"/>, then observes it RUNNING and (unless RUNNING) <paramref name="final"/>.</summary>
    public HistoryBuilder RunJob(long skyJobId, SkyJobStatus final)
    {
        var launch = Reconcile(null) as SkyCommand.Launch ?? throw new InvalidOperationException($"{Id}: the reconciler planned no launch");
        Command(new RecordLaunchOutcome(Id, launch.JobId, SkyOutcome.Ok(skyJobId), Tick()));
        Reconcile(Observation(launch.JobId, skyJobId, SkyJobStatus.Running));
        if (final != SkyJobStatus.Running) Reconcile(Observation(launch.JobId, skyJobId, final));
        return this;
    }

    /// <summary>Desired TERMINATED: the reconciler asks for <c>sky down</c>, it succeeds, and the next poll finds no cluster.</summary>
    public HistoryBuilder TearDown()
    {
        Want(DesiredState.Terminated);
        var latest = State.LatestJob;
        var down = Reconcile(latest is { SkyJobId: { } sky, Status: { } status } ? Observation(latest.JobId, sky, status) : null) as SkyCommand.Down
                   ?? throw new InvalidOperationException($"{Id}: the reconciler planned no sky down");
        Command(new RecordActionOutcome(Id, SkyActionKind.Down, down.Target, SkyOutcome.Ok(), Tick()));
        Reconcile(ClusterObservation.Absent(State.ClusterName, Tick()));
        return this;
    }

    /// <summary>
    /// A finished experiment with exactly <paramref name="events"/> events (at least 10): runs of one job each, each run
    /// SUCCEEDED, then torn down; flag tweaks pad the count. Nothing is left for the reconciler to do.
    /// </summary>
    public static HistoryBuilder Quiescent(string id, int events, DateTimeOffset start)
    {
        const int run = 5, teardown = 4;
        if (events < 1 + run + teardown) throw new ArgumentOutOfRangeException(nameof(events), "need at least 10 events");
        var b = new HistoryBuilder(id, start).Create(DesiredState.Stopped);
        var skyJobId = 0L;
        do
        {
            b.Want(DesiredState.Running).RunJob(++skyJobId, SkyJobStatus.Succeeded);
        }
        while (b._events.Count + run + teardown <= events);

        b.TearDown();
        while (b._events.Count < events) b.TweakFlags();
        return b;
    }

    /// <summary>
    /// A live experiment: <paramref name="finishedJobs"/> runs that SUCCEEDED, then one more job RUNNING on its (UP) cluster.
    /// </summary>
    public static HistoryBuilder Live(string id, int finishedJobs, DateTimeOffset start)
    {
        var b = new HistoryBuilder(id, start).Create(DesiredState.Running);
        for (var job = 1; job <= finishedJobs; job++)
        {
            if (job > 1) b.Want(DesiredState.Running);
            b.RunJob(job, SkyJobStatus.Succeeded);
        }

        if (finishedJobs > 0) b.Want(DesiredState.Running);
        return b.RunJob(finishedJobs + 1, SkyJobStatus.Running);
    }

    /// <summary>A finished experiment whose last event is "desired RUNNING", persisted just before a restart: the reconciler must launch it.</summary>
    public static HistoryBuilder PendingLaunch(string id, int events, DateTimeOffset start)
    {
        var b = Quiescent(id, events - 1, start);
        return b.Want(DesiredState.Running);
    }

    private ClusterObservation Observation(string jobName, long skyJobId, SkyJobStatus status)
    {
        var at = Tick();
        var ended = status.IsTerminal() ? at : (DateTimeOffset?)null;
        var job = new ObservedJob(skyJobId, jobName, status, status.ToSkyString(), at.AddMinutes(-5), at.AddMinutes(-4), ended, "1x[A100:4]");
        return new ClusterObservation(State.ClusterName, at, true, SkyClusterStatus.Up, true, [job], null);
    }

    private HistoryBuilder Command(IExperimentCommand command)
    {
        var decision = ExperimentDecider.Decide(State, command);
        if (!decision.Result.IsSuccess) throw new InvalidOperationException($"{Id}: {command.GetType().Name} was refused: {decision.Result}");
        Emit(decision.Events);
        return this;
    }

    private SkyCommand? Reconcile(ClusterObservation? observation)
    {
        var plan = Reconciler.Plan(State, observation, Tick(), Settings);
        Emit(plan.Events);
        return plan.Action;
    }

    private void Emit(IEnumerable<IExperimentEvent> events)
    {
        foreach (var e in events)
        {
            State = ExperimentState.Evolve(State, e);
            _events.Add(e);
        }
    }

    private DateTimeOffset Tick() => _now = _now.AddSeconds(97);
}
