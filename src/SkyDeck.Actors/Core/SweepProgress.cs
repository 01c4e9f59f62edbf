using System.Collections.Immutable;

namespace SkyDeck.Actors.Core;

/// <summary>
/// A cell joined with its experiment as the read model shows it (null: not created yet, or not listed).
/// <see cref="DeviatesOn"/>: the fields (<c>gpus</c>, <c>flags.KEY</c>, <c>desired_state</c>) where the cell differs from the sweep.
/// </summary>
public sealed record SweepCellView(SweepCellState Cell, ExperimentSummary? Experiment, bool Deviates)
{
    public ImmutableArray<string> DeviatesOn { get; init; } = [];
}

/// <summary>
/// Pure: how far a sweep has got, from its state and its cells' summaries. Counts are of active cells, by current
/// state (<c>NOT_CREATED</c> for cells with no experiment yet, <c>DELETED</c> for deleted ones); finished cells
/// succeeded or failed. <see cref="Usage"/> (and <see cref="GpuHours"/>, null while nothing was used): every cell's
/// ledger metered as an experiment's is (every run and attempt, cluster overhead, archived and deleted cells too), up to
/// now: what the sweep's budget counts.
/// </summary>
public sealed record SweepProgress(
    int Cells,
    int Created,
    int Archived,
    int OpenOrders,
    ImmutableSortedDictionary<string, int> ByState,
    int Finished,
    double PercentFinished,
    int NeedsRestart,
    int Deviating,
    int Problems,
    double? GpuHours)
{
    public const string NotCreated = "NOT_CREATED";
    public const string DeletedState = "DELETED";

    public Usage Usage { get; init; } = Usage.Zero;

    public static (SweepProgress Progress, ImmutableArray<SweepCellView> Cells) Of(
        SweepState sweep, IEnumerable<ExperimentSummary> experiments, DateTimeOffset now, PriceTable? prices = null)
    {
        var byId = experiments.Where(e => e.Spec.Sweep == sweep.Id).ToDictionary(e => e.Id, StringComparer.Ordinal);
        var views = sweep.Cells.Values.OrderBy(c => c.Ordinal).Select(cell =>
        {
            var experiment = byId.GetValueOrDefault(cell.Id);
            if (!cell.Active || experiment is not { Deleted: false } || sweep.Spec is null) return new SweepCellView(cell, experiment, false);
            var cellSpec = sweep.CellSpec(cell);
            if (experiment.Spec == cellSpec && experiment.Desired == sweep.Spec.Desired) return new SweepCellView(cell, experiment, false);
            var on = SpecFieldDiff.Differences(cellSpec, experiment.Spec);
            return new SweepCellView(cell, experiment, true) { DeviatesOn = experiment.Desired == sweep.Spec.Desired ? on : on.Add("desired_state") };
        }).ToImmutableArray();

        var active = views.Where(v => v.Cell.Active).ToList();
        var byState = active
            .GroupBy(v => v.Experiment is null ? NotCreated : v.Experiment.Deleted ? DeletedState : v.Experiment.Current.ToApi())
            .ToImmutableSortedDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        var finished = active.Count(v => v.Experiment is { Deleted: false, Current: CurrentState.Succeeded or CurrentState.Failed });
        var usage = Metering.OfAll(views.Where(v => v.Experiment is not null).Select(v => v.Experiment!.Ledger), now, prices ?? PriceTable.Default);
        var progress = new SweepProgress(
            active.Count,
            active.Count(v => v.Cell.Created || v.Experiment is not null),
            views.Length - active.Count,
            sweep.Pending.Count,
            byState,
            finished,
            active.Count == 0 ? 0 : Math.Round(100.0 * finished / active.Count, 1),
            active.Count(v => v.Experiment is { NeedsRestart: true, Deleted: false }),
            active.Count(v => v.Deviates),
            views.Count(v => v.Cell.Problem is not null),
            usage.GpuHours > 0 ? Math.Round(usage.GpuHours, 3) : null) { Usage = usage };
        return (progress, views);
    }
}
