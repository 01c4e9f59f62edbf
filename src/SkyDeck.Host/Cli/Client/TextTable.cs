namespace SkyDeck.Host.Cli;

/// <summary>A column: its header, how far it may be cut (down to <see cref="MinWidth"/>, with …), and its
/// <see cref="Priority"/>: the least important columns are cut first, and dropped first when even the narrowest widths do not fit.</summary>
internal sealed record TextColumn(string Header, int Priority, int MinWidth, bool RightAligned = false);

/// <summary>Plain-text table, two spaces between columns, fitted to a width the way <c>sky status</c> output reads.</summary>
internal static class TextTable
{
    public static IEnumerable<string> Render(IReadOnlyList<TextColumn> columns, IReadOnlyList<string[]> rows, int width)
    {
        var natural = columns.Select((c, i) => rows.Select(r => r[i].Length).Prepend(c.Header.Length).Max()).ToArray();
        var kept = Enumerable.Range(0, columns.Count).ToList();
        int Total(IEnumerable<int> widths) => widths.Sum() + 2 * (kept.Count - 1);

        while (kept.Count > 1 && Total(kept.Select(i => Math.Min(natural[i], columns[i].MinWidth))) > width)
            kept.Remove(kept.OrderBy(i => columns[i].Priority).First());

        var widths = kept.ToDictionary(i => i, i => natural[i]);
        // Cut the least important columns first, each down to its minimum, until the line fits.
        foreach (var i in kept.OrderBy(i => columns[i].Priority))
        {
            var excess = Total(widths.Values) - width;
            if (excess <= 0) break;
            widths[i] -= Math.Min(excess, widths[i] - Math.Min(widths[i], columns[i].MinWidth));
        }

        yield return Line(kept.Select(i => Cell(columns[i].Header, widths[i], columns[i].RightAligned)));
        foreach (var row in rows) yield return Line(kept.Select(i => Cell(row[i], widths[i], columns[i].RightAligned)));
    }

    private static string Line(IEnumerable<string> cells) => string.Join("  ", cells).TrimEnd();

    private static string Cell(string text, int width, bool right)
    {
        var cut = text.Length > width ? width <= 1 ? text[..width] : text[..(width - 1)] + "…" : text;
        return right ? cut.PadLeft(width) : cut.PadRight(width);
    }
}
