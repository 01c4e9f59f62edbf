using System.Collections.Immutable;
using SkyDeck.Actors.Core;

namespace SkyDeck.Host.Api;

/// <summary>A sweep's template as the API spells it: every experiment field but the id (as in <see cref="SpecFields"/>).</summary>
public sealed record SweepTemplateDto(
    string Name,
    string? Description,
    string BaseCommand,
    string RunName,
    ImmutableSortedDictionary<string, FlagValue> Flags,
    int Nodes,
    int Gpus,
    string? Accelerator,
    string? Cloud,
    string? Region,
    bool UseSpot,
    ImmutableArray<string> Tags,
    string? Group,
    int? AutostopMinutes,
    bool AutostopDown)
{
    public static SweepTemplateDto From(ExperimentSpec t) => new(
        t.Name, t.Description, t.BaseCommand, t.RunName, t.Flags, t.Nodes, t.Gpus, t.Accelerator, t.Cloud, t.Region, t.UseSpot, t.Tags, t.Group,
        t.AutostopMinutes, t.AutostopDown);
}

/// <summary>Counts of active cells by state (plus <c>NOT_CREATED</c>, <c>DELETED</c>), finished (succeeded or failed) and GPU-hours so far (every cell's runs and attempts with cluster overhead, as <c>cost</c> and the budget count them).</summary>
public sealed record SweepProgressDto(
    int Cells,
    int Created,
    int Archived,
    int OpenOrders,
    IReadOnlyDictionary<string, int> ByState,
    int Finished,
    double PercentFinished,
    int NeedsRestart,
    int Deviating,
    int Problems,
    double? GpuHours)
{
    public static SweepProgressDto From(SweepProgress p) => new(
        p.Cells, p.Created, p.Archived, p.OpenOrders, p.ByState, p.Finished, p.PercentFinished, p.NeedsRestart, p.Deviating, p.Problems, p.GpuHours);
}

/// <summary>
/// One cell: its values, whether it is in the current axes (<see cref="Archived"/> when its value was removed), and
/// its experiment's state. <see cref="Deviates"/>: the cell was changed on its own (spec or desired state differ from
/// the sweep's), on the fields <see cref="DeviatesOn"/> names (<c>gpus</c>, <c>flags.KEY</c>, <c>desired_state</c>; a
/// template edit leaves those alone in this cell); <see cref="Problem"/>: the last order to it that failed, and why.
/// </summary>
public sealed record SweepCellDto(
    string Id,
    ImmutableSortedDictionary<string, FlagValue> Values,
    bool Archived,
    bool Created,
    string? CurrentState,
    string? DesiredState,
    bool Deleted,
    bool NeedsRestart,
    bool Deviates,
    int? Run,
    string? Message,
    string? Problem,
    IReadOnlyList<string> DeviatesOn)
{
    public static SweepCellDto From(SweepCellView v) => new(
        v.Cell.Id, v.Cell.Values, !v.Cell.Active, v.Cell.Created || v.Experiment is not null,
        v.Experiment?.Current.ToApi(), v.Experiment?.Desired.ToApi(), v.Experiment?.Deleted ?? false, v.Experiment?.NeedsRestart ?? false,
        v.Deviates, v.Experiment?.Run, v.Experiment?.Message, v.Cell.Problem, v.DeviatesOn);
}

/// <summary>
/// A sweep; <see cref="Cells"/> only when one sweep is asked for. <see cref="Budget"/>: the sweep's own (null: none);
/// <see cref="Cost"/>: what its cells used, summed (every run and attempt, cluster overhead too), as the budget counts
/// it; <see cref="BudgetRemaining"/>: what is left of each limit (never below 0); <see cref="BudgetReached"/>: STOPPED
/// by its budget, <see cref="BudgetMessage"/> saying what was used and how to run it again.
/// </summary>
public sealed record SweepDto(
    string Id,
    string Name,
    SweepTemplateDto Template,
    IReadOnlyDictionary<string, IReadOnlyList<FlagValue>> Axes,
    string Mode,
    string DesiredState,
    bool Deleted,
    int Revision,
    SweepProgressDto Progress,
    IReadOnlyList<SweepCellDto>? Cells,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    long Version,
    BudgetDto? Budget,
    CostDto Cost,
    BudgetDto? BudgetRemaining,
    bool BudgetReached,
    string? BudgetMessage)
{
    public static SweepDto From(SweepState s, IEnumerable<ExperimentSummary> experiments, CostMeter meter, bool withCells)
    {
        var now = meter.Now;
        // The usage the sweep actor enforces: every cell's ledger (archived and deleted ones too), metered as of now.
        var (progress, cells) = SweepProgress.Of(s, experiments, now, meter.Prices);
        var axes = new Dictionary<string, IReadOnlyList<FlagValue>>(StringComparer.Ordinal);
        foreach (var axis in s.Spec!.Axes) axes[axis.Key] = axis.Values;
        var usage = progress.Usage;
        var asOf = usage.GpusAccruing > 0 ? now : cells.Where(v => v.Experiment is not null).Select(v => v.Experiment!.UpdatedAt).Append(s.UpdatedAt).Max();
        var budget = s.Spec.Budget is { IsEmpty: false } b ? b : null;
        var check = budget is null ? null : Budgets.Check(budget, usage, now);
        return new SweepDto(
            s.Id, s.Spec.Name, SweepTemplateDto.From(s.Spec.Template), axes, s.Spec.Mode.ToString().ToLowerInvariant(), s.Spec.Desired.ToApi(),
            s.Deleted, s.Revision, SweepProgressDto.From(progress), withCells ? [.. cells.Select(SweepCellDto.From)] : null,
            s.CreatedAt, s.UpdatedAt, s.Version,
            BudgetDto.From(budget), CostDto.From(usage, asOf),
            budget is null ? null : new BudgetDto(
                budget.GpuHours is { } h ? Math.Round(Math.Max(0, h - usage.GpuHours), 6) : null,
                budget.Usd is { } d ? Math.Round(Math.Max(0, d - usage.Usd), 6) : null),
            s.BudgetStop is not null && s.Spec.Desired != Actors.Core.DesiredState.Running,
            DescribeStop(s, check));
    }

    /// <summary>Stopped by the budget: still over it (raise it to start again), or raised since (Start runs it again).</summary>
    private static string? DescribeStop(SweepState s, BudgetCheck? now) =>
        s.BudgetStop is not { } stop || s.Spec!.Desired == Actors.Core.DesiredState.Running ? null
        : now is null or { Reached: false } ? $"stopped by the earlier budget ({stop.Describe()}); Start runs it again"
        : $"{stop.Describe()}; stopped — raise the budget to start again";
}

public sealed record SweepListDto(IReadOnlyList<SweepDto> Sweeps);

public sealed record CellChangeDto(string Id, ImmutableSortedDictionary<string, FlagValue> Values, string Action, string? Note);

/// <summary>What a sweep command did — or, for a preview, would do — cell by cell, with counts per action.</summary>
public sealed record SweepChangesDto(IReadOnlyDictionary<string, int> Counts, int Remaining, IReadOnlyList<CellChangeDto> Cells)
{
    public static SweepChangesDto From(SweepResult result)
    {
        var changes = result.Changes.IsDefault ? [] : result.Changes;
        var counts = Enum.GetValues<CellAction>().ToDictionary(Action, a => changes.Count(c => c.Action == a));
        return new SweepChangesDto(counts, result.Remaining, [.. changes.Select(c => new CellChangeDto(c.CellId, c.Values, Action(c.Action), c.Note))]);
    }

    private static string Action(CellAction action) => action switch
    {
        CellAction.SetDesired => "set_desired",
        var a => a.ToString().ToLowerInvariant(),
    };
}

/// <summary>The answer to a sweep command: the sweep as it now is (null for the preview of a new sweep) and the changes.</summary>
public sealed record SweepAnswerDto(bool Preview, string? Message, SweepDto? Sweep, SweepChangesDto Changes);

public sealed record SweepEventDto(long Cursor, long Sequence, DateTimeOffset At, string SweepId, string Type, string Who, string? Reason, System.Text.Json.JsonElement Change);

public sealed record SweepEventsDto(IReadOnlyList<SweepEventDto> Events);
