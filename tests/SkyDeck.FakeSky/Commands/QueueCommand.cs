using SkyDeck.FakeSky.Cli;
using SkyDeck.FakeSky.Control;
using SkyDeck.FakeSky.Hosting;
using SkyDeck.FakeSky.Output;
using SkyDeck.FakeSky.State;

namespace SkyDeck.FakeSky.Commands;

/// <summary>
/// <c>sky queue [CLUSTERS]…</c> (all clusters when none is named). Per cluster it either prints the job table
/// (or a JSON entry) or the yellow <c>Failed to get the job queue…</c> lines; the exit code is always 0.
/// </summary>
/// <remarks>
/// Progression rule: every <c>sky queue</c> that reports a cluster first advances each of that cluster's jobs one
/// step along its script, THEN prints. So a job launched with <c>[PENDING, RUNNING, SUCCEEDED]</c> is PENDING right
/// after launch (see <c>sky logs --status</c> or <c>ctl dump</c>), RUNNING in the first queue and SUCCEEDED from the
/// second queue on.
/// </remarks>
internal sealed class QueueCommand : ISkyCommand
{
    private static readonly string[] Headers =
        ["ID", "NAME", "USER", "SUBMITTED", "STARTED", "DURATION", "RESOURCES", "STATUS", "LOG", "GIT COMMIT"];

    public string Name => "queue";

    public CommandSpec CreateSpec(FakeSkyControl control) => new(
        Name,
        "Show the job queue for cluster(s).",
        [
            CommonOptions.AllUsers,
            OptionSpec.Flag("skip_finished", "Show only pending/running jobs' information.", "-s", "--skip-finished"),
            .. CommonOptions.OutputIfSupported(control),
        ],
        [new ArgumentSpec("CLUSTERS", Required: false, Variadic: true)]);

    public int Execute(ParsedArgs args, CommandContext context)
    {
        var json = CommonOptions.WantsJson(args);
        var skipFinished = args.Flag("skip_finished");
        var results = context.Fault?.Kind == FaultKind.QueueFailed
            ? FailEverything(context, args.Positionals)
            : context.Home.Update(state => Observe(state, args.Positionals, context.Now));

        if (!json)
        {
            context.Out.WriteLine(context.Style.InCyan("Fetching and parsing job queue..."));
        }

        if (results.Count > 0)
        {
            context.Out.WriteLine($"Fetching job queue for: {string.Join(", ", results.Select(r => r.Cluster))}");
        }

        foreach (var failure in results.Where(r => r.Problem is not null))
        {
            context.Out.WriteLine(context.Style.InYellow($"Failed to get the job queue for cluster '{failure.Cluster}'."));
            context.Out.WriteLine($"  {failure.Problem!.Formatted}");
        }

        var reported = results
            .Where(r => r.Problem is null)
            .Select(r => r with { Jobs = [.. r.Jobs.Where(j => !skipFinished || !JobStatuses.IsTerminal(j.Status)).OrderByDescending(j => j.JobId)] })
            .ToList();
        if (json)
        {
            var document = reported.ToDictionary(r => r.Cluster, r => r.Jobs.Select(QueueJobJson.From).ToList());
            context.Out.WriteLine(System.Text.Json.JsonSerializer.Serialize(document, FakeSkyJson.Indented));
            return 0;
        }

        var whose = args.Flag("all_users") ? "all users" : "current user";
        foreach (var result in reported)
        {
            context.Out.WriteLine();
            context.Out.WriteLine($"Job queue of {whose} on cluster {result.Cluster}");
            context.Out.WriteLines(Table(result.Jobs, context).Lines());
        }

        return 0;
    }

    /// <summary>Advances the jobs of every reported cluster and snapshots them.</summary>
    private static List<ClusterQueue> Observe(FakeSkyState state, IReadOnlyList<string> requested, double now)
    {
        var names = requested.Count > 0 ? requested.Distinct().ToList() : state.Clusters.Select(c => c.Name).ToList();
        return [.. names.Select(name =>
        {
            var cluster = state.FindCluster(name);
            if (cluster is null)
            {
                return new ClusterQueue(name, ClusterProblem.DoesNotExist(name), []);
            }

            if (cluster.Status != ClusterStatuses.Up)
            {
                return new ClusterQueue(name, ClusterProblem.NotUp(name), []);
            }

            foreach (var job in cluster.Jobs)
            {
                JobProgression.Advance(job, now);
            }

            return new ClusterQueue(name, null, [.. cluster.Jobs]);
        })];
    }

    private static List<ClusterQueue> FailEverything(CommandContext context, IReadOnlyList<string> requested)
    {
        var names = requested.Count > 0 ? requested.Distinct().ToList() : context.Home.ReadState().Clusters.Select(c => c.Name).ToList();
        return [.. names.Select(name => new ClusterQueue(name, ClusterProblem.NotUp(name), []))];
    }

    private static PrettyTable Table(IEnumerable<FakeJob> jobs, CommandContext context)
    {
        var table = new PrettyTable(Headers);
        foreach (var job in jobs)
        {
            table.AddRow(
                job.JobId.ToString(System.Globalization.CultureInfo.InvariantCulture),
                job.JobName,
                job.Username,
                HumanTime.Ago(job.SubmittedAt, context.Now),
                HumanTime.Ago(job.StartAt, context.Now),
                HumanTime.Duration(job.StartAt, job.EndAt, context.Now),
                job.Resources,
                context.Style.JobStatus(job.Status),
                job.LogPath,
                "-");
        }

        return table;
    }

    private sealed record ClusterQueue(string Cluster, ClusterProblem? Problem, IReadOnlyList<FakeJob> Jobs);
}
