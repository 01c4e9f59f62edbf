using System.Collections.Immutable;
using System.Text.RegularExpressions;
using SkyDeck.Actors.Core;

namespace SkyDeck.Actors.SkyPilot;

/// <summary>
/// Classifies a failed <c>sky</c> call from its exit code and output. Precedence, first match wins: exit code 2
/// (Click usage) → ClusterNotFound if a line says the cluster does not exist (<c>sky cancel</c>), else InvalidRequest;
/// a stop SkyPilot skipped because the cloud cannot stop the cluster → StopUnsupported; <c>ResourcesMismatchError</c>
/// → ResourcesMismatch; API server unreachable or unauthenticated → CliUnavailable;
/// <c>ResourcesUnavailableError</c> / <c>Failed to provision</c> → NoCapacity; <c>ClusterDoesNotExist</c> →
/// ClusterNotFound; <c>InvalidSpec</c>, <c>ValueError</c>, Click <c>Usage:</c> / <c>Error: </c> lines or the
/// yaml-path prompt → InvalidRequest; <c>capacity</c> / <c>quota</c> → NoCapacity; a line about a cluster that
/// <c>does not exist</c> or is <c>not found</c> → ClusterNotFound; otherwise Unknown. Timeout and a missing
/// executable are decided by the process layer, never here. The reason is the last exception line, else the Click
/// <c>Error:</c> line, else the line that decided the kind, else the last non-empty line (stderr before stdout),
/// cut to 300 characters.
/// </summary>
public static partial class SkyFailureClassifier
{
    public const int MaxReasonLength = 300;

    private static readonly string[] CliUnavailablePhrases =
    [
        "Could not connect to SkyPilot API server",
        "Authentication required for SkyPilot API server",
        "No SkyPilot API server is connected",
    ];

    private static readonly (SkyFailureKind Kind, Func<string, bool> Matches)[] Rules =
    [
        (SkyFailureKind.StopUnsupported, l => StopUnsupportedLine().IsMatch(l)),
        (SkyFailureKind.ResourcesMismatch, l => l.Contains("ResourcesMismatchError", StringComparison.Ordinal)
            || l.Contains("Requested resources do not match the existing cluster", StringComparison.Ordinal)),
        (SkyFailureKind.CliUnavailable, l => CliUnavailablePhrases.Any(p => l.Contains(p, StringComparison.OrdinalIgnoreCase))),
        (SkyFailureKind.NoCapacity, l => l.Contains("ResourcesUnavailableError", StringComparison.Ordinal)
            || l.Contains("Failed to provision", StringComparison.OrdinalIgnoreCase)),
        (SkyFailureKind.ClusterNotFound, l => l.Contains("ClusterDoesNotExist", StringComparison.Ordinal)),
        (SkyFailureKind.InvalidRequest, l => InvalidRequestLine().IsMatch(l)),
        (SkyFailureKind.NoCapacity, l => l.Contains("capacity", StringComparison.OrdinalIgnoreCase)
            || l.Contains("quota", StringComparison.OrdinalIgnoreCase)),
        (SkyFailureKind.ClusterNotFound, l => MissingClusterLine().IsMatch(l)),
    ];

    public static SkyFailure Classify(int exitCode, string stdout, string stderr)
    {
        var errorLines = NonEmptyLines(stderr);
        var outputLines = NonEmptyLines(stdout);
        var (kind, decidingLine) = Decide(exitCode, errorLines.AddRange(outputLines));
        var reason = Pick(errorLines, outputLines, l => ExceptionLine().IsMatch(l))
            ?? Pick(errorLines, outputLines, l => l.StartsWith("Error:", StringComparison.Ordinal))
            ?? decidingLine
            ?? Pick(errorLines, outputLines, _ => true)
            ?? $"sky exited with code {exitCode} and printed nothing";
        return new SkyFailure(kind, Shorten(reason));
    }

    private static ImmutableArray<string> NonEmptyLines(string? text) =>
        [.. SkyOutput.Lines(text ?? string.Empty).Select(l => l.Trim()).Where(l => l.Length > 0)];

    private static string? Pick(ImmutableArray<string> errorLines, ImmutableArray<string> outputLines, Func<string, bool> accept) =>
        errorLines.LastOrDefault(accept) ?? outputLines.LastOrDefault(accept);

    private static (SkyFailureKind Kind, string? Line) Decide(int exitCode, ImmutableArray<string> lines)
    {
        if (exitCode == 2)
        {
            // `sky cancel` turns "Cluster 'x' does not exist." into a Click usage error: the cluster is gone, the request was fine.
            return lines.FirstOrDefault(l => MissingClusterLine().IsMatch(l)) is { } missing
                ? (SkyFailureKind.ClusterNotFound, missing)
                : (SkyFailureKind.InvalidRequest, null);
        }

        foreach (var (kind, matches) in Rules)
        {
            if (lines.FirstOrDefault(matches) is { } line)
            {
                return (kind, line);
            }
        }

        return (SkyFailureKind.Unknown, null);
    }

    private static string Shorten(string line) =>
        line.Length <= MaxReasonLength ? line : line[..(MaxReasonLength - 1)] + "…";

    [GeneratedRegex(@"^Stopping (?:spot instances |clusters )?is (?:currently )?not supported")]
    private static partial Regex StopUnsupportedLine();

    [GeneratedRegex(@"InvalidSpec|ValueError|^Usage:|^Error: |looks like a yaml path")]
    private static partial Regex InvalidRequestLine();

    [GeneratedRegex(@"(?i)cluster.*(?:does not exist|not found)|(?:does not exist|not found).*cluster")]
    private static partial Regex MissingClusterLine();

    [GeneratedRegex(@"^(?:[A-Za-z_][A-Za-z0-9_]*\.)*(?:[A-Z][A-Za-z0-9_]*)?(?:Error|Exception|DoesNotExist|Spec)\s*:\s*\S")]
    private static partial Regex ExceptionLine();
}
