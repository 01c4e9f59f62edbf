using System.Collections.Immutable;
using SkyDeck.Actors.Core;

namespace SkyDeck.Actors.Experiments;

/// <summary>Queries have no side effects. Replies: <see cref="ExperimentDetail"/>, or <see cref="CommandResult.NotFound"/>.</summary>
public sealed record GetExperiment(string ExperimentId) : IWithExperimentId;

/// <summary>Reconcile this experiment now instead of at its next timer.</summary>
public sealed record ReconcileNow(string ExperimentId) : IWithExperimentId;

/// <summary>The poller's latest news about this experiment's cluster.</summary>
public sealed record ClusterObserved(string ExperimentId, ClusterObservation Observation) : IWithExperimentId;

/// <summary>
/// SkyPilot's record of when this experiment's cluster was up (<c>sky cost-report</c>, every incarnation, oldest first),
/// sent only when it would correct the cluster spans of the experiment's summary.
/// </summary>
public sealed record ClusterLifetimeObserved(string ExperimentId, ImmutableArray<UsageInterval> Intervals) : IWithExperimentId;

/// <summary>Sent by an experiment to the summary sink whenever its summary changes.</summary>
public sealed record SummaryChanged(ExperimentSummary Summary);

/// <summary>Sent by an experiment actor that recovered and found no experiment (an id registered, then rejected).</summary>
public sealed record NothingToReport(string ExperimentId);

/// <summary>To the manager: reply with every experiment's summary (<see cref="ExperimentList"/>), deleted ones included.</summary>
public sealed record ListExperiments
{
    public static readonly ListExperiments Instance = new();
}

/// <summary>
/// Every summary, oldest first. <paramref name="Revision"/> grows with every change the answering read model applied,
/// so two lists with the same revision from the same read model are identical (the host caches on it).
/// </summary>
public sealed record ExperimentList(ImmutableArray<ExperimentSummary> Experiments, long Revision = 0);

/// <summary>To the manager: reconcile every experiment now.</summary>
public sealed record ReconcileAll
{
    public static readonly ReconcileAll Instance = new();
}

/// <summary>To the manager: send the subscriber every <see cref="SummaryChanged"/> from now on (until it stops).</summary>
public sealed record SubscribeToSummaries(Akka.Actor.IActorRef Subscriber);

public sealed record UnsubscribeFromSummaries(Akka.Actor.IActorRef Subscriber);

/// <summary>From an experiment at rest that had no message for its passivation time: the manager may stop it.</summary>
public sealed record ExperimentIdle(string ExperimentId);

/// <summary>
/// To an experiment that asked to be stopped, after any message already sent to it: in single-process mode it answers
/// <see cref="IdleAnswer"/>; as a sharded entity it is the stop message of its <c>Passivate</c>.
/// </summary>
public sealed class StopIfIdle : Akka.Actor.INotInfluenceReceiveTimeout
{
    public static readonly StopIfIdle Instance = new();
}

/// <summary>Whether the experiment is still idle at rest (the manager stops it) or got busy meanwhile (it stays).</summary>
public sealed record IdleAnswer(string ExperimentId, bool Idle);
