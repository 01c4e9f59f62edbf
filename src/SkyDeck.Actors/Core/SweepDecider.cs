using System.Collections.Immutable;
using static SkyDeck.Actors.Core.SweepCommands;

namespace SkyDeck.Actors.Core;

public enum CellAction { Create, Update, SetDesired, Archive, Restore, Restart, Unchanged }

/// <summary>What a command does (or would do) to one cell.</summary>
public sealed record CellChange(string CellId, ImmutableSortedDictionary<string, FlagValue> Values, CellAction Action, string? Note = null);

/// <summary>
/// The reply to every sweep command: the outcome, the cells it touches (or, for a preview, would touch) and, from the
/// actor, the sweep as it now is. <see cref="Remaining"/>: cells left out by a cap (restart to apply).
/// </summary>
public sealed record SweepResult(ResultCode Code, string? Message = null, ImmutableArray<FieldError> Errors = default)
{
    public ImmutableArray<CellChange> Changes { get; init; } = [];

    public int Remaining { get; init; }

    public SweepState? Sweep { get; init; }

    public bool IsSuccess => Code is ResultCode.Accepted or ResultCode.NoOp;

    public static SweepResult NotFound(string id) => new(ResultCode.NotFound, $"sweep '{id}' not found");

    public static SweepResult Rejected(string message, ImmutableArray<FieldError> errors) => new(ResultCode.Rejected, message, errors);

    public static SweepResult Conflict(string message) => new(ResultCode.Conflict, message);
}

public sealed record SweepDecision(ImmutableArray<ISweepEvent> Events, SweepResult Result)
{
    public static SweepDecision Reply(SweepResult result) => new([], result);
}

/// <summary>
/// Settings of the sweep decider: the cap on cells per sweep (<c>SKYDECK_MAX_SWEEP_CELLS</c>) and the prices its
/// budget is counted in (<c>SkyDeck:Prices</c>, as for experiments).
/// </summary>
public sealed record SweepSettings(int MaxCells = SweepExpansion.DefaultMaxCells, PriceTable? Prices = null)
{
    public static readonly SweepSettings Default = new();

    public PriceTable Prices { get; init; } = Prices ?? PriceTable.Default;
}

/// <summary>
/// Pure: a command against a sweep gives events and a reply naming every cell it touches. Repeats are no-ops. The
/// events carry the orders for the cells (the intent), numbered from <see cref="SweepState.NextSeq"/>.
/// </summary>
public static partial class SweepDecider
{
    public static SweepDecision Decide(SweepState s, ISweepCommand command, SweepSettings settings) => command switch
    {
        CreateSweep c => Create(s, c, settings),
        _ when !s.Exists => SweepDecision.Reply(SweepResult.NotFound(s.Id)),
        ChangeSweep c => Change(s, c, settings),
        RefillSweep c => Refill(s, c),
        RestartSweepCells c => Restart(s, c),
        DeleteSweep c => Delete(s, c),
        RestoreSweep c => Restore(s, c),
        RecordOrderOutcomes c => Outcomes(s, c),
        EnforceSweepBudget c => Enforce(s, c, settings),
        _ => SweepDecision.Reply(new SweepResult(ResultCode.Rejected, $"{command.GetType().Name} is not a command sweeps understand")),
    };

    /// <summary>Why a create is invalid whatever the sweep's state, or null (asked by the manager before the id becomes an actor).</summary>
    public static SweepResult? RejectCreate(CreateSweep c, SweepSettings settings) => Validate(c.SweepId, c.Spec, settings).Errors is { IsEmpty: false } errors
        ? SweepResult.Rejected("invalid sweep", errors)
        : null;

    /// <summary>Every problem with a sweep spec (id, name, template, axes, each cell's spec), or its cells.</summary>
    public static (ImmutableArray<SweepCell> Cells, ImmutableArray<FieldError> Errors) Validate(string id, SweepSpec spec, SweepSettings settings)
    {
        if (SweepId.Validate(id) is { } idError) return ([], [new FieldError("id", idError)]);
        var errors = ImmutableArray.CreateBuilder<FieldError>();
        if (string.IsNullOrWhiteSpace(spec.Name)) errors.Add(new("name", "is required"));
        else if (spec.Name.Length > 200) errors.Add(new("name", "must be at most 200 characters"));
        else if (SafeText.Problem(spec.Name) is { } unsafeName) errors.Add(new("name", unsafeName));
        foreach (var error in spec.Template.Validate()) errors.Add(error with { Field = "template." + error.Field });
        if (spec.Budget is { } budget) errors.AddRange(budget.Validate());
        if (spec.Template.Sweep is not null) errors.Add(new("template.sweep", "is set by the sweep"));
        var (cells, axisErrors) = SweepExpansion.Expand(id, spec.Axes, spec.Mode, settings.MaxCells);
        errors.AddRange(axisErrors);
        if (errors.Count > 0) return ([], errors.ToImmutable());

        // The template's own errors are reported above; what is left comes from combining it with the axes.
        foreach (var cell in cells)
            if (SweepExpansion.CellSpec(id, spec.Template, cell).Validate() is { IsEmpty: false } cellErrors)
                return ([], [.. cellErrors.Select(e => new FieldError(e.Field.StartsWith("flags.", StringComparison.Ordinal) ? "axes." + e.Field["flags.".Length..] : "template." + e.Field, $"cell {cell.Id}: {e.Message}"))]);
        return (cells, []);
    }

    private static SweepDecision Create(SweepState s, CreateSweep c, SweepSettings settings)
    {
        var (cells, errors) = Validate(c.SweepId, c.Spec, settings);
        if (!errors.IsEmpty) return SweepDecision.Reply(SweepResult.Rejected("invalid sweep", errors));
        if (s.Exists)
        {
            if (s.Deleted) return SweepDecision.Reply(SweepResult.Conflict($"sweep '{s.Id}' exists but is deleted; restore it or choose another id"));
            return s.Spec == c.Spec
                ? SweepDecision.Reply(new SweepResult(ResultCode.NoOp) { Changes = [.. s.ActiveCells.Select(x => new CellChange(x.Id, x.Values, CellAction.Unchanged))] })
                : SweepDecision.Reply(SweepResult.Conflict($"sweep '{s.Id}' already exists with a different spec; change it with PATCH /api/sweeps/{s.Id}"));
        }

        var seq = s.NextSeq;
        var orders = cells.Select(cell => new CellOrder(seq++, cell.Id, CellOrderKind.Create, c.At, c.Who, SweepExpansion.CellSpec(c.SweepId, c.Spec.Template, cell), c.Spec.Desired)).ToImmutableArray();
        return new SweepDecision(
            [new SweepCreated(c.SweepId, c.Spec, cells, orders, c.At, c.Who)],
            new SweepResult(ResultCode.Accepted) { Changes = [.. cells.Select(x => new CellChange(x.Id, x.Values, CellAction.Create))] });
    }

    private static SweepDecision Change(SweepState s, ChangeSweep c, SweepSettings settings)
    {
        if (s.Deleted) return SweepDecision.Reply(SweepResult.Conflict($"sweep '{s.Id}' is deleted; restore it first"));
        var old = s.Spec!;
        var spec = old with
        {
            Name = c.Name ?? old.Name,
            Template = c.Template is { } patch ? patch.ApplyTo(old.Template) : old.Template,
            Axes = c.Axes ?? old.Axes,
            Mode = c.Mode ?? old.Mode,
            Desired = c.Desired ?? old.Desired,
            Budget = c.Budget is null ? old.Budget : c.Budget.IsEmpty ? null : c.Budget,
        };
        var (cells, errors) = Validate(s.Id, spec, settings);
        if (!errors.IsEmpty) return SweepDecision.Reply(SweepResult.Rejected("invalid sweep", errors));

        var seq = s.NextSeq;
        var orders = ImmutableArray.CreateBuilder<CellOrder>();
        var changes = ImmutableArray.CreateBuilder<CellChange>();
        var added = ImmutableArray.CreateBuilder<SweepCell>();
        var wanted = cells.Select(x => x.Id).ToHashSet(StringComparer.Ordinal);
        var observed = Observations(c.Observed);
        CellOrder Order(string cell, CellOrderKind kind, ExperimentSpec? cellSpec = null, DesiredState? desired = null) =>
            new(seq++, cell, kind, c.At, c.Who, cellSpec, desired);

        foreach (var cell in cells)
        {
            var cellSpec = SweepExpansion.CellSpec(s.Id, spec.Template, cell);
            if (!s.Cells.TryGetValue(cell.Id, out var known) || !known.Active && !known.Created && !s.IsBusy(cell.Id))
            {
                added.Add(cell);
                orders.Add(Order(cell.Id, CellOrderKind.Create, cellSpec, spec.Desired));
                changes.Add(new CellChange(cell.Id, cell.Values, CellAction.Create));
                continue;
            }

            if (!known.Active)
            {
                // An archived cell comes back as it was archived, then takes the template and desired state of now.
                added.Add(cell);
                orders.Add(Order(cell.Id, CellOrderKind.Restore));
                orders.Add(Order(cell.Id, CellOrderKind.Update, cellSpec));
                orders.Add(Order(cell.Id, CellOrderKind.SetDesired, desired: spec.Desired));
                changes.Add(new CellChange(cell.Id, cell.Values, CellAction.Restore, "archived cell restored"));
                continue;
            }

            var (target, kept) = Edited(s, cell.Id, SweepExpansion.CellSpec(s.Id, old.Template, cell), cellSpec, observed);
            var specChanged = target is not null;
            if (target is not null) orders.Add(Order(cell.Id, CellOrderKind.Update, target));
            if (spec.Desired != old.Desired) orders.Add(Order(cell.Id, CellOrderKind.SetDesired, desired: spec.Desired));
            var note = string.Join("; ", new[]
            {
                kept.IsEmpty ? null : $"kept: deviates on {string.Join(", ", kept)}",
                specChanged ? "spec changed: a running cell shows \"restart to apply\"" : null,
            }.OfType<string>());
            changes.Add(new CellChange(cell.Id, cell.Values,
                specChanged ? CellAction.Update : spec.Desired != old.Desired ? CellAction.SetDesired : CellAction.Unchanged,
                note.Length == 0 ? null : note));
        }

        var archived = ImmutableArray.CreateBuilder<string>();
        foreach (var cell in s.ActiveCells.Where(x => !wanted.Contains(x.Id)))
        {
            archived.Add(cell.Id);
            orders.Add(Order(cell.Id, CellOrderKind.Delete));
            changes.Add(new CellChange(cell.Id, cell.Values, CellAction.Archive, "value removed: stopped and deleted (restore by adding the value back)"));
        }

        if (spec == old) return SweepDecision.Reply(new SweepResult(ResultCode.NoOp) { Changes = changes.ToImmutable() });
        var reason = string.Join(", ", new[]
        {
            spec.Template != old.Template ? "template" : null,
            !spec.Axes.SequenceEqual(old.Axes) || spec.Mode != old.Mode ? "axes" : null,
            spec.Desired != old.Desired ? $"desired state {spec.Desired.ToApi()}" : null,
            spec.Name != old.Name ? "name" : null,
            spec.Budget != old.Budget ? "budget" : null,
        }.OfType<string>()) + " changed";
        return new SweepDecision(
            [new SweepChanged(s.Id, spec, added.ToImmutable(), archived.ToImmutable(), orders.ToImmutable(), c.At, c.Who, reason)],
            new SweepResult(ResultCode.Accepted) { Changes = changes.ToImmutable() });
    }

    /// <summary>
    /// A template edit for one cell: every field the edit changes (<paramref name="before"/> to <paramref name="after"/>,
    /// what the old and the new template give the cell) is applied to the cell's own spec unless the cell deviates on
    /// it (its value is not what the old template gave it); those are <c>Kept</c>. The cell's own spec is the one its
    /// last open order gives it, else the one observed; unknown (never observed): the new template's, as is.
    /// <c>Spec</c> is null when nothing changes for the cell.
    /// </summary>
    private static (ExperimentSpec? Spec, ImmutableArray<string> Kept) Edited(
        SweepState s, string cellId, ExperimentSpec before, ExperimentSpec after, Dictionary<string, CellObservation> observed)
    {
        if (before == after) return (null, []);
        var own = s.Pending.Values.LastOrDefault(o => o.CellId == cellId && o.Spec is not null)?.Spec
            ?? (observed.TryGetValue(cellId, out var seen) ? seen.Spec : null);
        if (own is null) return (after, []);
        var target = own;
        var kept = ImmutableArray.CreateBuilder<string>();
        foreach (var field in SpecFieldDiff.Differences(before, after))
        {
            if (SpecFieldDiff.Same(own, before, field)) target = SpecFieldDiff.Take(target, after, field);
            else if (!SpecFieldDiff.Same(own, after, field)) kept.Add(field);
        }

        return (target == own ? null : target, kept.ToImmutable());
    }

    /// <summary>Failed cells run again, deleted ones are restored, missing ones created; successful and running cells are left alone.</summary>
    private static SweepDecision Refill(SweepState s, RefillSweep c)
    {
        if (s.Deleted) return SweepDecision.Reply(SweepResult.Conflict($"sweep '{s.Id}' is deleted; restore it first"));
        var observed = Observations(c.Observed);
        var seq = s.NextSeq;
        var orders = ImmutableArray.CreateBuilder<CellOrder>();
        var changes = ImmutableArray.CreateBuilder<CellChange>();
        foreach (var cell in s.ActiveCells)
        {
            if (s.IsBusy(cell.Id))
            {
                changes.Add(new CellChange(cell.Id, cell.Values, CellAction.Unchanged, "orders still being carried out"));
                continue;
            }

            if (!observed.TryGetValue(cell.Id, out var seen))
            {
                orders.Add(new CellOrder(seq++, cell.Id, CellOrderKind.Create, c.At, c.Who, s.CellSpec(cell), s.Spec!.Desired));
                changes.Add(new CellChange(cell.Id, cell.Values, CellAction.Create, "missing"));
            }
            else if (seen.Deleted)
            {
                orders.Add(new CellOrder(seq++, cell.Id, CellOrderKind.Restore, c.At, c.Who));
                if (seen.Desired != DesiredState.Running)
                    orders.Add(new CellOrder(seq++, cell.Id, CellOrderKind.Restart, c.At, c.Who, IfRun: seen.Run));
                changes.Add(new CellChange(cell.Id, cell.Values, CellAction.Restore, "deleted"));
            }
            else if (seen.Current == CurrentState.Failed)
            {
                orders.Add(new CellOrder(seq++, cell.Id, CellOrderKind.Restart, c.At, c.Who, IfRun: seen.Run));
                changes.Add(new CellChange(cell.Id, cell.Values, CellAction.Restart, "failed"));
            }
            else changes.Add(new CellChange(cell.Id, cell.Values, CellAction.Unchanged, seen.Current.ToApi()));
        }

        return orders.Count == 0
            ? SweepDecision.Reply(new SweepResult(ResultCode.NoOp, "nothing to refill: no cell failed, was deleted or is missing") { Changes = changes.ToImmutable() })
            : new SweepDecision([new SweepCellsOrdered(s.Id, orders.ToImmutable(), c.At, c.Who, "refill")], new SweepResult(ResultCode.Accepted) { Changes = changes.ToImmutable() });
    }

    /// <summary>Restart to apply: cells running an older spec restart, at most <see cref="RestartSweepCells.Max"/> of them (in cell order).</summary>
    private static SweepDecision Restart(SweepState s, RestartSweepCells c)
    {
        if (s.Deleted) return SweepDecision.Reply(SweepResult.Conflict($"sweep '{s.Id}' is deleted; restore it first"));
        if (c.Max < 1) return SweepDecision.Reply(SweepResult.Rejected("invalid restart", [new FieldError("max", "must be at least 1")]));
        var observed = Observations(c.Observed);
        var due = s.ActiveCells.Where(x => !s.IsBusy(x.Id) && observed.TryGetValue(x.Id, out var seen) && seen is { NeedsRestart: true, Deleted: false }).ToList();
        var seq = s.NextSeq;
        var orders = due.Take(c.Max).Select(x => new CellOrder(seq++, x.Id, CellOrderKind.Restart, c.At, c.Who, IfRun: observed[x.Id].Run)).ToImmutableArray();
        var changes = due.Select((x, i) => new CellChange(x.Id, x.Values, i < c.Max ? CellAction.Restart : CellAction.Unchanged, i < c.Max ? "restart to apply" : "over the cap: restart again for the next ones")).ToImmutableArray();
        var remaining = Math.Max(0, due.Count - c.Max);
        return orders.IsEmpty
            ? SweepDecision.Reply(new SweepResult(ResultCode.NoOp, "no cell needs a restart to apply its spec"))
            : new SweepDecision([new SweepCellsOrdered(s.Id, orders, c.At, c.Who, $"restart to apply (at most {c.Max})")], new SweepResult(ResultCode.Accepted) { Changes = changes, Remaining = remaining });
    }

    private static SweepDecision Delete(SweepState s, DeleteSweep c)
    {
        if (s.Deleted) return SweepDecision.Reply(new SweepResult(ResultCode.NoOp));
        var seq = s.NextSeq;
        var cells = s.ActiveCells.ToList();
        var orders = cells.Select(x => new CellOrder(seq++, x.Id, CellOrderKind.Delete, c.At, c.Who)).ToImmutableArray();
        return new SweepDecision([new SweepDeleted(s.Id, orders, c.At, c.Who)],
            new SweepResult(ResultCode.Accepted) { Changes = [.. cells.Select(x => new CellChange(x.Id, x.Values, CellAction.Archive, "deleted with the sweep"))] });
    }

    private static SweepDecision Restore(SweepState s, RestoreSweep c)
    {
        if (!s.Deleted) return SweepDecision.Reply(new SweepResult(ResultCode.NoOp));
        var seq = s.NextSeq;
        var cells = s.ActiveCells.ToList();
        var orders = cells.Select(x => new CellOrder(seq++, x.Id, CellOrderKind.Restore, c.At, c.Who)).ToImmutableArray();
        return new SweepDecision([new SweepRestored(s.Id, orders, c.At, c.Who)],
            new SweepResult(ResultCode.Accepted) { Changes = [.. cells.Select(x => new CellChange(x.Id, x.Values, CellAction.Restore, "restored with the sweep"))] });
    }

    private static SweepDecision Outcomes(SweepState s, RecordOrderOutcomes c)
    {
        var known = c.Outcomes.Where(o => s.Pending.ContainsKey(o.Seq)).ToImmutableArray();
        return known.IsEmpty
            ? SweepDecision.Reply(new SweepResult(ResultCode.NoOp))
            : new SweepDecision([new SweepOrdersCompleted(s.Id, known, c.At, c.Who)], new SweepResult(ResultCode.Accepted));
    }

    private static Dictionary<string, CellObservation> Observations(ImmutableArray<CellObservation> observed) =>
        (observed.IsDefault ? [] : observed).GroupBy(o => o.Id, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Last(), StringComparer.Ordinal);

    /// <summary>
    /// Which open orders may be sent now: in number order, one per cell at a time (<paramref name="busy"/>: cells with an
    /// order out), at most <paramref name="room"/>.
    /// </summary>
    public static ImmutableArray<CellOrder> Sendable(SweepState s, IReadOnlySet<string> busy, int room)
    {
        if (room <= 0) return [];
        var seen = new HashSet<string>(busy, StringComparer.Ordinal);
        var sendable = ImmutableArray.CreateBuilder<CellOrder>();
        foreach (var order in s.Pending.Values)
        {
            if (!seen.Add(order.CellId)) continue;
            sendable.Add(order);
            if (sendable.Count == room) break;
        }

        return sendable.ToImmutable();
    }
}
