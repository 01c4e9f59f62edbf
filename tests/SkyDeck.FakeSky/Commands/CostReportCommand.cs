using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using SkyDeck.FakeSky.Cli;
using SkyDeck.FakeSky.Control;
using SkyDeck.FakeSky.Hosting;
using SkyDeck.FakeSky.Output;
using SkyDeck.FakeSky.State;

namespace SkyDeck.FakeSky.Commands;

/// <summary>
/// <c>sky cost-report [-a] [--days N] [-o json]</c>, as SkyPilot master prints it (snapshot 059757f): one record per
/// cluster incarnation, the live clusters and the torn-down ones (TERMINATED) whose last activity is within the last N
/// days (default 30, 0 = all), newest launch first. Always exits 0.
/// </summary>
/// <remarks>
/// Sources: <c>sky/client/cli/command.py</c> 2489–2594 (options, JSON, total and notes),
/// <c>sky/utils/cli_utils/status_utils.py</c> 135–222 and 379–437 (the table: title <c>Clusters (last N days)</c>,
/// columns <c>NAME LAUNCHED DURATION RESOURCES STATUS COST/hr COST (est.)</c>, live rows first, at most 5 without
/// <c>--all</c>; <c>TERMINATED</c> dim; <c>$ 1.23</c>, <c>-</c> for no cost), <c>sky/core.py</c> 399 and
/// <c>sky/global_user_state.py</c> 2274–2439 (the records: <c>launched_at</c> is the first interval's start,
/// <c>duration</c> the intervals summed up to now). <c>-o</c> exists only when <see cref="FakeSkyControl.HasCostReportJson"/>.
/// No controller clusters exist in the fake, so there are no controller sections.
/// </remarks>
internal sealed class CostReportCommand : ISkyCommand
{
    private const int LinesShown = 5;

    public string Name => "cost-report";

    public CommandSpec CreateSpec(FakeSkyControl control) => new(
        Name,
        "Show estimated costs for launched clusters.",
        [
            OptionSpec.Flag("all", "Show all cluster information.", "-a", "--all"),
            OptionSpec.Integer("days", "Show clusters from the last N days. Default is 30 days. If set to 0, show all clusters.", "--days"),
            .. control.HasCostReportJson() ? CommonOptions.OutputIfSupported(control) : [],
        ],
        []);

    public int Execute(ParsedArgs args, CommandContext context)
    {
        var days = args.Integer("days") ?? 30;
        var state = context.Home.ReadState();
        var records = Records(state, days, context.Now);

        if (CommonOptions.WantsJson(args))
        {
            context.Out.WriteLine(JsonSerializer.Serialize(records.Select(r => Json(r, context.Now)).ToList(), FakeSkyJson.Indented));
            return 0;
        }

        var all = args.Flag("all");
        // Python's sort is stable: live clusters first, each group newest launch first.
        var shown = records.OrderBy(r => r.Terminated ? 1 : 0).Take(all ? int.MaxValue : LinesShown).ToList();
        if (shown.Count > 0)
        {
            context.Out.WriteLine(context.Style.InCyan(context.Style.Bold(days == 0 ? "Clusters" : $"Clusters (last {days} days)")));
            var table = new PrettyTable(["NAME", "LAUNCHED", "DURATION", "RESOURCES", "STATUS", "COST/hr", "COST (est.)"]);
            foreach (var r in shown)
            {
                var cost = Cost(r, context.Now);
                table.AddRow(
                    r.Cluster.Name,
                    HumanTime.Ago(r.LaunchedAt, context.Now),
                    HumanTime.Duration(0, Duration(r.Cluster, context.Now), context.Now),
                    $"{r.Cluster.NumNodes}x {ResourcesText(r.Cluster)}",
                    r.Terminated ? context.Style.Dim("TERMINATED") : context.Style.ClusterStatus(r.Cluster.Status),
                    $"$ {Money(Hourly(r.Cluster))}",
                    cost == 0 ? "-" : $"$ {Money(cost)}");
            }

            context.Out.WriteLines(table.Lines());
        }

        context.Out.WriteLine();
        context.Out.WriteLine(context.Style.Bold($"Total Cost: ${Money(shown.Sum(r => Cost(r, context.Now)))}"));
        if (!all)
        {
            context.Out.WriteLine(context.Style.InYellow($"Showing up to {LinesShown} most recent clusters. To see all clusters in history, pass the --all flag."));
        }

        context.Out.WriteLine(context.Style.InYellow("This feature is experimental. Costs for clusters with auto{stop,down} scheduled may not be accurate."));
        return 0;
    }

    /// <param name="Incarnation">How many earlier incarnations of this name SkyPilot has a record of: with the name, it
    /// makes the record's <c>cluster_hash</c> (SkyPilot's is a fresh id per launch), unique even within one second.</param>
    private sealed record Record(FakeCluster Cluster, bool Terminated, long LaunchedAt, int Incarnation);

    /// <summary>Live clusters always; torn-down ones whose last activity is within <paramref name="days"/> days (0: all); newest launch first.</summary>
    private static List<Record> Records(FakeSkyState state, int days, double now)
    {
        var cutoff = days == 0 ? double.MinValue : now - days * 86400.0;
        var incarnations = new Dictionary<string, int>(StringComparer.Ordinal); // name → torn-down incarnations so far
        var torn = new List<Record>();
        foreach (var c in state.History)
        {
            var before = incarnations.GetValueOrDefault(c.Name);
            incarnations[c.Name] = before + 1;
            if (LastActivity(c) >= cutoff) torn.Add(new Record(c, true, LaunchedAt(c), before));
        }

        return
        [
            .. state.Clusters.Select(c => new Record(c, false, LaunchedAt(c), incarnations.GetValueOrDefault(c.Name)))
                .Concat(torn)
                .OrderByDescending(r => r.LaunchedAt),
        ];
    }

    private static List<FakeInterval> Intervals(FakeCluster c) =>
        c.UsageIntervals.Count > 0 ? c.UsageIntervals : [new FakeInterval { Start = c.LaunchedAt }];

    private static long LaunchedAt(FakeCluster c) => Intervals(c)[0].Start;

    private static double LastActivity(FakeCluster c) => Intervals(c)[^1] is var last && last.End is { } end ? end : last.Start;

    /// <summary>SkyPilot's <c>_get_cluster_duration</c>: every interval, an open one up to now, in whole seconds.</summary>
    private static long Duration(FakeCluster c, double now) => Intervals(c).Sum(i => (i.End ?? (long)now) - i.Start);

    private static double Hourly(FakeCluster c) =>
        Catalog.Choose(new Infra(c.Cloud, c.Region, c.Zone), c.Accelerators, ClusterText.Number(c.Cpus), c.NumNodes).HourlyCost;

    private static double Cost(Record r, double now) => Hourly(r.Cluster) * Duration(r.Cluster, now) / 3600.0;

    private static string Money(double value) => value.ToString("0.00", CultureInfo.InvariantCulture);

    /// <summary><c>str(Resources)</c>: <c>AWS(p4d.24xlarge, {'A100': 4})</c>, <c>[Spot]</c> for spot.</summary>
    private static string ResourcesText(FakeCluster c)
    {
        var parts = new List<string> { c.InstanceType + (c.UseSpot ? "[Spot]" : "") };
        if (c.Accelerators is { } gpus)
        {
            var (name, count) = Catalog.SplitAccelerator(gpus);
            parts.Add($"{{'{name}': {ClusterText.Number(count)}}}");
        }

        return $"{c.Cloud}({string.Join(", ", parts)})";
    }

    private static CostReportJson Json(Record r, double now)
    {
        var c = r.Cluster;
        var accelerators = c.Accelerators is { } gpus ? Catalog.SplitAccelerator(gpus) : default;
        return new CostReportJson(
            c.Name,
            r.LaunchedAt,
            Duration(c, now),
            c.NumNodes,
            new CostReportResources(
                c.Cloud.ToLowerInvariant() + (c.Region is { } region ? "/" + region : ""),
                c.InstanceType,
                c.Accelerators is null ? null : new Dictionary<string, double> { [accelerators.Name] = accelerators.Count },
                c.UseSpot),
            Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{c.Name}/{r.Incarnation}/{r.LaunchedAt}")))[..8],
            [.. Intervals(c).Select(i => new long?[] { i.Start, i.End })],
            r.Terminated ? "TERMINATED" : c.Status,
            FakeIdentity.UserHash,
            FakeIdentity.UserName,
            "default",
            c.LastUse,
            Math.Round(Cost(r, now), 6),
            c.Cloud,
            c.Region,
            ClusterText.Number(c.Cpus),
            ClusterText.Number(c.Memory),
            c.Accelerators is null ? null : $"{{'{accelerators.Name}': {ClusterText.Number(accelerators.Count)}}}",
            ClusterText.Resources(c),
            ClusterText.ResourcesFull(c));
    }
}

/// <summary>One record of <c>sky cost-report -o json</c> (<c>sky/core.py cost_report</c> with <c>resources.to_yaml_config()</c>).</summary>
internal sealed record CostReportJson(
    string Name,
    long LaunchedAt,
    long Duration,
    int NumNodes,
    CostReportResources Resources,
    string ClusterHash,
    IReadOnlyList<long?[]> UsageIntervals,
    string Status,
    string UserHash,
    string UserName,
    string Workspace,
    string LastCreationCommand,
    double TotalCost,
    string Cloud,
    string? Region,
    string Cpus,
    string Memory,
    string? Accelerators,
    string ResourcesStr,
    string ResourcesStrFull);

internal sealed record CostReportResources(string Infra, string InstanceType, IReadOnlyDictionary<string, double>? Accelerators, bool UseSpot);
