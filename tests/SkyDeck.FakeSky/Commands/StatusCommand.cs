using System.Text.Json;
using SkyDeck.FakeSky.Cli;
using SkyDeck.FakeSky.Control;
using SkyDeck.FakeSky.Hosting;
using SkyDeck.FakeSky.Output;
using SkyDeck.FakeSky.State;

namespace SkyDeck.FakeSky.Commands;

/// <summary>
/// <c>sky status [CLUSTERS]…</c> (names may be globs): the Clusters table and the managed-jobs summary, or with
/// <c>-o json</c> an array of cluster records. Names that match nothing produce SkyPilot's
/// <c>Cluster(s) not found: …</c> logger line (raw bold escapes, even before JSON — issue #10713). Always exits 0.
/// </summary>
internal sealed class StatusCommand : ISkyCommand
{
    public string Name => "status";

    public CommandSpec CreateSpec(FakeSkyControl control) => new(
        Name,
        "Show clusters.",
        [
            OptionSpec.Flag("verbose", "Show all cluster information.", "-v", "--verbose"),
            OptionSpec.Flag("refresh", "Query the latest cluster statuses from the cloud provider(s).", "-r", "--refresh"),
            OptionSpec.Switch("show_managed_jobs", "Also show recent in-progress managed jobs, if any.", ["--show-managed-jobs"], ["--no-show-managed-jobs"]),
            OptionSpec.Switch("show_services", "Also show sky serve services, if any.", ["--show-services"], ["--no-show-services"]),
            OptionSpec.Switch("show_pools", "Also show pools, if any.", ["--show-pools"], ["--no-show-pools"]),
            CommonOptions.AllUsers,
            .. CommonOptions.OutputIfSupported(control),
        ],
        [new ArgumentSpec("CLUSTERS", Required: false, Variadic: true)]);

    public int Execute(ParsedArgs args, CommandContext context)
    {
        var patterns = args.Positionals.Distinct().ToList();
        var all = context.Home.ReadState().Clusters;
        var clusters = patterns.Count == 0 ? all : all.Where(c => patterns.Any(p => Glob.IsMatch(p, c.Name))).ToList();
        var missing = patterns.Where(p => !all.Any(c => Glob.IsMatch(p, c.Name))).ToList();

        if (missing.Count > 0)
        {
            context.Out.WriteLine($"Cluster(s) not found: {Style.BoldCode}{string.Join(", ", missing)}{Style.ResetCode}.");
        }

        if (CommonOptions.WantsJson(args))
        {
            context.Out.WriteLine(JsonSerializer.Serialize(clusters.Select(StatusClusterJson.From).ToList(), FakeSkyJson.Indented));
            return 0;
        }

        context.Out.WriteLine(context.Style.Bold("Clusters"));
        if (clusters.Count > 0)
        {
            context.Out.WriteLines(Table(clusters, args, context).Lines());
        }
        else if (missing.Count > 0)
        {
            context.Out.WriteLine(missing.Count == 1
                ? $"Cluster '{missing[0]}' not found."
                : $"Clusters {string.Join(", ", missing.Select(m => $"'{m}'"))} not found.");
        }
        else
        {
            context.Out.WriteLine("No existing clusters.");
        }

        if (args.Flag("show_managed_jobs", defaultValue: true))
        {
            context.Out.WriteLine();
            context.Out.WriteLine(context.Style.Bold("Managed jobs"));
            context.Out.WriteLine("No in-progress managed jobs.");
        }

        return 0;
    }

    private static PrettyTable Table(IEnumerable<FakeCluster> clusters, ParsedArgs args, CommandContext context)
    {
        var withUser = args.Flag("all_users");
        var verbose = args.Flag("verbose");
        var headers = new List<string> { "NAME" };
        if (withUser)
        {
            headers.Add("USER");
        }

        headers.AddRange(["INFRA", "RESOURCES", "STATUS", "AUTOSTOP", "LAUNCHED"]);
        var table = new PrettyTable(headers);
        foreach (var cluster in clusters)
        {
            var cells = new List<string> { cluster.Name };
            if (withUser)
            {
                cells.Add(FakeIdentity.UserName);
            }

            cells.AddRange(
            [
                ClusterText.Infra(cluster),
                verbose ? ClusterText.ResourcesFull(cluster) : ClusterText.Resources(cluster),
                context.Style.ClusterStatus(cluster.Status),
                ClusterText.Autostop(cluster),
                HumanTime.Ago(cluster.LaunchedAt, context.Now),
            ]);
            table.AddRow([.. cells]);
        }

        return table;
    }
}
