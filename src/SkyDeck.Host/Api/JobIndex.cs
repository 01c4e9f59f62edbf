using System.Collections.Immutable;
using System.Globalization;
using System.Text;
using SkyDeck.Actors.Core;
using SkyDeck.Actors.Experiments;

namespace SkyDeck.Host.Api;

/// <summary>
/// Every job SkyDeck knows, newest first, for <c>GET /api/jobs</c>.
/// <para>
/// Where the data comes from, at 10,000 experiments: not from the experiment actors. Asking each would wake every
/// dormant experiment (most are at rest and have no actor; see <see cref="StoredSummaries.Dormant"/>) and fan out
/// 10,000 Asks per page. Instead every <see cref="ExperimentSummary"/> in the read model carries its experiment's job
/// history (<see cref="ExperimentSummary.Ledger"/>), pushed by the actor on every change, stored with the summary in
/// <c>skydeck_summary</c> and relayed between cluster nodes like the rest of the row. A page is therefore one Ask to the
/// manager (the same list the table gets) plus a flatten-and-sort that is done once per list the read model hands
/// out and reused until something changes (the same keying as <see cref="ExperimentListCache"/>): 50,000 jobs sort
/// in milliseconds, and an unchanged table costs nothing.
/// </para>
/// <para>
/// The cursor is the position of the last job of a page in that order — (requested at, job id), unique and fixed for
/// a job's life — so pages are stable: jobs launched while paging come before the cursor and never shift the next page.
/// </para>
/// </summary>
public sealed class JobIndex
{
    private Entries? _last;

    /// <summary>A job with the experiment it belongs to.</summary>
    public sealed record Entry(ExperimentSummary Experiment, JobView Job);

    private sealed record Entries(ImmutableArray<ExperimentSummary> Source, ImmutableArray<Entry> Jobs);

    /// <summary>Every job of the experiments not deleted, newest first.</summary>
    public ImmutableArray<Entry> Of(ExperimentList list)
    {
        var cached = Volatile.Read(ref _last);
        if (cached is not null && cached.Source == list.Experiments) return cached.Jobs;
        var jobs = list.Experiments
            .Where(s => !s.Deleted)
            .SelectMany(s => s.Ledger.Jobs.Select(j => new Entry(s, j)))
            .Order(NewestFirst)
            .ToImmutableArray();
        Volatile.Write(ref _last, new Entries(list.Experiments, jobs));
        return jobs;
    }

    public static readonly IComparer<Entry> NewestFirst = Comparer<Entry>.Create((a, b) => Compare(Key(b.Job), Key(a.Job)));

    public static (DateTimeOffset At, string JobId) Key(JobView j) => (j.RequestedAt, j.JobId);

    /// <summary>Order of positions: later first is the caller's business; this is plain ascending.</summary>
    public static int Compare((DateTimeOffset At, string JobId) a, (DateTimeOffset At, string JobId) b)
    {
        var byTime = a.At.UtcTicks.CompareTo(b.At.UtcTicks);
        return byTime != 0 ? byTime : string.CompareOrdinal(a.JobId, b.JobId);
    }

    /// <summary>An opaque cursor for the position of <paramref name="j"/>.</summary>
    public static string Cursor(JobView j) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes($"{j.RequestedAt.UtcTicks.ToString(CultureInfo.InvariantCulture)}|{j.JobId}"))
            .TrimEnd('=').Replace('+', '-').Replace('/', '_');

    /// <summary>The position a cursor names, or null if it is not one this index gave out.</summary>
    public static (DateTimeOffset At, string JobId)? ParseCursor(string cursor)
    {
        if (cursor.Length is 0 or > 400) return null;
        var base64 = cursor.Replace('-', '+').Replace('_', '/');
        base64 += new string('=', (4 - base64.Length % 4) % 4);
        var bytes = new byte[base64.Length];
        if (!Convert.TryFromBase64String(base64, bytes, out var written)) return null;
        string text;
        try { text = new UTF8Encoding(false, true).GetString(bytes, 0, written); }
        catch (DecoderFallbackException) { return null; }
        var bar = text.IndexOf('|');
        if (bar <= 0 || !long.TryParse(text.AsSpan(0, bar), NumberStyles.None, CultureInfo.InvariantCulture, out var ticks)
            || ticks < DateTimeOffset.MinValue.UtcTicks || ticks > DateTimeOffset.MaxValue.UtcTicks || Naming.ExperimentOfJob(text[(bar + 1)..]) is null)
            return null;
        return (new DateTimeOffset(ticks, TimeSpan.Zero), text[(bar + 1)..]);
    }
}
