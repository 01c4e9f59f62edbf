using System.Collections.Immutable;

namespace SkyDeck.Actors.Core;

/// <summary>
/// A cell as the sweep knows it: its values, whether it is part of the current axes (<paramref name="Active"/>; an
/// inactive cell is archived), whether its experiment was created, and the last problem an order of it met.
/// </summary>
public sealed record SweepCellState(string Id, ImmutableSortedDictionary<string, FlagValue> Values, int Ordinal, bool Active, bool Created, string? Problem = null)
{
    public bool Equals(SweepCellState? other) =>
        other is not null && Id == other.Id && Ordinal == other.Ordinal && Active == other.Active && Created == other.Created && Problem == other.Problem
        && Values.Count == other.Values.Count && Values.All(kv => other.Values.TryGetValue(kv.Key, out var v) && v == kv.Value);

    public override int GetHashCode() => HashCode.Combine(Id, Ordinal, Active, Created);

    public SweepCell Cell => new(Id, Values);
}

/// <summary>A sweep folded from its events (pure). <see cref="Pending"/>: orders given and not yet answered, by number.</summary>
public sealed record SweepState(
    string Id,
    bool Exists,
    SweepSpec? Spec,
    ImmutableSortedDictionary<string, SweepCellState> Cells,
    ImmutableSortedDictionary<long, CellOrder> Pending,
    long NextSeq,
    bool Deleted,
    int Revision,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    long Version) : ISkyDeckJournaled
{
    public static SweepState Empty(string id) => new(
        id, false, null, ImmutableSortedDictionary.Create<string, SweepCellState>(StringComparer.Ordinal),
        ImmutableSortedDictionary<long, CellOrder>.Empty, 1, false, 0, default, default, 0);

    /// <summary>Set while the sweep is STOPPED because it reached its own budget.</summary>
    public BudgetStop? BudgetStop { get; init; }

    public IEnumerable<SweepCellState> ActiveCells => Cells.Values.Where(c => c.Active).OrderBy(c => c.Ordinal);

    public bool IsBusy(string cellId) => Pending.Values.Any(o => o.CellId == cellId);

    /// <summary>The experiment spec the cell should have now.</summary>
    public ExperimentSpec CellSpec(SweepCellState cell) => SweepExpansion.CellSpec(Id, Spec!.Template, cell.Cell);

    public static SweepState Evolve(SweepState s, ISweepEvent e)
    {
        var next = e switch
        {
            SweepCreated x => AddOrders(s with
            {
                Exists = true, Spec = x.Spec, Revision = 1, CreatedAt = x.At,
                Cells = s.Cells.SetItems(x.Cells.Select((c, i) => KeyValuePair.Create(c.Id, new SweepCellState(c.Id, c.Values, i, true, false)))),
            }, x.Orders),
            SweepChanged x => AddOrders(Activate(s, x.Added, x.Archived) with
            {
                Spec = x.Spec,
                Revision = x.Spec.Template == s.Spec!.Template && x.Spec.Axes.SequenceEqual(s.Spec.Axes) && x.Spec.Mode == s.Spec.Mode ? s.Revision : s.Revision + 1,
                BudgetStop = x.Spec.Desired == DesiredState.Running ? null : s.BudgetStop,
            }, x.Orders),
            SweepBudgetReached x => AddOrders(s with
            {
                Spec = s.Spec! with { Desired = DesiredState.Stopped },
                BudgetStop = new BudgetStop(x.At, x.Budget, x.GpuHours, x.Usd),
            }, x.Orders),
            SweepCellsOrdered x => AddOrders(s, x.Orders),
            SweepOrdersCompleted x => Complete(s, x.Outcomes),
            SweepDeleted x => AddOrders(s with { Deleted = true }, x.Orders),
            SweepRestored x => AddOrders(s with { Deleted = false }, x.Orders),
            _ => throw new InvalidOperationException($"Evolve does not know {e.GetType().Name}"),
        };
        return next with { UpdatedAt = e.At > s.UpdatedAt ? e.At : s.UpdatedAt, Version = s.Version + 1 };
    }

    private static SweepState AddOrders(SweepState s, ImmutableArray<CellOrder> orders) =>
        orders.IsDefaultOrEmpty ? s : s with
        {
            Pending = s.Pending.SetItems(orders.Select(o => KeyValuePair.Create(o.Seq, o))),
            NextSeq = Math.Max(s.NextSeq, orders.Max(o => o.Seq) + 1),
        };

    private static SweepState Activate(SweepState s, ImmutableArray<SweepCell> added, ImmutableArray<string> archived)
    {
        var cells = s.Cells.ToBuilder();
        var ordinal = cells.Count == 0 ? 0 : cells.Values.Max(c => c.Ordinal) + 1;
        foreach (var cell in added.IsDefault ? [] : added)
            cells[cell.Id] = cells.TryGetValue(cell.Id, out var known) ? known with { Active = true } : new SweepCellState(cell.Id, cell.Values, ordinal++, true, false);
        foreach (var id in archived.IsDefault ? [] : archived)
            if (cells.TryGetValue(id, out var known)) cells[id] = known with { Active = false };
        return s with { Cells = cells.ToImmutable() };
    }

    private static SweepState Complete(SweepState s, ImmutableArray<OrderOutcome> outcomes)
    {
        var pending = s.Pending.ToBuilder();
        var cells = s.Cells.ToBuilder();
        foreach (var outcome in outcomes)
        {
            if (!pending.Remove(outcome.Seq, out var order) || !cells.TryGetValue(order.CellId, out var cell)) continue;
            cells[order.CellId] = cell with
            {
                Created = cell.Created || (order.Kind == CellOrderKind.Create && outcome.Succeeded),
                Problem = outcome.Succeeded ? null : outcome.Problem,
            };
        }

        return s with { Pending = pending.ToImmutable(), Cells = cells.ToImmutable() };
    }
}
