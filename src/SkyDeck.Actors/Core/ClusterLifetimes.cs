using System.Collections.Immutable;

namespace SkyDeck.Actors.Core;

/// <summary>
/// Pure: SkyPilot's own record of when a cluster was up (<c>sky cost-report -o json</c>'s usage intervals) against the
/// spans SkyDeck recorded from its polls. SkyDeck opens a span when it asks for a launch and closes it when a poll finds
/// the cluster stopped or gone, so a cluster torn down by autostop <c>--down</c>, by hand, or while SkyDeck was down is
/// counted until SkyDeck noticed. Each span is matched to the first unmatched interval that overlaps it (intervals of
/// every incarnation of the cluster's name, oldest first): its start becomes SkyPilot's, and a span SkyDeck has closed
/// ends when SkyPilot's interval ended. An open span stays open (the next poll closes it; a later read corrects its
/// end), so the spans never disagree with the cluster status SkyDeck knows. Differences under a second are SkyPilot's
/// whole-second clock, not news.
/// </summary>
public static class ClusterLifetimes
{
    public static readonly TimeSpan Resolution = TimeSpan.FromSeconds(1);

    /// <summary>The corrections SkyPilot's <paramref name="intervals"/> make to <paramref name="spans"/>; none when they agree.</summary>
    public static ImmutableArray<ClusterSpanCorrected> Corrections(
        string experimentId, IReadOnlyList<ClusterSpan> spans, IReadOnlyList<UsageInterval> intervals, DateTimeOffset at)
    {
        var corrections = ImmutableArray.CreateBuilder<ClusterSpanCorrected>();
        var next = 0;
        for (var i = 0; i < spans.Count && next < intervals.Count; i++)
        {
            var span = spans[i];
            var match = -1;
            for (var k = next; k < intervals.Count && match < 0; k++)
            {
                if (Overlap(span, intervals[k])) match = k;
            }

            if (match < 0) continue;
            next = match + 1;
            var interval = intervals[match];
            var from = Differs(interval.From, span.From) ? interval.From : span.From;
            var to = span.To is { } closed && interval.To is { } ended && Differs(ended, closed) ? ended : span.To;
            if (to < from) from = interval.From;
            if (to < from || from == span.From && to == span.To) continue;
            corrections.Add(new ClusterSpanCorrected(experimentId, i, from, to, at, Callers.System,
                $"sky cost-report: the cluster was up {Describe(from, to)}; SkyDeck had recorded {Describe(span.From, span.To)}"));
        }

        return corrections.ToImmutable();
    }

    /// <summary>SkyPilot truncates to whole seconds: an interval may end up to a second before SkyDeck's span began and still be its.</summary>
    private static bool Overlap(ClusterSpan span, UsageInterval interval) =>
        (span.To is not { } spanEnd || interval.From < spanEnd) && (interval.To is not { } intervalEnd || span.From < intervalEnd + Resolution);

    private static bool Differs(DateTimeOffset a, DateTimeOffset b) => (a - b).Duration() >= Resolution;

    private static string Describe(DateTimeOffset from, DateTimeOffset? to) =>
        $"from {from.UtcDateTime:yyyy-MM-dd HH:mm:ss} UTC {(to is { } end ? $"to {end.UtcDateTime:yyyy-MM-dd HH:mm:ss} UTC" : "on")}";
}
