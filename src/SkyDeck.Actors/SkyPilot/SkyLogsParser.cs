using System.Collections.Immutable;
using System.Globalization;
using System.Text.RegularExpressions;
using SkyDeck.Actors.Core;

namespace SkyDeck.Actors.SkyPilot;

/// <summary>
/// Reads what <c>sky logs CLUSTER JOB --no-follow --tail N</c> prints (SKYPILOT_CLI.md §6.4, §1.3): colour (SGR)
/// sequences kept for the dashboard to render, every other escape sequence removed, matching done on the plain text,
/// SkyPilot's <c>Tailing logs of job N on cluster 'c'...</c> line dropped, and the exit codes of a failed job from
/// <c>ERROR: Job N failed with return code list: [1]</c> (multi-node: <c>[137, 1, 137 137] (A worker failed with
/// return code 1, …)</c>).
/// </summary>
public static partial class SkyLogsParser
{
    [GeneratedRegex(@"^\s*Tailing logs of job \d+ on cluster '[^']*'\.*\s*$", RegexOptions.CultureInvariant)]
    private static partial Regex TailingLine();

    [GeneratedRegex(@"failed with return code list:\s*\[(?<codes>[^\]]*)\]", RegexOptions.CultureInvariant)]
    private static partial Regex ReturnCodeList();

    [GeneratedRegex(@"A worker failed with return code (?<code>-?\d+)", RegexOptions.CultureInvariant)]
    private static partial Regex WorkerFailed();

    [GeneratedRegex(@"-?\d+", RegexOptions.CultureInvariant)]
    private static partial Regex Number();

    [GeneratedRegex(@"\x1B(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1B]*(?:\x07|\x1B\\)|[@-Z\\-_])", RegexOptions.CultureInvariant)]
    private static partial Regex Escape();

    [GeneratedRegex(@"^\x1B\[[0-9;]*m$", RegexOptions.CultureInvariant)]
    private static partial Regex Colour();

    /// <summary>The line with its colour codes and nothing else of the terminal's (cursor moves, titles, …).</summary>
    public static string KeepColours(string line) => Escape().Replace(line, m => Colour().IsMatch(m.Value) ? m.Value : "");

    /// <summary>The job's lines (the last <paramref name="tail"/>), whether more existed, and its exit codes.</summary>
    public static LogTail Parse(string output, int tail)
    {
        ArgumentNullException.ThrowIfNull(output);
        var lines = output.Replace("\r\n", "\n", StringComparison.Ordinal).Replace('\r', '\n').Split('\n').Select(KeepColours).ToList();
        while (lines.Count > 0 && lines[^1].Length == 0) lines.RemoveAt(lines.Count - 1);
        lines.RemoveAll(l => TailingLine().IsMatch(SkyOutput.StripAnsi(l)));

        var codes = ImmutableArray<int>.Empty;
        int? failing = null;
        foreach (var line in lines.Select(SkyOutput.StripAnsi))
        {
            var list = ReturnCodeList().Match(line);
            if (!list.Success) continue;
            codes = [.. Number().Matches(list.Groups["codes"].Value).Select(m => int.TryParse(m.Value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n) ? n : (int?)null).OfType<int>()];
            var worker = WorkerFailed().Match(line);
            failing = worker.Success && int.TryParse(worker.Groups["code"].Value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var w) ? w
                : FailingCode(codes);
        }

        var truncated = tail > 0 && lines.Count > tail;
        var kept = tail > 0 ? lines.Skip(Math.Max(0, lines.Count - tail)) : lines;
        return new LogTail([.. kept], truncated || tail > 0 && lines.Count == tail, codes, failing);
    }

    /// <summary>
    /// Without SkyPilot's sentence naming the worker: the first code that is neither 0 nor 137 (SkyPilot kills the other
    /// nodes' processes with 137 once one fails), else the first non-zero one.
    /// </summary>
    public static int? FailingCode(ImmutableArray<int> codes)
    {
        foreach (var c in codes) if (c is not 0 and not 137) return c;
        foreach (var c in codes) if (c != 0) return c;
        return null;
    }
}
