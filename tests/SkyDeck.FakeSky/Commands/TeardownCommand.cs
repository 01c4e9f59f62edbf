using SkyDeck.FakeSky.Cli;
using SkyDeck.FakeSky.Control;
using SkyDeck.FakeSky.State;

namespace SkyDeck.FakeSky.Commands;

/// <summary>
/// <c>sky stop</c> and <c>sky down</c> (SkyPilot's <c>_down_or_stop_clusters</c>). Stop keeps the cluster as
/// STOPPED and cancels its unfinished jobs; down removes it with its jobs. Like the real CLI the command exits 0
/// even when a cluster failed or none matched — including a cluster its cloud cannot stop (spot on AWS; Kubernetes,
/// Lambda, RunPod…), which SkyPilot reports as <c>Stopping cluster 'x'... skipped.</c> with the reason.
/// </summary>
internal sealed class TeardownCommand(bool terminate) : ISkyCommand
{
    public string Name => terminate ? "down" : "stop";

    /// <summary>Marks a failure that SkyPilot reports as a skipped stop (its cloud cannot stop the cluster).</summary>
    private const string StopSkipped = "skipped:";

    /// <summary>Clouds without SkyPilot's STOP feature: their clusters can only be torn down.</summary>
    private static readonly HashSet<string> CannotStop = ["Kubernetes", "Lambda", "RunPod", "Fluidstack", "Vast", "Slurm", "SSH"];

    private string Verb => terminate ? "Terminating" : "Stopping";

    public CommandSpec CreateSpec(FakeSkyControl control) => new(
        Name,
        terminate ? "Tear down cluster(s)." : "Stop cluster(s).",
        [
            OptionSpec.Flag("all", $"{(terminate ? "Tear down" : "Stop")} all existing clusters.", "-a", "--all"),
            CommonOptions.AllUsers,
            CommonOptions.Yes,
            CommonOptions.Async,
            .. terminate ? [OptionSpec.Flag("purge", "Remove the cluster from the status table even if teardown fails.", "-p", "--purge")] : Array.Empty<OptionSpec>(),
            OptionSpec.Flag("graceful", "Wait for running jobs to finish first.", "--graceful"),
        ],
        [new ArgumentSpec("CLUSTERS", Required: false, Variadic: true)]);

    public int Execute(ParsedArgs args, CommandContext context)
    {
        var everything = args.Flag("all") || args.Flag("all_users");
        if (args.Positionals.Count == 0 && !everything)
        {
            throw context.Usage(
                $"`sky {Name}` requires either a cluster name or glob (see `sky status`), or the -a/--all flag.");
        }

        var names = ClusterSelection.Resolve(context.Home.ReadState(), args.Positionals, everything);
        if (names.Count == 0)
        {
            context.Out.WriteLine("Cluster(s) not found (tip: see `sky status`).");
            return 0;
        }

        if (!args.Flag("yes"))
        {
            var noun = names.Count == 1 ? "cluster" : "clusters";
            return context.AbortAtPrompt($"{Verb} {names.Count} {noun}: {string.Join(", ", names)}. Proceed?");
        }

        var outcomes = context.Home.Update(state => names.Select(name => (name, failure: Apply(state, name, context.Now))).ToList());
        foreach (var (name, failure) in outcomes)
        {
            if (failure is null)
            {
                context.Out.WriteLine(context.Style.InGreen($"{Verb} cluster {name}...done."));
                if (!terminate)
                {
                    context.Out.WriteLine($"  To restart the cluster, run: {context.Style.Bold($"sky start {name}")}");
                }
            }
            else if (failure.StartsWith(StopSkipped, StringComparison.Ordinal))
            {
                // SkyPilot's NotSupportedError text (sky/core.py `stop`), printed as is: not a "...failed." line.
                context.Out.WriteLine(context.Style.InYellow($"Stopping cluster '{name}'... skipped."));
                context.Out.WriteLine($"  {failure[StopSkipped.Length..]}.");
                context.Out.WriteLine($"  To terminate the cluster instead, run: {context.Style.Bold($"sky down {name}")}");
            }
            else
            {
                context.Out.WriteLine(context.Style.InRed($"{Verb} cluster {name}...failed. "));
                context.Out.WriteLine($"Reason: {failure}.");
            }
        }

        WriteSummary(context, outcomes);
        return 0;
    }

    /// <summary>Returns the failure reason, or null on success. A cluster that vanished meanwhile counts as done.</summary>
    private string? Apply(FakeSkyState state, string name, double now)
    {
        var cluster = state.FindCluster(name);
        if (cluster is null)
        {
            return null;
        }

        if (terminate)
        {
            state.Terminate(cluster, now);
            return null;
        }

        if (cluster.UseSpot && cluster.Cloud == "AWS")
        {
            return StopSkipped + "Stopping spot instances is currently not supported on AWS";
        }

        if (CannotStop.Contains(cluster.Cloud))
        {
            return StopSkipped + $"Stopping is currently not supported for {cluster.Cloud}";
        }

        cluster.Status = ClusterStatuses.Stopped;
        cluster.Closed(now);
        foreach (var job in cluster.Jobs)
        {
            JobProgression.Cancel(job, now);
        }

        return null;
    }

    private void WriteSummary(CommandContext context, List<(string Name, string? Failure)> outcomes)
    {
        var failed = outcomes.Where(o => o.Failure is not null).ToList();
        if (outcomes.Count > 1)
        {
            context.Out.WriteLine();
            context.Out.WriteLine("Summary:");
            var succeeded = outcomes.Where(o => o.Failure is null).Select(o => o.Name).ToList();
            if (succeeded.Count > 0)
            {
                context.Out.WriteLine($"  ✓ Succeeded: {string.Join(", ", succeeded)}");
            }

            if (failed.Count > 0)
            {
                context.Out.WriteLine($"  ✗ Failed: {string.Join(", ", failed.Select(f => $"{f.Name} ({f.Failure})"))}");
            }
        }

        if (failed.Count > 0)
        {
            var purgeHint = terminate
                ? " If you want to ignore the errors and remove the cluster(s) from the status table, use `sky down --purge`."
                : "";
            context.Out.WriteLine(context.Style.InRed($"Cluster(s) failed. See details above.{purgeHint}"));
        }
    }
}
