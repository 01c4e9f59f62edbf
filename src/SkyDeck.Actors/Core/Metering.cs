using System.Collections.Immutable;

namespace SkyDeck.Actors.Core;

/// <summary>
/// A time the experiment's cluster may have been costing money (up, provisioning, autostopping), from the cluster
/// status transitions SkyDeck recorded (so to within a poll interval). <paramref name="To"/> null: still open.
/// <paramref name="Resources"/> and <paramref name="Who"/> are those of the launch that brought it up.
/// </summary>
public sealed record ClusterSpan(DateTimeOffset From, DateTimeOffset? To, LaunchResources Resources, string Who);

/// <summary>
/// A piece of usage on one UTC day, by one user: a job's running time, or (<paramref name="Overhead"/>) cluster time
/// that was not job time — provisioning, idle before autostop. <paramref name="Usd"/> counts priced GPU-hours only;
/// <paramref name="UnpricedGpuHours"/> are those of accelerators without a price.
/// </summary>
public sealed record UsageSlice(DateOnly Day, string Who, bool Overhead, bool Spot, double GpuHours, double Usd, double UnpricedGpuHours);

/// <summary>
/// GPU-hours and dollars of some work as of a moment. <see cref="JobGpuHours"/> from SkyPilot's own start and end
/// times; <see cref="OverheadGpuHours"/> cluster time beyond them. <see cref="GpusAccruing"/> and
/// <see cref="UsdPerHour"/>: how fast the totals grow from then on while nothing changes.
/// </summary>
public sealed record Usage(
    double JobGpuHours,
    double OverheadGpuHours,
    double Usd,
    double UnpricedGpuHours,
    double SpotGpuHours,
    double GpusAccruing = 0,
    double UsdPerHour = 0)
{
    public static readonly Usage Zero = new(0, 0, 0, 0, 0);

    public double GpuHours => JobGpuHours + OverheadGpuHours;

    /// <summary>Dollars, or null when there were GPU-hours and none of them had a price.</summary>
    public double? KnownUsd => UnpricedGpuHours > 0 && UnpricedGpuHours >= GpuHours ? null : Usd;

    /// <summary>Both together: totals and rates add up (a sweep's usage is its cells').</summary>
    public Usage Plus(Usage other) => new(
        JobGpuHours + other.JobGpuHours, OverheadGpuHours + other.OverheadGpuHours, Usd + other.Usd, UnpricedGpuHours + other.UnpricedGpuHours,
        SpotGpuHours + other.SpotGpuHours, GpusAccruing + other.GpusAccruing, UsdPerHour + other.UsdPerHour);

    public static Usage Sum(IEnumerable<UsageSlice> slices) => slices.Aggregate(Zero, (u, s) => u with
    {
        JobGpuHours = u.JobGpuHours + (s.Overhead ? 0 : s.GpuHours),
        OverheadGpuHours = u.OverheadGpuHours + (s.Overhead ? s.GpuHours : 0),
        Usd = u.Usd + s.Usd,
        UnpricedGpuHours = u.UnpricedGpuHours + s.UnpricedGpuHours,
        SpotGpuHours = u.SpotGpuHours + (s.Spot ? s.GpuHours : 0),
    });
}

/// <summary>
/// Pure, clock-free GPU-hour and cost arithmetic: GPU-hours = nodes × GPUs per node × running time; "now" (for what
/// still runs) is always the caller's. Every attempt and run counts: restarts and preemptions are just more jobs.
/// </summary>
public static class Metering
{
    /// <summary>The GPUs a launch holds: nodes × GPUs per node (0 for CPU only).</summary>
    public static int Gpus(LaunchResources r) => r.GpuRequest() is ({ }, var perNode) ? r.Nodes * perNode : 0;

    /// <summary>
    /// The job's running interval by SkyPilot's start and end times: from <see cref="JobView.StartedAt"/> to its end, or
    /// to <paramref name="now"/> while it is live. Null if it never started. A job that ended without an end time ends
    /// when SkyDeck recorded it over.
    /// </summary>
    public static (DateTimeOffset From, DateTimeOffset To)? Running(JobView job, DateTimeOffset now)
    {
        if (job.StartedAt is not { } started) return null;
        var end = job.EndedAt ?? (job.IsLive ? now : job.SubmittedAt ?? started);
        if (end > now) end = now;
        return end > started ? (started, end) : null;
    }

    /// <summary>Usage of an experiment's jobs and cluster spans up to <paramref name="now"/>, with its rate from then on.</summary>
    public static Usage Of(IEnumerable<JobView> jobs, IEnumerable<ClusterSpan> spans, DateTimeOffset now, PriceTable prices)
    {
        var jobList = jobs as IReadOnlyCollection<JobView> ?? [.. jobs];
        var spanList = spans as IReadOnlyCollection<ClusterSpan> ?? [.. spans];
        var usage = Usage.Sum(Slices(jobList, spanList, now, prices));
        // From now on an open span grows the total at its GPUs (a job inside it only moves time from overhead to job);
        // without one, each running job does.
        var open = spanList.Where(s => s.To is null).ToList();
        var accruing = open.Count > 0
            ? open.Select(s => (Gpus(s.Resources), s.Resources))
            : jobList.Where(j => j.IsLive && j.StartedAt is not null && j.Resources is not null).Select(j => (Gpus(j.Resources!), j.Resources!));
        var rate = accruing.ToList();
        return usage with
        {
            GpusAccruing = rate.Sum(r => r.Item1),
            UsdPerHour = rate.Sum(r => r.Item1 * (prices.PerGpuHour(r.Item2.GpuRequest().Accelerator, r.Item2.UseSpot) ?? 0)),
        };
    }

    /// <summary>
    /// The usage of several experiments (a sweep's cells), each metered on its own (its job time inside its own cluster
    /// spans), then added up with their rates.
    /// </summary>
    public static Usage OfAll(IEnumerable<UsageLedger> ledgers, DateTimeOffset now, PriceTable prices) =>
        ledgers.Aggregate(Usage.Zero, (sum, l) => sum.Plus(Of(l.Jobs, l.ClusterSpans, now, prices)));

    /// <summary>
    /// The usage cut into (UTC day, user, job or overhead) pieces, within [<paramref name="from"/>, <paramref name="to"/>)
    /// when given (<paramref name="to"/> is capped at <paramref name="now"/>). Overhead is a span's time minus the job time
    /// inside it, per day, never below zero.
    /// </summary>
    public static IEnumerable<UsageSlice> Slices(
        IReadOnlyCollection<JobView> jobs, IReadOnlyCollection<ClusterSpan> spans, DateTimeOffset now, PriceTable prices,
        DateTimeOffset? from = null, DateTimeOffset? to = null)
    {
        var end = to is { } t && t < now ? t : now;
        var runs = jobs
            .Where(j => j.Resources is not null)
            .Select(j => (Job: j, Interval: Running(j, now)))
            .Where(x => x.Interval is not null)
            .Select(x => (x.Job, From: x.Interval!.Value.From, To: x.Interval.Value.To))
            .ToList();

        foreach (var (job, start, stop) in runs)
            foreach (var (dayStart, dayEnd) in Days(Max(start, from), Min(stop, end)))
                yield return Slice(dayStart, job.Who ?? Callers.System, false, job.Resources!, Hours(dayStart, dayEnd), prices);

        foreach (var span in spans)
        {
            var spanEnd = span.To is { } closed && closed < now ? closed : now;
            foreach (var (dayStart, dayEnd) in Days(Max(span.From, from), Min(spanEnd, end)))
            {
                var jobHours = runs.Sum(r => Hours(Max(r.From, dayStart), Min(r.To, dayEnd)));
                var idle = Hours(dayStart, dayEnd) - jobHours;
                if (idle > 0) yield return Slice(dayStart, span.Who, true, span.Resources, idle, prices);
            }
        }
    }

    private static UsageSlice Slice(DateTimeOffset day, string who, bool overhead, LaunchResources r, double hours, PriceTable prices)
    {
        var gpuHours = Gpus(r) * hours;
        var price = prices.PerGpuHour(r.GpuRequest().Accelerator, r.UseSpot);
        return new UsageSlice(DateOnly.FromDateTime(day.UtcDateTime), who, overhead, r.UseSpot && gpuHours > 0, gpuHours,
            price is { } p ? gpuHours * p : 0, price is null ? gpuHours : 0);
    }

    /// <summary>[from, to) cut at UTC midnights; nothing when it is empty.</summary>
    public static IEnumerable<(DateTimeOffset From, DateTimeOffset To)> Days(DateTimeOffset from, DateTimeOffset to)
    {
        from = from.ToUniversalTime();
        to = to.ToUniversalTime();
        while (from < to)
        {
            var midnight = new DateTimeOffset(from.UtcDateTime.Date.AddDays(1), TimeSpan.Zero);
            var pieceEnd = midnight < to ? midnight : to;
            yield return (from, pieceEnd);
            from = pieceEnd;
        }
    }

    public static double Hours(DateTimeOffset from, DateTimeOffset to) => to > from ? (to - from).TotalHours : 0;

    private static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset? b) => b is { } v && v > a ? v : a;

    private static DateTimeOffset Min(DateTimeOffset a, DateTimeOffset? b) => b is { } v && v < a ? v : a;
}
