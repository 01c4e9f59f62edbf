using SkyDeck.Actors.Core;
using SkyDeck.Actors.Hosting;

namespace SkyDeck.Host.Api;

/// <summary>
/// The API's view of GPU-hours and dollars: the configured prices (<c>SkyDeck:Prices</c>) and the clock, over the pure
/// <see cref="Metering"/> arithmetic. Everything is computed from the read model's summaries, never by asking actors.
/// </summary>
public sealed class CostMeter(SkyDeckOptions options, TimeProvider clock)
{
    public PriceTable Prices => options.Reconcile.Prices;

    public DateTimeOffset Now => clock.GetUtcNow();

    /// <summary>The experiment's totals over every run and attempt, as of now, with the rate they grow at.</summary>
    public CostDto Of(ExperimentSummary s) => Of(s, Now);

    /// <summary>
    /// As of <paramref name="at"/> while something accrues; otherwise the totals are fixed and stated as of the
    /// experiment's last change, so an unchanged experiment reads the same byte for byte.
    /// </summary>
    public CostDto Of(ExperimentSummary s, DateTimeOffset at)
    {
        var usage = Metering.Of(s.Ledger.Jobs, s.Ledger.ClusterSpans, at, Prices);
        return CostDto.From(usage, usage.GpusAccruing > 0 ? at : s.UpdatedAt);
    }

    /// <summary>One job's own running time (no cluster overhead); a finished job's as of its end.</summary>
    public CostDto Of(JobView job, DateTimeOffset at)
    {
        var usage = Metering.Of([job], [], at, Prices);
        return CostDto.From(usage, usage.GpusAccruing > 0 ? at : job.EndedAt ?? job.RequestedAt);
    }

    public ExperimentDto Dto(ExperimentSummary s) => ExperimentDto.From(s, Of(s));

    public JobDto Dto(JobView job) => JobDto.From(job, Of(job, Now));
}

/// <summary>
/// GPU-hours and dollars as of <see cref="AsOf"/>. <see cref="GpuHours"/> is <see cref="JobGpuHours"/> (SkyPilot's job
/// running times) plus <see cref="OverheadGpuHours"/> (cluster time that was no job's: provisioning, idle before
/// autostop, from the cluster status transitions SkyDeck recorded). <see cref="Usd"/> null: no price for the
/// accelerator. While something runs, the totals grow by <see cref="GpusAccruing"/> GPU-hours and
/// <see cref="UsdPerHour"/> dollars per hour after <see cref="AsOf"/>.
/// </summary>
public sealed record CostDto(
    double GpuHours,
    double JobGpuHours,
    double OverheadGpuHours,
    double? Usd,
    double UnpricedGpuHours,
    double SpotGpuHours,
    double GpusAccruing,
    double UsdPerHour,
    DateTimeOffset AsOf)
{
    public static CostDto From(Usage u, DateTimeOffset asOf) => new(
        Round(u.GpuHours), Round(u.JobGpuHours), Round(u.OverheadGpuHours), u.KnownUsd is { } usd ? Math.Round(usd, 6) : null,
        Round(u.UnpricedGpuHours), Round(u.SpotGpuHours), u.GpusAccruing, Math.Round(u.UsdPerHour, 4), asOf);

    private static double Round(double hours) => Math.Round(hours, 6);
}

public sealed record BudgetDto(double? GpuHours, double? Usd)
{
    public static BudgetDto? From(Budget? b) => b is null ? null : new(b.GpuHours, b.Usd);
}
