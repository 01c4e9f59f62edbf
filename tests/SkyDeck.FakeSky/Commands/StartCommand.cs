using SkyDeck.FakeSky.Cli;
using SkyDeck.FakeSky.Control;
using SkyDeck.FakeSky.State;

namespace SkyDeck.FakeSky.Commands;

/// <summary><c>sky start CLUSTERS…</c>: STOPPED clusters become UP again (their jobs stay as they were).</summary>
internal sealed class StartCommand : ISkyCommand
{
    public string Name => "start";

    public CommandSpec CreateSpec(FakeSkyControl control) => new(
        Name,
        "Restart cluster(s).",
        [
            OptionSpec.Flag("all", "Start all existing clusters.", "-a", "--all"),
            CommonOptions.Yes,
            OptionSpec.Integer("idle_minutes", "Automatically stop the cluster after this many idle minutes.", "-i", "--idle-minutes-to-autostop"),
            OptionSpec.Flag("down", "Autodown the cluster when idle.", "--down"),
            OptionSpec.Flag("retry_until_up", "Retry provisioning until the cluster is up.", "-r", "--retry-until-up"),
            OptionSpec.Flag("force", "Force start the cluster even if it is already UP.", "-f", "--force"),
            CommonOptions.Async,
        ],
        [new ArgumentSpec("CLUSTERS", Required: false, Variadic: true)]);

    public int Execute(ParsedArgs args, CommandContext context)
    {
        if (args.Positionals.Count == 0 && !args.Flag("all"))
        {
            throw context.Usage("`sky start` requires either a cluster name or glob (see `sky status`), or the -a/--all flag.");
        }

        var state = context.Home.ReadState();
        var names = ClusterSelection.Resolve(state, args.Positionals, args.Flag("all"));
        if (names.Count == 0)
        {
            context.Out.WriteLine("Cluster(s) not found (tip: see `sky status`).");
            return 0;
        }

        var stopped = names.Where(n => state.FindCluster(n)?.Status != ClusterStatuses.Up).ToList();
        if (stopped.Count > 0 && !args.Flag("yes"))
        {
            var noun = stopped.Count == 1 ? "cluster" : "clusters";
            return context.AbortAtPrompt($"Restarting {stopped.Count} {noun}: {string.Join(", ", stopped)}. Proceed?");
        }

        var started = context.Home.Update(current =>
        {
            var changed = new List<string>();
            foreach (var cluster in names.Select(current.FindCluster).OfType<FakeCluster>())
            {
                if (cluster.Status != ClusterStatuses.Up)
                {
                    cluster.Status = ClusterStatuses.Up;
                    cluster.LaunchedAt = (long)context.Now;
                    cluster.Opened(context.Now);
                    changed.Add(cluster.Name);
                }

                if (args.Integer("idle_minutes") is { } idle)
                {
                    cluster.Autostop = idle;
                }
            }

            return changed;
        });

        foreach (var name in names)
        {
            context.Out.WriteLine(started.Contains(name)
                ? context.Style.InGreen($"Cluster {name} started.")
                : $"Cluster {name} already has status {ClusterStatuses.Up}.");
        }

        return 0;
    }
}
