using System.Collections.Immutable;
using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using SkyDeck.Actors.Core;

namespace SkyDeck.Actors.SkyPilot;

/// <summary>
/// Parses the stdout of <c>sky queue c1 c2 …</c>, either <c>-o json</c> (an object keyed by cluster, read from the
/// first line that starts with <c>{</c>) or the tables of every known layout (columns found by name).
/// A job without a name (<c>-</c> in the table, <c>null</c>/<c>-</c> in JSON) gets <see cref="ObservedJob.Name"/> = "".
/// Table times are relative to <c>now</c> and therefore approximate; <see cref="ObservedJob.EndedAt"/> is
/// STARTED + DURATION for terminal jobs and null when either is missing. A cluster whose queue could not be read,
/// or that was requested but not reported, lands in <see cref="QueueReport.Failed"/>.
/// Unrecognisable or truncated output throws <see cref="SkyOutputException"/>.
/// </summary>
public static partial class SkyQueueParser
{
    public const string NotReported = "not reported by sky queue";

    public static QueueReport Parse(string stdout, IReadOnlyCollection<string> requestedClusters, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(stdout);
        ArgumentNullException.ThrowIfNull(requestedClusters);
        var lines = SkyOutput.Lines(stdout);
        var failed = ReadFailures(lines);
        var jsonLine = SkyOutput.FirstLineStartingWith(lines, '{');
        var jobs = jsonLine >= 0 ? ReadJson(lines, jsonLine) : ReadTables(lines, now);

        if (jsonLine < 0 && jobs.Count == 0 && failed.Count == 0 && requestedClusters.Count > 0)
        {
            throw new SkyOutputException($"sky queue printed neither a job queue nor a failure: {SkyOutput.Excerpt(lines)}");
        }

        var failures = failed.Where(f => !jobs.ContainsKey(f.Key)).ToImmutableDictionary(StringComparer.Ordinal);
        foreach (var cluster in requestedClusters)
        {
            if (!jobs.ContainsKey(cluster) && !failures.ContainsKey(cluster))
            {
                failures = failures.SetItem(cluster, NotReported);
            }
        }

        return new QueueReport(jobs, failures);
    }

    private static Dictionary<string, string> ReadFailures(ImmutableArray<string> lines)
    {
        var failed = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < lines.Length; i++)
        {
            var m = FailureLine().Match(lines[i]);
            if (!m.Success)
            {
                continue;
            }

            var next = i + 1 < lines.Length ? lines[i + 1] : string.Empty;
            var reason = next.Length > 0 && char.IsWhiteSpace(next[0]) && next.Trim().Length > 0
                ? next.Trim()
                : "Failed to get the job queue";
            failed[m.Groups["name"].Value] = reason;
        }

        return failed;
    }

    private static ImmutableDictionary<string, ImmutableArray<ObservedJob>> ReadTables(ImmutableArray<string> lines, DateTimeOffset now)
    {
        var jobs = ImmutableDictionary.CreateBuilder<string, ImmutableArray<ObservedJob>>(StringComparer.Ordinal);
        for (var i = 0; i < lines.Length; i++)
        {
            var m = SectionLine().Match(lines[i]);
            if (!m.Success)
            {
                continue;
            }

            var end = i + 1;
            while (end < lines.Length && !SectionLine().IsMatch(lines[end]) && !FailureLine().IsMatch(lines[end]))
            {
                end++;
            }

            jobs[m.Groups["name"].Value] = ReadSection(lines, i + 1, end, now);
            i = end - 1;
        }

        return jobs.ToImmutable();
    }

    private static ImmutableArray<ObservedJob> ReadSection(ImmutableArray<string> lines, int start, int end, DateTimeOffset now)
    {
        var header = SkyOutput.FindHeader(lines, start, end, "ID", "STATUS");
        if (header < 0)
        {
            return [];
        }

        var result = ImmutableArray.CreateBuilder<ObservedJob>();
        foreach (var row in SkyOutput.ReadTable(lines, header, end).Rows)
        {
            if (!long.TryParse(row["ID"], NumberStyles.None, CultureInfo.InvariantCulture, out var id))
            {
                break;
            }

            var rawStatus = row["STATUS"];
            var status = SkyStatusText.ParseJobStatus(rawStatus);
            var started = SkyOutput.ParseRelativeTime(Cell(row, "STARTED"), now);
            var duration = SkyOutput.ParseDuration(Cell(row, "DURATION"));
            var ended = status is { } s && s.IsTerminal() && started is { } st && duration is { } d ? st + d : (DateTimeOffset?)null;
            result.Add(new ObservedJob(
                id,
                NormaliseName(Cell(row, "NAME")),
                status,
                rawStatus,
                SkyOutput.ParseRelativeTime(Cell(row, "SUBMITTED"), now),
                started,
                ended,
                Cell(row, "RESOURCES") is { Length: > 0 } resources ? resources : null));
        }

        return result.ToImmutable();
    }

    private static string Cell(ImmutableDictionary<string, string> row, string column) =>
        row.TryGetValue(column, out var value) ? value : string.Empty;

    private static ImmutableDictionary<string, ImmutableArray<ObservedJob>> ReadJson(ImmutableArray<string> lines, int jsonLine)
    {
        using var document = SkyOutput.ParseJson(lines, jsonLine, "sky queue");
        if (document.RootElement.ValueKind != JsonValueKind.Object)
        {
            throw new SkyOutputException("sky queue JSON is not an object keyed by cluster name");
        }

        var jobs = ImmutableDictionary.CreateBuilder<string, ImmutableArray<ObservedJob>>(StringComparer.Ordinal);
        foreach (var cluster in document.RootElement.EnumerateObject())
        {
            jobs[cluster.Name] = cluster.Value.ValueKind switch
            {
                JsonValueKind.Null => [],
                JsonValueKind.Array => [.. cluster.Value.EnumerateArray().Select(r => ReadRecord(cluster.Name, r))],
                _ => throw new SkyOutputException($"sky queue JSON for cluster '{cluster.Name}' is not a list of jobs"),
            };
        }

        return jobs.ToImmutable();
    }

    private static ObservedJob ReadRecord(string cluster, JsonElement record)
    {
        if (record.ValueKind != JsonValueKind.Object || JsonId(Property(record, "job_id")) is not { } id)
        {
            throw new SkyOutputException($"sky queue JSON for cluster '{cluster}' has a job without a job_id");
        }

        var rawStatus = JsonText(Property(record, "status")) ?? string.Empty;
        return new ObservedJob(
            id,
            NormaliseName(JsonText(Property(record, "job_name"))),
            SkyStatusText.ParseJobStatus(rawStatus[(rawStatus.LastIndexOf('.') + 1)..]),
            rawStatus,
            JsonTime(Property(record, "submitted_at")),
            JsonTime(Property(record, "start_at")),
            JsonTime(Property(record, "end_at")),
            JsonText(Property(record, "resources")));
    }

    private static JsonElement? Property(JsonElement record, string name) =>
        record.TryGetProperty(name, out var value) ? value : null;

    private static string? JsonText(JsonElement? value) => value switch
    {
        { ValueKind: JsonValueKind.String } v => v.GetString(),
        { ValueKind: JsonValueKind.Number } v => v.GetRawText(),
        _ => null,
    };

    private static long? JsonId(JsonElement? value) => value switch
    {
        { ValueKind: JsonValueKind.Number } v when v.TryGetInt64(out var id) => id,
        { ValueKind: JsonValueKind.Number } v when v.TryGetDouble(out var d) && d == Math.Floor(d) && Math.Abs(d) < 9e15 => (long)d,
        { ValueKind: JsonValueKind.String } v when long.TryParse(v.GetString(), NumberStyles.None, CultureInfo.InvariantCulture, out var id) => id,
        _ => null,
    };

    private static DateTimeOffset? JsonTime(JsonElement? value)
    {
        double? seconds = value switch
        {
            { ValueKind: JsonValueKind.Number } v when v.TryGetDouble(out var d) => d,
            { ValueKind: JsonValueKind.String } v when double.TryParse(v.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var d) => d,
            _ => null,
        };
        if (seconds is { } s)
        {
            return s > 0 && s < 253402300799 ? DateTimeOffset.FromUnixTimeMilliseconds((long)Math.Round(s * 1000)) : null;
        }

        return value is { ValueKind: JsonValueKind.String } iso
            && DateTimeOffset.TryParse(iso.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed)
            ? parsed
            : null;
    }

    private static string NormaliseName(string? name) => name?.Trim() is null or "" or "-" ? string.Empty : name.Trim();

    [GeneratedRegex(@"^\s*Failed to get the job queue for cluster\s+['""](?<name>[^'""]+)['""]")]
    private static partial Regex FailureLine();

    [GeneratedRegex(@"^\s*Job queue of\b.*?\bcluster\s+['""]?(?<name>[^\s'""]+?)['""]?\s*:?\s*$")]
    private static partial Regex SectionLine();
}
