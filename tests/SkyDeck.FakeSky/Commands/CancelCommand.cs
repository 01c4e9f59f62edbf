using System.Globalization;
using SkyDeck.FakeSky.Cli;
using SkyDeck.FakeSky.Control;
using SkyDeck.FakeSky.State;

namespace SkyDeck.FakeSky.Commands;

/// <summary>
/// <c>sky cancel CLUSTER [JOB_IDS]…</c> (or <c>-a</c>/<c>-u</c>, or nothing for the latest running job): the named
/// non-terminal jobs become CANCELLED. A missing or stopped cluster raises (exit 1); otherwise exit 0.
/// </summary>
internal sealed class CancelCommand : ISkyCommand
{
    public string Name => "cancel";

    public CommandSpec CreateSpec(FakeSkyControl control) => new(
        Name,
        "Cancel job(s).",
        [
            OptionSpec.Flag("all", "Cancel all jobs from current user on the specified cluster.", "-a", "--all"),
            CommonOptions.AllUsers,
            CommonOptions.Yes,
            CommonOptions.Async,
        ],
        [new ArgumentSpec("CLUSTER", Required: true), new ArgumentSpec("JOBS", Required: false, Variadic: true, IsInteger: true)]);

    public int Execute(ParsedArgs args, CommandContext context)
    {
        var cluster = args.Positionals[0];
        var ids = args.Positionals.Skip(1).Select(id => int.Parse(id, CultureInfo.InvariantCulture)).Distinct().ToList();
        var everything = args.Flag("all") || args.Flag("all_users");
        if (everything && ids.Count > 0)
        {
            throw context.Usage("Cannot specify both job IDs and --all/--all-users.");
        }

        var (selection, question) = (ids.Count, everything) switch
        {
            (_, true) when args.Flag("all_users") => ("all users' jobs", "all users' jobs"),
            (_, true) => ("all jobs", "all your jobs"),
            (0, false) => ("latest running job", "the latest running job"),
            (1, false) => ($"jobs ({ids[0]})", $"job {ids[0]}"),
            _ => ($"jobs ({string.Join(", ", ids)})", $"jobs {string.Join(' ', ids)}"),
        };

        if (!args.Flag("yes"))
        {
            return context.AbortAtPrompt($"Cancelling {question} on cluster(s): {cluster}. Proceed?");
        }

        if (ids.Count == 0 && !everything)
        {
            context.Out.WriteLine(context.Style.InYellow("No job IDs or --all/--all-users provided; cancelling the latest running job."));
        }

        var problem = context.Home.Update(state =>
        {
            var target = state.FindCluster(cluster);
            if (target is null)
            {
                return ClusterProblem.DoesNotExist(cluster);
            }

            if (target.Status != ClusterStatuses.Up)
            {
                return ClusterProblem.NotUp(cluster);
            }

            var active = target.Jobs.Where(j => !JobStatuses.IsTerminal(j.Status));
            var victims = everything ? active
                : ids.Count > 0 ? active.Where(j => ids.Contains(j.JobId))
                : active.OrderByDescending(j => j.JobId).Take(1);
            foreach (var job in victims.ToList())
            {
                JobProgression.Cancel(job, context.Now);
            }

            return null;
        });

        if (problem is not null && problem.ExceptionType == ClusterProblem.DoesNotExist(cluster).ExceptionType)
        {
            // SkyPilot's cancel turns ClusterDoesNotExist (a ValueError) into click.UsageError: exit 2.
            throw context.Usage($"Cluster '{cluster}' does not exist.");
        }

        if (problem is not null)
        {
            return context.Raise(problem.ExceptionType, problem.Message);
        }

        context.Out.WriteLine($"Cancelling {selection} on cluster '{cluster}'...");
        return 0;
    }
}
