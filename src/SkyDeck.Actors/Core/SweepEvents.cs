using System.Collections.Immutable;
using static SkyDeck.Actors.Core.ExperimentCommands;

namespace SkyDeck.Actors.Core;

/// <summary>
/// The journaled history of a sweep. Only ever add to this file (as for <see cref="IExperimentEvent"/>). Every change
/// records the orders it gives its cells (the intent) in the same event, before any is sent; an order is done once
/// <see cref="SweepOrdersCompleted"/> says so, so a restart sends exactly the orders still open, and each is idempotent
/// at the experiment.
/// </summary>
public interface ISweepEvent : ISkyDeckJournaled
{
    string SweepId { get; }
    DateTimeOffset At { get; }
    string Who { get; }
}

public sealed record SweepCreated(string SweepId, SweepSpec Spec, ImmutableArray<SweepCell> Cells, ImmutableArray<CellOrder> Orders, DateTimeOffset At, string Who) : ISweepEvent;

/// <summary>
/// Template, axes, mode, name or desired state changed: <paramref name="Added"/> cells (new, or archived ones back),
/// <paramref name="Archived"/> cells (their value was removed: stopped and deleted, undoable), and the orders for all.
/// </summary>
public sealed record SweepChanged(
    string SweepId,
    SweepSpec Spec,
    ImmutableArray<SweepCell> Added,
    ImmutableArray<string> Archived,
    ImmutableArray<CellOrder> Orders,
    DateTimeOffset At,
    string Who,
    string Reason) : ISweepEvent;

/// <summary>Orders for some cells without a change to the sweep: a refill or a restart to apply.</summary>
public sealed record SweepCellsOrdered(string SweepId, ImmutableArray<CellOrder> Orders, DateTimeOffset At, string Who, string Reason) : ISweepEvent;

/// <summary>The experiments answered these orders (a failed one says why; it is not retried).</summary>
public sealed record SweepOrdersCompleted(string SweepId, ImmutableArray<OrderOutcome> Outcomes, DateTimeOffset At, string Who) : ISweepEvent;

public sealed record SweepDeleted(string SweepId, ImmutableArray<CellOrder> Orders, DateTimeOffset At, string Who) : ISweepEvent;

public sealed record SweepRestored(string SweepId, ImmutableArray<CellOrder> Orders, DateTimeOffset At, string Who) : ISweepEvent;

/// <summary>
/// The sweep's own budget was reached while it was to run: the sweep is now STOPPED, with the orders that stop its
/// cells (as a change of its desired state gives them). <paramref name="GpuHours"/> and <paramref name="Usd"/> are
/// what its cells had used (null dollars: none priced).
/// </summary>
public sealed record SweepBudgetReached(
    string SweepId,
    Budget Budget,
    double GpuHours,
    double? Usd,
    ImmutableArray<CellOrder> Orders,
    DateTimeOffset At,
    string Who,
    string Reason) : ISweepEvent;

public sealed record OrderOutcome(long Seq, bool Succeeded, string? Problem = null);

public enum CellOrderKind { Create, Update, SetDesired, Delete, Restore, Restart }

/// <summary>
/// One command the sweep owes a cell, numbered; orders of one cell are carried out in number order, one at a time.
/// Every kind is idempotent at the experiment: an identical create, the same spec or desired state, a delete of the
/// deleted, a restore of the restored, a restart of a run that has already been restarted (<paramref name="IfRun"/>).
/// </summary>
public sealed record CellOrder(
    long Seq,
    string CellId,
    CellOrderKind Kind,
    DateTimeOffset At,
    string Who,
    ExperimentSpec? Spec = null,
    DesiredState? Desired = null,
    int? IfRun = null)
{
    public IExperimentCommand ToCommand() => Kind switch
    {
        CellOrderKind.Create => new CreateExperiment(CellId, Spec!, Desired ?? DesiredState.Stopped, At, Who),
        CellOrderKind.Update => new UpdateSpec(CellId, Spec!, At, Who),
        CellOrderKind.SetDesired => new PatchExperiment(CellId, new SpecPatch(Cleared: []), Desired, At, Who),
        CellOrderKind.Delete => new DeleteExperiment(CellId, At, Who),
        CellOrderKind.Restore => new RestoreExperiment(CellId, At, Who),
        CellOrderKind.Restart => new RestartRun(CellId, At, Who, IfRun),
        _ => throw new InvalidOperationException($"unknown order kind {Kind}"),
    };
}
