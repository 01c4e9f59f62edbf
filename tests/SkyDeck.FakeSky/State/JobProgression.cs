namespace SkyDeck.FakeSky.State;

/// <summary>
/// Moves jobs through their scripts. Progress is driven only by observations (each <c>sky queue</c> that
/// reports a job's cluster) and by explicit commands, never by the wall clock, so tests are deterministic.
/// The clock is used only to stamp <c>start_at</c>/<c>end_at</c>.
/// </summary>
internal static class JobProgression
{
    /// <summary>The script a job gets when no rule matches and the control file names none.</summary>
    public static IReadOnlyList<string> BuiltInScript { get; } = [JobStatuses.Pending, JobStatuses.Running];

    public static FakeJob Submit(FakeCluster cluster, string name, IReadOnlyList<string> script, JobSubmission submission, double now)
    {
        var job = new FakeJob
        {
            JobId = cluster.NextJobId++,
            JobName = name,
            Script = [.. script],
            SubmittedAt = now,
            Resources = submission.Resources,
            Command = submission.Command,
            LogPath = LogPathFor(now),
        };
        Apply(job, script[0], now);
        cluster.Jobs.Add(job);
        return job;
    }

    /// <summary>One step along the script; terminal jobs and jobs at the last step stay put.</summary>
    public static void Advance(FakeJob job, double now)
    {
        if (JobStatuses.IsTerminal(job.Status) || job.ScriptStep >= job.Script.Count - 1)
        {
            return;
        }

        job.ScriptStep++;
        Apply(job, job.Script[job.ScriptStep], now);
    }

    /// <summary>Walks the script to its end, as an attached <c>sky launch</c> that tails the job would observe.</summary>
    public static void RunToEnd(FakeJob job, double now)
    {
        var guard = job.Script.Count;
        while (!JobStatuses.IsTerminal(job.Status) && job.ScriptStep < job.Script.Count - 1 && guard-- > 0)
        {
            Advance(job, now);
        }
    }

    /// <summary>
    /// Pins a job to <paramref name="status"/>: the rest of its script is dropped so later polls keep it there
    /// (used by <c>ctl set-status</c>, cancel and stop).
    /// </summary>
    public static void Pin(FakeJob job, string status, double now)
    {
        job.Script = [.. job.Script.Take(job.ScriptStep + 1), status];
        job.ScriptStep = job.Script.Count - 1;
        Apply(job, status, now);
    }

    public static void Cancel(FakeJob job, double now)
    {
        if (!JobStatuses.IsTerminal(job.Status))
        {
            Pin(job, JobStatuses.Cancelled, now);
        }
    }

    private static void Apply(FakeJob job, string status, double now)
    {
        job.Status = status;
        var ran = status == JobStatuses.Running || status is JobStatuses.Succeeded or JobStatuses.Failed or JobStatuses.FailedDriver;
        if (ran && job.StartAt is null)
        {
            job.StartAt = now;
        }

        if (JobStatuses.IsTerminal(status))
        {
            job.EndAt ??= now;
        }
        else
        {
            job.EndAt = null;
        }
    }

    private static string LogPathFor(double epoch)
    {
        var at = DateTimeOffset.FromUnixTimeMilliseconds((long)(epoch * 1000));
        return $"~/sky_logs/sky-{at:yyyy-MM-dd-HH-mm-ss}-{at.Millisecond * 1000 + Random.Shared.Next(1000):D6}";
    }
}

/// <summary>What a launch or exec asks the cluster to run.</summary>
internal sealed record JobSubmission(string Command, string Resources);
