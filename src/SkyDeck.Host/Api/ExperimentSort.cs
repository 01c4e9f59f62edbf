using System.Globalization;
using SkyDeck.Actors.Core;

namespace SkyDeck.Host.Api;

/// <summary>
/// <c>GET /api/experiments?sort=column[:asc|:desc]</c>: <c>id</c>, <c>name</c>, <c>state</c> (current, in
/// <see cref="StateNames.DisplayOrder"/> like the dashboard: running first), <c>desired</c>,
/// <c>created</c>, <c>updated</c> or <c>f:KEY</c> (a flag, by its exact key). Flags order as the dashboard orders a
/// flag column: numbers by value before text (natural order, case-insensitive: <c>a2</c> before <c>a10</c>), and
/// experiments without the flag last in both directions. The id breaks every tie, so the order is total and a
/// position in it (<see cref="Key"/>) is a cursor that no insert can shift.
/// </summary>
public sealed record ExperimentSort(string Column, bool Descending)
{
    public const string FlagPrefix = "f:";

    public static readonly ExperimentSort Default = new("created", false);

    public static readonly IReadOnlyList<string> Columns = ["id", "name", "state", "desired", "created", "updated"];

    /// <summary>The canonical spelling, as <c>sort=</c> takes it and cursors record it.</summary>
    public override string ToString() => Descending ? Column + ":desc" : Column;

    public static (ExperimentSort? Sort, string? Problem) Parse(string raw)
    {
        var column = raw;
        var descending = false;
        if (raw.EndsWith(":desc", StringComparison.Ordinal)) (column, descending) = (raw[..^5], true);
        else if (raw.EndsWith(":asc", StringComparison.Ordinal)) column = raw[..^4];
        if (column.StartsWith(FlagPrefix, StringComparison.Ordinal))
            return column.Length > FlagPrefix.Length && column.Length <= FlagPrefix.Length + ExperimentSpec.MaxFlagKeyLength
                ? (new ExperimentSort(column, descending), null)
                : (null, $"f: must be followed by a flag key of 1 to {ExperimentSpec.MaxFlagKeyLength} characters");
        if (Columns.Contains(column)) return (new ExperimentSort(column, descending), null);
        return (null, $"must be one of {string.Join(", ", Columns)} or f:FLAG_KEY, optionally followed by :asc or :desc (got '{FieldReader.DisplayName(raw)}')");
    }

    /// <summary>Where an experiment sits in this order: what it is sorted by, then its id.</summary>
    /// <param name="Rank">0 a number or time, 1 text, 2 missing (last in both directions).</param>
    public readonly record struct Key(int Rank, long Ticks, double Number, string Text, string Id);

    public Key KeyOf(ExperimentSummary s) => Column switch
    {
        "id" => Text(s.Id, s.Id),
        "name" => Text(s.Spec.Name, s.Id),
        "state" => new Key(0, StateRanks[(int)s.Current], 0, "", s.Id),
        "desired" => Text(s.Desired.ToApi(), s.Id),
        "created" => new Key(0, s.CreatedAt.UtcTicks, 0, "", s.Id),
        "updated" => new Key(0, s.UpdatedAt.UtcTicks, 0, "", s.Id),
        _ => s.Spec.Flags.TryGetValue(Column[FlagPrefix.Length..], out var flag)
            ? flag switch
            {
                FlagValue.Integer i => new Key(0, 0, i.Value, "", s.Id),
                FlagValue.Float f => new Key(0, 0, f.Value, "", s.Id),
                _ => Text(flag.ToCommandText(), s.Id),
            }
            : new Key(2, 0, 0, "", s.Id),
    };

    private static Key Text(string text, string id) => new(1, 0, 0, text, id);

    /// <summary>Each current state's place in <see cref="StateNames.DisplayOrder"/>, by the enum's value.</summary>
    private static readonly long[] StateRanks = BuildStateRanks();

    private static long[] BuildStateRanks()
    {
        var values = Enum.GetValues<CurrentState>();
        var ranks = new long[values.Max(v => (int)v) + 1];
        Array.Fill(ranks, -1); // a state not in the display order sorts first, as the dashboard's indexOf gives -1
        for (var i = 0; i < StateNames.DisplayOrder.Count; i++) ranks[(int)StateNames.DisplayOrder[i]] = i;
        return ranks;
    }

    /// <summary>Ascending or descending by the column, missing values last either way, then by id the same way.</summary>
    public int Compare(Key a, Key b)
    {
        if (a.Rank != b.Rank && (a.Rank == 2 || b.Rank == 2)) return a.Rank == 2 ? 1 : -1;
        var c = a.Rank != b.Rank ? a.Rank.CompareTo(b.Rank) : a.Rank switch
        {
            0 => a.Ticks != b.Ticks ? a.Ticks.CompareTo(b.Ticks) : a.Number.CompareTo(b.Number),
            1 => Natural(a.Text, b.Text),
            _ => 0,
        };
        if (c == 0) c = string.CompareOrdinal(a.Id, b.Id);
        return Descending ? -c : c;
    }

    /// <summary>Case-insensitive with runs of digits compared by value (the dashboard's collator), then ordinal.</summary>
    public static int Natural(string a, string b)
    {
        int i = 0, j = 0;
        while (i < a.Length && j < b.Length)
        {
            if (char.IsAsciiDigit(a[i]) && char.IsAsciiDigit(b[j]))
            {
                var si = i;
                var sj = j;
                while (i < a.Length && char.IsAsciiDigit(a[i])) i++;
                while (j < b.Length && char.IsAsciiDigit(b[j])) j++;
                var da = a.AsSpan(si, i - si).TrimStart('0');
                var db = b.AsSpan(sj, j - sj).TrimStart('0');
                if (da.Length != db.Length) return da.Length.CompareTo(db.Length);
                var digits = da.SequenceCompareTo(db);
                if (digits != 0) return Math.Sign(digits);
                continue;
            }

            var ca = char.ToLowerInvariant(a[i]);
            var cb = char.ToLowerInvariant(b[j]);
            if (ca != cb) return ca.CompareTo(cb);
            i++;
            j++;
        }

        var rest = (a.Length - i).CompareTo(b.Length - j);
        return rest != 0 ? rest : string.CompareOrdinal(a, b);
    }

    /// <summary>The key as text fields for a cursor (see <see cref="ExperimentPages"/>).</summary>
    public static string[] Encode(Key k) =>
        [k.Rank.ToString(CultureInfo.InvariantCulture), k.Ticks.ToString(CultureInfo.InvariantCulture), k.Number.ToString("R", CultureInfo.InvariantCulture), k.Text, k.Id];

    public static Key? Decode(IReadOnlyList<string> fields)
    {
        if (fields.Count != 5
            || !int.TryParse(fields[0], NumberStyles.None, CultureInfo.InvariantCulture, out var rank) || rank > 2
            || !long.TryParse(fields[1], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var ticks)
            || !double.TryParse(fields[2], NumberStyles.Float, CultureInfo.InvariantCulture, out var number)
            || fields[4].Length == 0)
            return null;
        return new Key(rank, ticks, number, fields[3], fields[4]);
    }
}
