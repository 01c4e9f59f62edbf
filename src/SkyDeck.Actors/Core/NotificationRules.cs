using System.Collections.Immutable;
using System.Globalization;

namespace SkyDeck.Actors.Core;

/// <summary>
/// Pure: which facts become notifications. Experiments by the change of their derived state (one summary to the
/// next), SkyPilot by how long its polls have been failing. Facts of other features plug in through <see cref="Of"/>
/// with one case each.
/// </summary>
public static class NotificationRules
{
    /// <summary>What the change from <paramref name="before"/> (null: not known) to <paramref name="after"/> is worth telling.</summary>
    public static ImmutableArray<Notification> ForChange(ExperimentSummary? before, ExperimentSummary after)
    {
        if (before is null || after.Deleted) return [];
        var run = $"{after.Id}/run{after.Run}/job{after.JobCount}";
        // the budget stopped it: told once per stop (its time is in the key)
        if (before.BudgetStop is null && after.BudgetStop is { } stop)
            return [Experiment(NotificationEvents.BudgetReached, $"{after.Id}/{stop.At:O}", after, $"💸 {after.Id} stopped: {stop.Describe()}")];
        if (before.Current == after.Current) return [];
        return after.Current switch
        {
            CurrentState.Failed when after.Message?.StartsWith(RunAssessment.CrashLoopPrefix, StringComparison.Ordinal) == true =>
                [Experiment(NotificationEvents.CrashLoop, run, after, $"🔁 {after.Id} is crash-looping and SkyDeck stopped retrying: {after.Message}")],
            CurrentState.Succeeded => [Experiment(NotificationEvents.ExperimentSucceeded, run, after, $"✅ {after.Id} succeeded"
                + (after.CurrentJob?.StartedAt is { } s && after.CurrentJob.EndedAt is { } e ? $" after {Hours(e - s)}" : ""))],
            CurrentState.Failed => [Experiment(NotificationEvents.ExperimentGaveUp, run, after, $"❌ {after.Id} failed and SkyDeck gave up: {after.Message}")],
            CurrentState.Retrying => [Experiment(NotificationEvents.ExperimentFailed, run, after, $"⚠️ {after.Id}: {after.Message}")],
            _ => [],
        };
    }

    /// <summary>
    /// A sweep's finish (<see cref="SweepCompletion"/>), told once per round: when it becomes finished, or finishes again
    /// in a new round (after a refill). <paramref name="before"/> null: not known (a start), so nothing is told.
    /// </summary>
    public static ImmutableArray<Notification> ForSweep(SweepState sweep, SweepCompletion? before, SweepCompletion after)
    {
        if (before is null || !after.Finished || before.Finished && before.Round == after.Round) return [];
        var name = sweep.Spec?.Name ?? sweep.Id;
        return [new Notification(
            $"{NotificationEvents.SweepFinished}:{sweep.Id}/{after.Round}", NotificationEvents.SweepFinished,
            $"🏁 sweep {name} finished: {after.Describe()}", after.At, null,
            ImmutableSortedDictionary.CreateRange(StringComparer.Ordinal, new Dictionary<string, string>
            {
                ["sweep_id"] = sweep.Id,
                ["name"] = name,
                ["cells"] = after.Counts.Values.Sum().ToString(CultureInfo.InvariantCulture),
                ["succeeded"] = after.Count(CellOutcome.Succeeded).ToString(CultureInfo.InvariantCulture),
                ["failed"] = after.Count(CellOutcome.Failed).ToString(CultureInfo.InvariantCulture),
                ["stopped"] = after.Count(CellOutcome.Stopped).ToString(CultureInfo.InvariantCulture),
                ["deleted"] = after.Count(CellOutcome.Deleted).ToString(CultureInfo.InvariantCulture),
            }))];
    }

    /// <summary>
    /// A sweep stopped by its own budget, told once per stop (its time is in the key, so a replay or a second look at
    /// the same stop is the same notification). <paramref name="before"/> null: not known (a start), so nothing is told.
    /// </summary>
    public static ImmutableArray<Notification> ForSweepChange(SweepState? before, SweepState after)
    {
        if (before is null || before.BudgetStop is not null || after.BudgetStop is not { } stop || after.Deleted) return [];
        var name = after.Spec?.Name ?? after.Id;
        return [new Notification(
            $"{NotificationEvents.BudgetReached}:sweep/{after.Id}/{stop.At:O}", NotificationEvents.BudgetReached,
            $"💸 sweep {name} stopped: {stop.Describe()}", stop.At, null,
            ImmutableSortedDictionary.CreateRange(StringComparer.Ordinal, new Dictionary<string, string>
            {
                ["sweep_id"] = after.Id,
                ["name"] = name,
                ["gpu_hours"] = stop.GpuHours.ToString("0.######", CultureInfo.InvariantCulture),
                ["usd"] = stop.Usd is { } usd ? usd.ToString("0.00", CultureInfo.InvariantCulture) : "",
                ["budget_gpu_hours"] = stop.Budget.GpuHours?.ToString(CultureInfo.InvariantCulture) ?? "",
                ["budget_usd"] = stop.Budget.Usd?.ToString(CultureInfo.InvariantCulture) ?? "",
            }))];
    }

    /// <summary>
    /// Other features' facts, one case each (the seam for crash loops, budgets and sweeps): e.g.
    /// <c>CrashLoopDetected x => Experiment(NotificationEvents.CrashLoop, …)</c>. Unknown facts notify nothing.
    /// </summary>
    public static ImmutableArray<Notification> Of(object fact) => fact switch
    {
        _ => [],
    };

    /// <summary>
    /// The next state of the SkyPilot watch after a poll at <paramref name="at"/>, and what to tell: once when polls
    /// have failed for <paramref name="threshold"/>, and once when they succeed again after that.
    /// </summary>
    public static (SkyPilotWatch Watch, ImmutableArray<Notification> Notifications) ForPoll(
        SkyPilotWatch watch, bool succeeded, string? error, DateTimeOffset at, TimeSpan threshold)
    {
        if (succeeded)
        {
            if (watch is not { FailingSince: { } since, Alerted: true }) return (SkyPilotWatch.Healthy, []);
            return (SkyPilotWatch.Healthy, [SkyPilot(NotificationEvents.SkyPilotRecovered, since, at,
                $"✅ SkyPilot answers again (unreachable for {Hours(at - since)})", ("unreachable_seconds", Seconds(at - since)))]);
        }

        var failingSince = watch.FailingSince ?? at;
        var next = new SkyPilotWatch(failingSince, watch.Alerted, error);
        if (watch.Alerted || at - failingSince < threshold) return (next, []);
        return (next with { Alerted = true }, [SkyPilot(NotificationEvents.SkyPilotUnreachable, failingSince, at,
            $"🚨 SkyPilot has been unreachable for {Hours(at - failingSince)}: {error}", ("error", error ?? ""), ("unreachable_seconds", Seconds(at - failingSince)))]);
    }

    public static Notification Experiment(string @event, string key, ExperimentSummary s, string text) => new(
        $"{@event}:{key}", @event, text, s.UpdatedAt, s.Id,
        ImmutableSortedDictionary.CreateRange(StringComparer.Ordinal, new Dictionary<string, string>
        {
            ["experiment_id"] = s.Id,
            ["name"] = s.Spec.Name,
            ["current_state"] = s.Current.ToApi(),
            ["desired_state"] = s.Desired.ToApi(),
            ["run"] = s.Run.ToString(CultureInfo.InvariantCulture),
            ["generation"] = s.Generation.ToString(CultureInfo.InvariantCulture),
            ["message"] = s.Message ?? "",
            ["job_id"] = s.CurrentJob?.JobId ?? "",
            ["job_status"] = s.CurrentJob?.Status?.ToSkyString() ?? "",
        }));

    private static Notification SkyPilot(string @event, DateTimeOffset since, DateTimeOffset at, string text, params (string Key, string Value)[] fields) => new(
        $"{@event}:{since.ToUniversalTime():yyyyMMddTHHmmssfffZ}", @event, text, at, null,
        ImmutableSortedDictionary.CreateRange(StringComparer.Ordinal, fields.Select(f => KeyValuePair.Create(f.Key, f.Value))
            .Append(KeyValuePair.Create("unreachable_since", since.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture)))));

    private static string Seconds(TimeSpan span) => ((long)span.TotalSeconds).ToString(CultureInfo.InvariantCulture);

    private static string Hours(TimeSpan span) =>
        span.TotalHours >= 1 ? $"{(int)span.TotalHours}h {span.Minutes}m" : span.TotalMinutes >= 1 ? $"{(int)span.TotalMinutes}m {span.Seconds}s" : $"{(int)span.TotalSeconds}s";
}

/// <summary>Since when SkyPilot polls have been failing (null: the last one succeeded), and whether that was told.</summary>
public sealed record SkyPilotWatch(DateTimeOffset? FailingSince, bool Alerted, string? LastError)
{
    public static readonly SkyPilotWatch Healthy = new(null, false, null);
}
