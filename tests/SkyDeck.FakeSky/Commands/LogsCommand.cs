using System.Globalization;
using SkyDeck.FakeSky.Cli;
using SkyDeck.FakeSky.Control;
using SkyDeck.FakeSky.Output;
using SkyDeck.FakeSky.State;

namespace SkyDeck.FakeSky.Commands;

/// <summary>
/// <c>sky logs CLUSTER [JOB_ID]</c>. With <c>--status</c> prints <c>Job N: STATUS</c>; otherwise prints made-up
/// task lines. Either way the exit code is the job's JobExitCode (0/100/101/102/103). The fake never blocks:
/// following an unfinished job prints what exists and exits 101. Reading logs does not advance the job.
/// </summary>
internal sealed class LogsCommand : ISkyCommand
{
    public string Name => "logs";

    public CommandSpec CreateSpec(FakeSkyControl control) => new(
        Name,
        "Tail the log of a job.",
        [
            OptionSpec.Flag("sync_down", "Sync down the logs of a job to the local machine.", "-s", "--sync-down"),
            OptionSpec.Flag("status", "If specified, do not show logs but exit with a status code for the job's status.", "--status"),
            OptionSpec.Switch("follow", "Follow the logs of a job.", ["--follow"], ["--no-follow"]),
            OptionSpec.Integer("tail", "The number of lines to display from the end of the log file.", "--tail"),
            OptionSpec.Flag("provision", "Show the provisioning logs of the cluster.", "--provision"),
        ],
        [new ArgumentSpec("CLUSTER", Required: true), new ArgumentSpec("JOB_IDS", Required: false, Variadic: true)]);

    public int Execute(ParsedArgs args, CommandContext context)
    {
        var clusterName = args.Positionals[0];
        var ids = args.Positionals.Skip(1).ToList();
        foreach (var id in ids.Where(id => !int.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out _)))
        {
            throw context.Usage($"Invalid job ID {id}. Job ID must be integers.");
        }

        if (ids.Count > 1 && !args.Flag("sync_down"))
        {
            throw context.Usage($"Cannot stream logs of multiple jobs (IDs: {string.Join(", ", ids)}). Set --sync-down to download them.");
        }

        var cluster = context.Home.ReadState().FindCluster(clusterName);
        var problem = cluster is null ? ClusterProblem.DoesNotExist(clusterName)
            : cluster.Status != ClusterStatuses.Up ? ClusterProblem.NotUp(clusterName)
            : null;
        if (problem is not null)
        {
            return context.Raise(problem.ExceptionType, problem.Message);
        }

        if (args.Flag("provision"))
        {
            context.Out.WriteLine($"{Transcript.Gear} Launching on {ClusterText.Infra(cluster!)}.");
            context.Out.WriteLine("└── Instance is up.");
            return 0;
        }

        var requested = ids.Select(id => int.Parse(id, CultureInfo.InvariantCulture)).ToList();
        if (args.Flag("sync_down"))
        {
            return SyncDown(context, cluster!, requested);
        }

        var job = requested.Count == 1 ? cluster!.FindJob(requested[0]) : cluster!.Jobs.MaxBy(j => j.JobId);
        if (args.Flag("status"))
        {
            return PrintStatus(context, clusterName, requested, job);
        }

        if (job is null)
        {
            context.Out.WriteLine(requested.Count == 1 ? $"Job {requested[0]} not found." : $"No job found on cluster '{clusterName}'.");
            return JobStatuses.ExitNotFound;
        }

        context.Out.WriteLine(context.Style.InYellow($"Tailing logs of job {job.JobId} on cluster '{clusterName}'..."));
        var lines = Transcript.TaskLines(job);
        var tail = args.Integer("tail") is { } count and > 0 ? lines.TakeLast(count) : lines;
        context.Out.WriteLines(tail);
        context.Out.WriteLines(Transcript.Verdict(job));
        return JobStatuses.ExitCode(job.Status);
    }

    private static int PrintStatus(CommandContext context, string clusterName, IReadOnlyList<int> requested, FakeJob? job)
    {
        if (job is null)
        {
            var id = requested.Count == 1 ? $"{requested[0]} " : "";
            context.Out.WriteLine(context.Style.InRed($"Job {id}not found"));
            return JobStatuses.ExitNotFound;
        }

        context.Out.WriteLine($"Job {job.JobId}: {context.Style.JobStatus(job.Status)}");
        return JobStatuses.ExitCode(job.Status);
    }

    private static int SyncDown(CommandContext context, FakeCluster cluster, IReadOnlyList<int> requested)
    {
        var jobs = requested.Count == 0 ? cluster.Jobs.OrderByDescending(j => j.JobId).Take(1) : cluster.Jobs.Where(j => requested.Contains(j.JobId));
        foreach (var job in jobs)
        {
            context.Out.WriteLine($"Job {job.JobId} logs: {job.LogPath}");
        }

        return 0;
    }
}
