namespace SkyDeck.Actors.Core;

public enum RunStatus { Active, ReadyToLaunch, BackingOff, Succeeded, Failed }

/// <summary>
/// Where the current run (everything since the researcher last asked for RUNNING) stands, under the experiment's
/// <see cref="RetryPolicy"/>. <paramref name="Failures"/>: failures that spent <c>max_restarts_on_errors</c>;
/// <paramref name="StopCause"/>: why SkyDeck gave up (<c>max_restarts</c>, <c>crash_loop</c>, <c>preempted</c>,
/// <c>rejected</c>) when <paramref name="Status"/> is <see cref="RunStatus.Failed"/>.
/// </summary>
public sealed record RunAssessment(RunStatus Status, int Attempts, int Failures, DateTimeOffset? RetryAt, string? Reason, string? StopCause = null)
{
    public static RunAssessment Of(ExperimentState s, ReconcileSettings settings)
    {
        var jobs = s.JobsOfCurrentRun.ToList();
        var policy = s.Spec?.ResolvedRetry ?? RetryPolicy.Default;
        var maxRestarts = policy.ResolvedMaxRestarts(settings.MaxRestarts);
        var attempts = jobs.Count;
        var failures = jobs.Count(j => SpendsRestart(j, policy));
        if (jobs.Any(j => j.IsLive)) return new(RunStatus.Active, attempts, failures, null, null);
        if (jobs.Any(j => j.Succeeded)) return new(RunStatus.Succeeded, attempts, failures, null, null);
        var last = jobs.LastOrDefault();
        // The exit code decides what a failure costs, and it is in the log SkyDeck is about to keep: decide after reading it.
        if (last is not null && Reconciler.LogToKeep(s, settings) is not null)
            return new(RunStatus.Active, attempts, failures, null, "reading the failed job's log for its exit code");
        var lastCause = last?.Cause;
        if (last is { Phase: JobPhase.LaunchFailed, FailureKind: SkyFailureKind.InvalidRequest })
            return new(RunStatus.Failed, attempts, failures, null, $"SkyPilot rejected the launch: {last.Reason}", "rejected");
        if (last is { CancelRequestedAt: null } && lastCause?.Class == FailureClass.Preempted && policy.OnPreemption == PreemptionPolicy.Never)
            return new(RunStatus.Failed, attempts, failures, null, $"gave up: the job was preempted ({last.Reason}) and on_preemption is never", "preempted");
        if (failures > maxRestarts)
            return new(RunStatus.Failed, attempts, failures, null,
                $"gave up after {Count(failures, "failure")} of the job itself (max restarts on errors {maxRestarts}){NotCounted(jobs, policy)}; last: {Describe(last)}", "max_restarts");
        if (CrashLoop(jobs, settings) is { } loop)
            return new(RunStatus.Failed, attempts, failures, null, loop, "crash_loop");
        var consecutive = jobs.AsEnumerable().Reverse().TakeWhile(j => j.CountsAsFailure).Count();
        if (consecutive == 0 || last?.FinishedAt is not { } finishedAt) return new(RunStatus.ReadyToLaunch, attempts, failures, null, null);
        var retryAt = finishedAt + Backoff.Delay(consecutive, s.Id, settings);
        return new(RunStatus.BackingOff, attempts, failures, retryAt, Describe(last));
    }

    /// <summary>
    /// Whether a finished job spends the run's <c>max_restarts_on_errors</c>: a failure of the job itself. Preemptions,
    /// capacity errors, launches never confirmed and exit codes the policy recovers from do not; neither does any launch
    /// failure (it never ran) nor anything SkyDeck cancelled.
    /// </summary>
    public static bool SpendsRestart(JobRecord j, RetryPolicy policy)
    {
        if (!j.CountsAsFailure || j.Phase == JobPhase.LaunchFailed || j.Cause is not { } cause) return false;
        return cause.Class switch
        {
            FailureClass.Preempted or FailureClass.NoCapacity or FailureClass.Lost => false,
            FailureClass.UserError => !policy.Recovers(cause.ExitCode),
            _ => true,
        };
    }

    /// <summary>A crash: the job ran and failed on its own (exit code, setup, driver).</summary>
    public static bool IsCrash(JobRecord j) =>
        j.Cause?.Class is FailureClass.UserError or FailureClass.SetupFailed or FailureClass.DriverFailed;

    /// <summary>
    /// The last attempt crashed and it is the <see cref="ReconcileSettings.CrashLoopFailures"/>th crash within
    /// <see cref="ReconcileSettings.CrashLoopMinutes"/>: retrying more would only burn money. Null: no crash loop.
    /// </summary>
    public static string? CrashLoop(IReadOnlyList<JobRecord> jobs, ReconcileSettings settings)
    {
        if (settings.CrashLoopFailures <= 0 || jobs.Count == 0 || !IsCrash(jobs[^1])) return null;
        var crashes = jobs.Where(IsCrash).Select(j => j.FinishedAt!.Value).ToList();
        if (crashes.Count < settings.CrashLoopFailures) return null;
        var first = crashes[^settings.CrashLoopFailures];
        var span = crashes[^1] - first;
        return span <= settings.CrashLoopWindow
            ? $"{CrashLoopPrefix} {settings.CrashLoopFailures} failures within {settings.CrashLoopMinutes} min; stopped retrying (last: {Describe(jobs[^1])})"
            : null;
    }

    /// <summary>How a crash-loop give-up reads (the notification of a crash loop recognises it by this).</summary>
    public const string CrashLoopPrefix = "crash loop:";

    /// <summary>", not counted: 2 preempted, 1 no capacity" — the failed attempts that retried free, so a give-up after many attempts says why only some counted.</summary>
    private static string NotCounted(IEnumerable<JobRecord> jobs, RetryPolicy policy)
    {
        var free = jobs.Where(j => j.CountsAsFailure && !SpendsRestart(j, policy) && j.Cause is not null)
            .GroupBy(j => j.Cause!.Class == FailureClass.UserError ? $"exit {j.Cause.ExitCode} (recovered)" : AttemptCause.ToApi(j.Cause.Class).Replace('_', ' '))
            .Select(g => $"{g.Count()} {g.Key}")
            .ToList();
        return free.Count == 0 ? "" : $", not counted: {string.Join(", ", free)}";
    }

    private static string Count(int n, string noun) => n == 1 ? $"1 {noun}" : $"{n} {noun}s";

    private static string? Describe(JobRecord? j) =>
        j is null ? null : j.Cause is { } cause ? $"{cause.Describe()}: {j.Reason}" : j.Reason;
}
