using SkyDeck.FakeSky.Output;
using SkyDeck.FakeSky.State;

namespace SkyDeck.FakeSky.Commands;

/// <summary>What launch and exec share once a job has been added to a cluster.</summary>
internal static class Submissions
{
    public static FakeJob Submit(CommandContext context, FakeCluster cluster, TaskRequest task, bool attached)
    {
        var script = context.Control.ScriptFor(task.TaskName);
        var job = JobProgression.Submit(cluster, task.TaskName, script, new JobSubmission(task.Entrypoint.Command, task.JobResources), context.Now);
        if (context.Control.RuleFor(task.TaskName) is { } rule)
        {
            job.ExitCodes = rule.ExitCodes is null ? null : [.. rule.ExitCodes];
            job.LogLines = rule.LogLines is null ? null : [.. rule.LogLines];
        }

        if (attached)
        {
            // An attached launch tails the job until it ends, so it sees the whole script.
            JobProgression.RunToEnd(job, context.Now);
        }

        return job;
    }

    public static void Record(CommandContext context, string cluster, FakeJob job, TaskRequest task) =>
        context.Home.AppendLaunch(new FakeLaunchRecord(
            DateTimeOffset.UtcNow,
            cluster,
            job.JobId,
            job.JobName,
            context.Argv,
            job.Command,
            context.Spec.Name,
            job.Resources,
            task.Env));

    /// <summary>Prints the job id line and, when attached, the streamed logs; returns the exit code (JobExitCode when attached).</summary>
    public static int Report(CommandContext context, FakeJob job, int nodes, bool attached)
    {
        context.Out.WriteLine($"{Transcript.Gear} Job submitted, ID: {job.JobId}");
        if (!attached)
        {
            return 0;
        }

        foreach (var line in Transcript.JobStream(job, nodes))
        {
            context.Out.WriteLine(line);
        }

        return JobStatuses.ExitCode(job.Status);
    }

    public static void WriteLines(this TextWriter writer, IEnumerable<string> lines)
    {
        foreach (var line in lines)
        {
            writer.WriteLine(line);
        }
    }
}
