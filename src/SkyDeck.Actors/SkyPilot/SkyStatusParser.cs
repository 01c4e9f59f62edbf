using System.Collections.Immutable;
using System.Text.Json;
using System.Text.RegularExpressions;
using SkyDeck.Actors.Core;

namespace SkyDeck.Actors.SkyPilot;

/// <summary>
/// Parses the stdout of <c>sky status</c>: <c>-o json</c> (an array read from the first line that starts with
/// <c>[</c>, so the stray <c>Cluster(s) not found: …</c> line before it is ignored) or the table under the
/// <c>Clusters</c> title (columns found by name; the Managed jobs, Services and Pools sections are ignored).
/// <c>No existing clusters.</c> and <c>Cluster 'x' not found.</c> give an empty list. Unknown statuses keep
/// <see cref="ObservedCluster.RawStatus"/> with a null <see cref="ObservedCluster.Status"/>.
/// Anything else throws <see cref="SkyOutputException"/>.
/// </summary>
public static partial class SkyStatusParser
{
    public static StatusReport Parse(string stdout, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(stdout);
        var lines = SkyOutput.Lines(stdout);
        var jsonLine = SkyOutput.FirstLineStartingWith(lines, '[');
        return jsonLine >= 0 ? ReadJson(lines, jsonLine) : ReadTable(lines);
    }

    private static StatusReport ReadJson(ImmutableArray<string> lines, int jsonLine)
    {
        using var document = SkyOutput.ParseJson(lines, jsonLine, "sky status");
        if (document.RootElement.ValueKind != JsonValueKind.Array)
        {
            throw new SkyOutputException("sky status JSON is not a list of clusters");
        }

        var clusters = ImmutableArray.CreateBuilder<ObservedCluster>();
        foreach (var record in document.RootElement.EnumerateArray())
        {
            if (record.ValueKind != JsonValueKind.Object
                || !record.TryGetProperty("name", out var name)
                || name.ValueKind != JsonValueKind.String
                || string.IsNullOrWhiteSpace(name.GetString()))
            {
                throw new SkyOutputException("sky status JSON has a cluster without a name");
            }

            var raw = record.TryGetProperty("status", out var status) && status.ValueKind == JsonValueKind.String
                ? status.GetString() ?? string.Empty
                : string.Empty;
            clusters.Add(new ObservedCluster(name.GetString()!, SkyStatusText.ParseClusterStatus(raw[(raw.LastIndexOf('.') + 1)..]), raw));
        }

        return new StatusReport(clusters.ToImmutable());
    }

    private static StatusReport ReadTable(ImmutableArray<string> lines)
    {
        var title = -1;
        for (var i = 0; i < lines.Length && title < 0; i++)
        {
            title = ClustersTitle().IsMatch(lines[i]) ? i : -1;
        }

        if (title < 0)
        {
            return lines.Any(l => NoClusters().IsMatch(l))
                ? new StatusReport([])
                : throw new SkyOutputException($"sky status printed no Clusters section: {SkyOutput.Excerpt(lines)}");
        }

        var start = title + 1;
        while (start < lines.Length && string.IsNullOrWhiteSpace(lines[start]))
        {
            start++;
        }

        var end = start;
        while (end < lines.Length && !string.IsNullOrWhiteSpace(lines[end]))
        {
            end++;
        }

        var header = SkyOutput.FindHeader(lines, start, end, "NAME", "STATUS");
        if (header < 0)
        {
            return lines[start..end].Any(l => NoClusters().IsMatch(l) || NotFound().IsMatch(l))
                ? new StatusReport([])
                : throw new SkyOutputException($"sky status printed a Clusters section without a table: {SkyOutput.Excerpt(lines)}");
        }

        var clusters = ImmutableArray.CreateBuilder<ObservedCluster>();
        foreach (var row in SkyOutput.ReadTable(lines, header, end).Rows)
        {
            if (row["NAME"].Length == 0 || NotFound().IsMatch(row["NAME"]))
            {
                break;
            }

            clusters.Add(new ObservedCluster(row["NAME"], SkyStatusText.ParseClusterStatus(row["STATUS"]), row["STATUS"]));
        }

        return new StatusReport(clusters.ToImmutable());
    }

    [GeneratedRegex(@"^\s*Clusters\s*(?:\(.*\))?\s*:?\s*$")]
    private static partial Regex ClustersTitle();

    [GeneratedRegex(@"^\s*No existing clusters\.?\s*$")]
    private static partial Regex NoClusters();

    [GeneratedRegex(@"^\s*Clusters?(?:\(s\))?\b.*\bnot found\b")]
    private static partial Regex NotFound();
}
