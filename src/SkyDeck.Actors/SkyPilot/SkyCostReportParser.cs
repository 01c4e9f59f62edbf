using System.Collections.Immutable;
using System.Text.Json;
using System.Text.RegularExpressions;
using SkyDeck.Actors.Core;

namespace SkyDeck.Actors.SkyPilot;

/// <summary>
/// Parses the stdout of <c>sky cost-report --all [-o json]</c>. Anything it cannot read throws <see cref="SkyOutputException"/>.
/// </summary>
/// <remarks>
/// The format, as SkyPilot master (snapshot 059757f, June 2026) prints it:
/// <list type="bullet">
/// <item>CLI (<c>sky/client/cli/command.py</c> 2489–2594): options <c>-a/--all</c> (every record; without it the table
///   shows only the 5 newest, <c>status_utils.NUM_COST_REPORT_LINES</c>), <c>--days N</c> (default 30, 0 = all; since
///   June 2025, PR #6041) and <c>-o/--output table|json</c> (since PR #9504, May 2026: older clients answer it with
///   Click's <c>No such option: -o</c>, exit 2). A client without the command at all answers Click's
///   <c>Error: No such command 'cost-report'.</c>, exit 2. Otherwise it exits 0. Records of SkyPilot's controllers are
///   shown in their own sections (titled e.g. <c>Managed jobs controller (will be autostopped if idle for 10min)</c>).</item>
/// <item>Table (<c>sky/utils/cli_utils/status_utils.py</c> 135–222): a title <c>Clusters (last 30 days)</c>, then a
///   borderless prettytable (left aligned, 2 spaces right padding, no separator) with columns
///   <c>NAME  LAUNCHED  DURATION  RESOURCES  STATUS  COST/hr  COST (est.)</c>, non-terminated rows first; then
///   <c>Total Cost: $1.23</c> and yellow notes (<c>Showing up to 5 most recent clusters…</c>, <c>This feature is
///   experimental…</c>). LAUNCHED is <c>log_utils.readable_time_duration(launched_at)</c> (248): pendulum's
///   <c>diff_for_humans</c> shortened, e.g. <c>2 hrs ago</c>, <c>a few secs ago</c>, <c>1 month ago</c>; DURATION is the
///   absolute form (250) of the summed usage intervals, <c>1h 2m 23s</c>, <c>6m 19s</c>, <c>&lt; 1s</c>, <c>1mo 2w</c>.
///   STATUS (392) is the cluster status or a dim <c>TERMINATED</c> for a torn-down cluster; COST/hr (416) and
///   COST (est.) (428) are <c>$ 0.38</c> / <c>$ 1.11</c> (<c>-</c> for no cost). Layouts before May 2023 called
///   COST/hr <c>HOURLY_PRICE</c>; the first ones (January 2023) had no STATUS and cut long durations with <c>...</c>.</item>
/// <item>JSON (command.py 2548–2562): an indented array of the records of <c>sky/core.py cost_report</c> (399):
///   <c>name</c>, <c>launched_at</c> (epoch seconds of the first interval), <c>duration</c> (seconds up, summed),
///   <c>usage_intervals</c> (<c>[[start, end or null], …]</c>, epoch seconds; an interval is opened by a launch or a
///   start and closed by a stop or a teardown, <c>sky/global_user_state.py</c> 746–761 and 1405–1419), <c>status</c>
///   (<c>UP</c>/<c>STOPPED</c>/<c>INIT</c>, or <c>TERMINATED</c>), <c>num_nodes</c>, <c>resources</c> (a dict),
///   <c>total_cost</c>, <c>cluster_hash</c>, <c>cloud</c>, <c>region</c>… One record per incarnation, newest first.</item>
/// </list>
/// Only JSON gives when a cluster was up (its intervals); a table row gives a rounded launch time and a duration, which
/// is read but cannot place the interval, so nothing is corrected from it (see <c>ClusterLifetimes</c>).
/// </remarks>
public static partial class SkyCostReportParser
{
    public static CostReport Parse(string stdout, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(stdout);
        var lines = SkyOutput.Lines(stdout);
        var jsonLine = SkyOutput.FirstLineStartingWith(lines, '[');
        return jsonLine >= 0 ? ReadJson(lines, jsonLine) : ReadTables(lines, now);
    }

    private static CostReport ReadJson(ImmutableArray<string> lines, int jsonLine)
    {
        using var document = SkyOutput.ParseJson(lines, jsonLine, "sky cost-report");
        if (document.RootElement.ValueKind != JsonValueKind.Array)
            throw new SkyOutputException("sky cost-report JSON is not a list of clusters");

        var clusters = ImmutableArray.CreateBuilder<ClusterLifetime>();
        foreach (var record in document.RootElement.EnumerateArray())
        {
            if (record.ValueKind != JsonValueKind.Object
                || !record.TryGetProperty("name", out var name) || name.ValueKind != JsonValueKind.String
                || string.IsNullOrWhiteSpace(name.GetString()))
                throw new SkyOutputException("sky cost-report JSON has a cluster without a name");

            var raw = record.TryGetProperty("status", out var status) && status.ValueKind == JsonValueKind.String ? status.GetString() ?? "" : "";
            raw = raw[(raw.LastIndexOf('.') + 1)..];
            var duration = Seconds(record, "duration");
            clusters.Add(new ClusterLifetime(
                name.GetString()!,
                Epoch(record, "launched_at"),
                duration is { } d ? TimeSpan.FromSeconds(d) : null,
                SkyStatusText.ParseClusterStatus(raw),
                IsTerminated(raw),
                raw,
                Intervals(record)));
        }

        return new CostReport(clusters.ToImmutable());
    }

    private static ImmutableArray<UsageInterval> Intervals(JsonElement record)
    {
        if (!record.TryGetProperty("usage_intervals", out var intervals) || intervals.ValueKind != JsonValueKind.Array) return [];
        var result = ImmutableArray.CreateBuilder<UsageInterval>();
        foreach (var interval in intervals.EnumerateArray())
        {
            if (interval.ValueKind != JsonValueKind.Array || interval.GetArrayLength() != 2)
                throw new SkyOutputException("sky cost-report JSON has a usage interval that is not a [start, end] pair");
            // SkyPilot skips an interval without a start when it sums the duration; so does SkyDeck.
            if (ToEpoch(interval[0]) is not { } from) continue;
            result.Add(new UsageInterval(from, ToEpoch(interval[1])));
        }

        return [.. result.OrderBy(i => i.From)];
    }

    private static double? Seconds(JsonElement record, string property) =>
        record.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.Number ? value.GetDouble() : null;

    private static DateTimeOffset? Epoch(JsonElement record, string property) =>
        record.TryGetProperty(property, out var value) ? ToEpoch(value) : null;

    private static DateTimeOffset? ToEpoch(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Null => null,
        JsonValueKind.Number => DateTimeOffset.FromUnixTimeMilliseconds((long)Math.Round(value.GetDouble() * 1000)),
        _ => throw new SkyOutputException($"sky cost-report JSON has a time that is not epoch seconds: {value.GetRawText()}"),
    };

    private static CostReport ReadTables(ImmutableArray<string> lines, DateTimeOffset now)
    {
        var clusters = ImmutableArray.CreateBuilder<ClusterLifetime>();
        var tables = 0;
        var start = 0;
        while (SkyOutput.FindHeader(lines, start, lines.Length, "NAME", "LAUNCHED", "DURATION") is var header and >= 0)
        {
            tables++;
            var (rows, end) = SkyOutput.ReadTable(lines, header, lines.Length);
            foreach (var row in rows)
            {
                var cluster = row["NAME"];
                if (cluster.Length == 0) continue;
                var raw = row.TryGetValue("STATUS", out var status) ? status : "";
                clusters.Add(new ClusterLifetime(
                    cluster,
                    SkyOutput.ParseRelativeTime(row["LAUNCHED"], now),
                    SkyOutput.ParseDuration(row["DURATION"]),
                    SkyStatusText.ParseClusterStatus(raw),
                    IsTerminated(raw),
                    raw,
                    []));
            }

            start = Math.Max(end, header + 1);
        }

        // No records at all: SkyPilot prints no table, only the total and its notes.
        if (tables == 0 && !lines.Any(l => TotalCost().IsMatch(l)))
            throw new SkyOutputException($"sky cost-report printed neither a table, a total nor JSON: {SkyOutput.Excerpt(lines)}");
        return new CostReport(clusters.ToImmutable());
    }

    private static bool IsTerminated(string status) => string.Equals(status.Trim(), "TERMINATED", StringComparison.OrdinalIgnoreCase);

    [GeneratedRegex(@"^\s*Total Cost:\s*\$")]
    private static partial Regex TotalCost();
}
