
namespace SkyDeck.Actors.Core;

public enum RunStatus { Active, ReadyToLaunch, BackingOff, Succeeded, Failed }

/// <summary>Where the current run (everything since the researcher last asked for RUNNING) stands.</summary>
public sealed record RunAssessment(RunStatus Status, int Attempts, int Failures, DateTimeOffset? RetryAt, string? Reason)
{
    public static RunAssessment Of(ExperimentState s, ReconcileSettings settings)
    {
        var jobs = s.JobsOfCurrentRun.ToList();
        var attempts = jobs.Count;
        var failures = jobs.Count(j => j.SpendsRestart);
        if (jobs.Any(j => j.IsLive)) return new(RunStatus.Active, attempts, failures, null, null);
        if (jobs.Any(j => j.Succeeded)) return new(RunStatus.Succeeded, attempts, failures, null, null);
        var last = jobs.LastOrDefault();
        if (last is { Phase: JobPhase.LaunchFailed, FailureKind: SkyFailureKind.InvalidRequest })
            return new(RunStatus.Failed, attempts, failures, null, $"SkyPilot rejected the launch: {last.Reason}");
        if (failures > settings.MaxRestarts)
            return new(RunStatus.Failed, attempts, failures, null, $"gave up after {failures} failed attempts (max restarts {settings.MaxRestarts}); last: {last?.Reason}");
        var consecutive = jobs.AsEnumerable().Reverse().TakeWhile(j => j.CountsAsFailure).Count();
        if (consecutive == 0 || last?.FinishedAt is not { } finishedAt) return new(RunStatus.ReadyToLaunch, attempts, failures, null, null);
        var retryAt = finishedAt + Backoff.Delay(consecutive, s.Id, settings);
        return new(RunStatus.BackingOff, attempts, failures, retryAt, last.Reason);
    }
}
