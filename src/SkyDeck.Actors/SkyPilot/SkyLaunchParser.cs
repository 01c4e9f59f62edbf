using System.Globalization;
using System.Text.RegularExpressions;
using SkyDeck.Actors.Core;

namespace SkyDeck.Actors.SkyPilot;

/// <summary>
/// Reads the cluster-job id from <c>sky launch</c> / <c>sky exec</c> output: <c>Job submitted, ID: N</c> first,
/// then the Useful Commands line <c>Job ID: N</c>; null when neither is printed (e.g. <c>--async</c>).
/// </summary>
public static partial class SkyLaunchParser
{
    public static long? ParseJobId(string output)
    {
        ArgumentNullException.ThrowIfNull(output);
        var text = SkyOutput.StripAnsi(output);
        foreach (var pattern in new[] { JobSubmitted(), JobIdLine() })
        {
            var m = pattern.Match(text);
            if (m.Success && long.TryParse(m.Groups[1].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var id))
            {
                return id;
            }
        }

        return null;
    }

    [GeneratedRegex(@"Job submitted, ID:\s*([0-9]+)")]
    private static partial Regex JobSubmitted();

    [GeneratedRegex(@"^[ \t]*Job ID:\s*([0-9]+)", RegexOptions.Multiline)]
    private static partial Regex JobIdLine();
}
