namespace SkyDeck.Host.Cli;

/// <summary>A column: its header, how to shrink it (down to <see cref="MinWidth"/>, cut with …) and which columns
/// are dropped first when even the narrowest widths do not fit (lowest <see cref="Priority"/> first).</summary>
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
        // Shrink the widest shrinkable column one character at a time until the line fits.
        while (Total(widths.Values) > width)
        {
            var widest = kept.Where(i => widths[i] > columns[i].MinWidth).OrderByDescending(i => widths[i] - columns[i].MinWidth).FirstOrDefault(-1);
            if (widest < 0) break;
            widths[widest]--;
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
