using System.Globalization;

namespace SkyDeck.FakeSky.Output;

/// <summary>
/// SkyPilot's <c>log_utils.readable_time_duration</c>: pendulum's <c>diff_for_humans</c> / <c>in_words</c>
/// with the units shortened (<c>5 mins ago</c>, <c>a few secs ago</c>, <c>4m 29s</c>, <c>&lt; 1s</c>).
/// </summary>
internal static class HumanTime
{
    private const long Minute = 60;
    private const long Hour = 60 * Minute;
    private const long Day = 24 * Hour;
    private const long Week = 7 * Day;
    private const long Month = 30 * Day;
    private const long Year = 365 * Day;

    /// <summary>How long ago <paramref name="epoch"/> was, or <c>-</c> if it never happened.</summary>
    public static string Ago(double? epoch, double now)
    {
        if (epoch is not { } then)
        {
            return "-";
        }

        var seconds = (long)Math.Floor(Math.Max(0, now - then));
        if (seconds < 1)
        {
            return "< 1 sec";
        }

        if (seconds < 10)
        {
            return "a few secs ago";
        }

        var (count, unit) = seconds switch
        {
            >= Year => (seconds / Year, "year"),
            >= Month => (seconds / Month, "month"),
            >= Week => (seconds / Week, "week"),
            >= Day => (seconds / Day, "day"),
            >= Hour => (seconds / Hour, "hr"),
            >= Minute => (seconds / Minute, "min"),
            _ => (seconds, "sec"),
        };
        return $"{count.ToString(CultureInfo.InvariantCulture)} {unit}{(count == 1 ? "" : "s")} ago";
    }

    /// <summary>The absolute span from <paramref name="start"/> to <paramref name="end"/> (or now), or <c>-</c> without a start.</summary>
    public static string Duration(double? start, double? end, double now)
    {
        if (start is not { } from)
        {
            return "-";
        }

        var seconds = (long)Math.Floor(Math.Max(0, (end ?? now) - from));
        if (seconds < 1)
        {
            return "< 1s";
        }

        // SkyPilot shortens only seconds through weeks; pendulum's years and months keep their words.
        var parts = new List<string>();
        foreach (var (size, unit) in new[] { (Year, " year"), (Month, " month"), (Week, "w"), (Day, "d"), (Hour, "h"), (Minute, "m"), (1L, "s") })
        {
            if (seconds >= size)
            {
                var count = seconds / size;
                var plural = unit.StartsWith(' ') && count != 1 ? "s" : "";
                parts.Add(count.ToString(CultureInfo.InvariantCulture) + unit + plural);
                seconds %= size;
            }
        }

        return string.Join(' ', parts);
    }
}
