using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Text;
using System.Text.Json;
using SkyDeck.Actors.Core;
using SkyDeck.Actors.Experiments;

namespace SkyDeck.Host.Api;

/// <summary>
/// Pages of <c>GET /api/experiments</c> (<c>q</c>, <c>sort</c>, <c>limit</c>, <c>after</c> or <c>offset</c>), from the read model like
/// the whole list (one Ask to the manager; no experiment is woken).
/// <para>
/// The table is sorted once per list the read model hands out and per sort (the same keying as
/// <see cref="JobIndex"/>: an unchanged table costs no sort), keeping the few sorts in use; a filter's matches in
/// that order are found once per list too (every row tested, which also gives <c>total</c>), keeping the filters in
/// use. A page is then a binary search for the cursor and a copy of <c>limit</c> rows.
/// </para>
/// <para>
/// The cursor is the position of a page's last row in the order — its sort key and id, unique — so pages are
/// stable like <c>/api/jobs</c>'s: experiments created (or moved by a change) while paging land before or after the
/// cursor and never shift or repeat the rows of the next page. It names its sort, and is refused under another.
/// </para>
/// <para>
/// An offset instead of a cursor is the position among the matches: what a client scrolled far down a long table
/// asks for (the dashboard's paged table). It is not stable under changes; the client refetches what it shows.
/// </para>
/// </summary>
public sealed class ExperimentPages
{
    /// <summary>How many sorts stay cached (each holds an array of the table's size).</summary>
    public const int CachedSorts = 8;

    /// <summary>How many filters' matches stay cached (each at most an int per experiment).</summary>
    public const int CachedFilters = 32;

    private readonly ConcurrentDictionary<ExperimentSort, Sorted> _sorted = new();
    private readonly ConcurrentDictionary<(ExperimentSort Sort, string Scope), Matches> _matches = new();

    private sealed record Sorted(ImmutableArray<ExperimentSummary> Source, ExperimentSummary[] Rows, ExperimentSort.Key[] Keys);

    /// <summary>The positions in a <see cref="Sorted"/> order of the rows a filter keeps, ascending.</summary>
    private sealed record Matches(Sorted Order, int[] Positions);

    /// <summary>A page: its rows, the cursor of the next (null on the last), and how many rows match in all.</summary>
    public sealed record Page(IReadOnlyList<ExperimentSummary> Rows, string? Next, int Total);

    /// <param name="scope">Names <paramref name="matches"/> (the same scope must mean the same predicate): the rows it
    /// keeps are found once per list the read model hands out, so walking the pages of a filter tests each row once.</param>
    /// <param name="offset">Skip this many matches (with no <paramref name="after"/>); beyond the last, an empty page.</param>
    public Page Of(ExperimentList list, ExperimentSort sort, string scope, Func<ExperimentSummary, bool> matches, ExperimentSort.Key? after, int limit, int offset = 0)
    {
        var sorted = SortedBy(list, sort);
        var kept = MatchesOf(sorted, sort, scope, matches).Positions;
        var start = 0;
        if (after is { } position)
        {
            // The first row after the cursor's position (binary search: the rows are in this very order).
            int lo = 0, hi = sorted.Keys.Length;
            while (lo < hi)
            {
                var mid = (lo + hi) / 2;
                if (sort.Compare(sorted.Keys[mid], position) <= 0) lo = mid + 1;
                else hi = mid;
            }

            start = lo;
        }

        var first = Array.BinarySearch(kept, start);
        if (first < 0) first = ~first;
        first = (int)Math.Min(kept.Length, (long)first + offset);
        var count = Math.Min(limit, kept.Length - first);
        var rows = new ExperimentSummary[count];
        for (var i = 0; i < count; i++) rows[i] = sorted.Rows[kept[first + i]];
        var more = first + count < kept.Length;
        return new Page(rows, more ? Cursor(sort, sorted.Keys[kept[first + count - 1]]) : null, kept.Length);
    }

    private Matches MatchesOf(Sorted sorted, ExperimentSort sort, string scope, Func<ExperimentSummary, bool> matches)
    {
        if (_matches.TryGetValue((sort, scope), out var cached) && cached.Order == sorted) return cached;
        var positions = new List<int>();
        for (var i = 0; i < sorted.Rows.Length; i++)
            if (matches(sorted.Rows[i])) positions.Add(i);
        var built = new Matches(sorted, [.. positions]);
        if (_matches.Count >= CachedFilters && !_matches.ContainsKey((sort, scope))) _matches.Clear();
        _matches[(sort, scope)] = built;
        return built;
    }

    private Sorted SortedBy(ExperimentList list, ExperimentSort sort)
    {
        if (_sorted.TryGetValue(sort, out var cached) && cached.Source == list.Experiments) return cached;
        var rows = list.Experiments.ToArray();
        var keys = new ExperimentSort.Key[rows.Length];
        for (var i = 0; i < rows.Length; i++) keys[i] = sort.KeyOf(rows[i]);
        Array.Sort(keys, rows, Comparer<ExperimentSort.Key>.Create(sort.Compare));
        var built = new Sorted(list.Experiments, rows, keys);
        if (_sorted.Count >= CachedSorts && !_sorted.ContainsKey(sort)) _sorted.Clear();
        _sorted[sort] = built;
        return built;
    }

    /// <summary>An opaque cursor: the sort and the position, as base64url of a JSON array.</summary>
    public static string Cursor(ExperimentSort sort, ExperimentSort.Key key) =>
        Convert.ToBase64String(JsonSerializer.SerializeToUtf8Bytes<string[]>(["e1", sort.ToString(), .. ExperimentSort.Encode(key)]))
            .TrimEnd('=').Replace('+', '-').Replace('/', '_');

    /// <summary>The position a cursor names under <paramref name="sort"/>, or why it cannot be used.</summary>
    public static (ExperimentSort.Key? Key, string? Problem) ParseCursor(string cursor, ExperimentSort sort)
    {
        const string notOurs = "must be the 'next' cursor of a previous page";
        if (cursor.Length is 0 or > 16_384) return (null, notOurs);
        var base64 = cursor.Replace('-', '+').Replace('_', '/');
        base64 += new string('=', (4 - base64.Length % 4) % 4);
        var bytes = new byte[base64.Length];
        if (!Convert.TryFromBase64String(base64, bytes, out var written)) return (null, notOurs);
        string[]? fields;
        try
        {
            fields = JsonSerializer.Deserialize<string[]>(new ReadOnlySpan<byte>(bytes, 0, written));
        }
        catch (Exception e) when (e is JsonException or DecoderFallbackException or ArgumentException)
        {
            return (null, notOurs);
        }

        if (fields is not ["e1", var sortText, .. var position] || position.Any(f => f is null) || ExperimentSort.Decode(position) is not { } key)
            return (null, notOurs);
        if (sortText != sort.ToString())
            return (null, $"is a cursor for sort={sortText}; ask with that sort (or start again without after)");
        return (key, null);
    }
}
