using SkyDeck.FakeSky.Cli;
using SkyDeck.FakeSky.Control;
using SkyDeck.FakeSky.State;

namespace SkyDeck.FakeSky.Commands;

/// <summary>
/// <c>sky exec CLUSTER ENTRYPOINT…</c>: submits a job to an existing, UP cluster. No prompt, no provisioning and
/// no Useful-Commands block; exit codes as for launch.
/// </summary>
internal sealed class ExecCommand : ISkyCommand
{
    public string Name => "exec";

    public CommandSpec CreateSpec(FakeSkyControl control) => new(
        Name,
        "Execute a task or command on an existing cluster.",
        [
            OptionSpec.Text("cluster", "A cluster name (alternative to the CLUSTER argument).", "-c", "--cluster") with { Hidden = true },
            OptionSpec.Flag("detach_run", "If True, as soon as a job is submitted, return from this call.", "-d", "--detach-run"),
            .. TaskRequest.OptionsFor(control),
            CommonOptions.Async,
        ],
        [new ArgumentSpec("CLUSTER", Required: false), new ArgumentSpec("ENTRYPOINT", Required: false, Variadic: true)]);

    public int Execute(ParsedArgs args, CommandContext context)
    {
        var (clusterName, tokens) = args.Value("cluster") is { } named
            ? (named, args.Positionals)
            : (args.Positionals.FirstOrDefault() ?? throw context.Usage("Missing argument 'CLUSTER'."), args.Positionals.Skip(1).ToList());
        if (tokens.Count == 0)
        {
            throw context.Usage("Missing argument 'ENTRYPOINT'.");
        }

        var task = TaskRequest.Read(args, tokens, context.Spec);
        if (task.Entrypoint.LooksLikeMissingYaml)
        {
            return context.AbortAtPrompt(task.Entrypoint.MissingYamlQuestion);
        }

        context.Out.WriteLine(task.Entrypoint.Announcement);
        context.Out.WriteLine($"Submitting job to cluster: {clusterName}");
        var attached = !args.Flag("detach_run") && !args.Flag("async");
        var (job, problem, nodes) = context.Home.Update<(FakeJob? Job, ClusterProblem? Problem, int Nodes)>(state =>
        {
            var cluster = state.FindCluster(clusterName);
            if (cluster is null)
            {
                return (null, ClusterProblem.DoesNotExist(clusterName), 0);
            }

            if (cluster.Status != ClusterStatuses.Up)
            {
                return (null, ClusterProblem.NotUp(clusterName), 0);
            }

            cluster.LastUse = context.CommandLine;
            return (Submissions.Submit(context, cluster, task, attached), null, cluster.NumNodes);
        });

        if (problem is not null)
        {
            return context.Raise(problem.ExceptionType, problem.Message);
        }

        Submissions.Record(context, clusterName, job!, task);
        return Submissions.Report(context, job!, nodes, attached);
    }
}
