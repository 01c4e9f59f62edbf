using System.Collections.Immutable;
using Akka.Actor;
using SkyDeck.Actors.Core;

namespace SkyDeck.Actors.Experiments;

/// <summary>Reply: <see cref="SweepResult"/> with <see cref="SweepResult.Sweep"/>, or <see cref="SweepResult.NotFound"/>.</summary>
public sealed record GetSweep(string SweepId);

/// <summary>To the sweep manager: every sweep (deleted ones included), as <see cref="SweepList"/>.</summary>
public sealed record ListSweeps
{
    public static readonly ListSweeps Instance = new();
}

public sealed record SweepList(ImmutableArray<SweepState> Sweeps);

/// <summary>From a sweep actor to its manager whenever the sweep changed.</summary>
public sealed record SweepSummaryChanged(SweepState Sweep);

/// <summary>
/// To the sweep manager: send <paramref name="Subscriber"/> every sweep once they are all known (as
/// <see cref="SweepList"/>), then every <see cref="SweepSummaryChanged"/> until it stops.
/// </summary>
public sealed record SubscribeToSweeps(IActorRef Subscriber);

/// <summary>
/// From the sweep manager to a sweep: one of its cells' summaries changed (the manager follows the experiments' live
/// feed once for every sweep). The sweep keeps the latest of each cell for its budget.
/// </summary>
public sealed record CellSummaryChanged(ExperimentSummary Summary);

/// <summary>From a sweep actor that recovered and found no sweep.</summary>
public sealed record SweepNothingToReport(string SweepId);

/// <summary>Sweep directory event: a sweep id was taken (persisted before its create is forwarded).</summary>
public sealed record SweepRegistered(string SweepId, DateTimeOffset At) : ISkyDeckJournaled;

/// <summary>
/// Timing knobs of the sweep actors: how many orders to cells may be out at once, how long one may take, and how long
/// to wait before sending again an order the experiments could not take (e.g. the directory is restarting).
/// </summary>
public sealed record SweepActorSettings(SweepSettings Sweep, int MaxOrdersInFlight = 64, TimeSpan? OrderTimeout = null, TimeSpan? RetryAfter = null, int SnapshotEvery = 100)
{
    public static readonly SweepActorSettings Default = new(SweepSettings.Default);

    public TimeSpan Timeout => OrderTimeout ?? TimeSpan.FromSeconds(30);

    public TimeSpan Retry => RetryAfter ?? TimeSpan.FromSeconds(2);
}
