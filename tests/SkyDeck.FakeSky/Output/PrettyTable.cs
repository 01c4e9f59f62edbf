using System.Text;

namespace SkyDeck.FakeSky.Output;

/// <summary>
/// What <c>prettytable.PrettyTable(align='l', border=False)</c> prints in SkyPilot's <c>log_utils.create_table</c>:
/// every column is as wide as its widest cell or header, cells are padded on the left by
/// <c>leftPadding</c> and on the right by <c>rightPadding</c> (so lines end in spaces), there is no separator
/// line, and an empty table is just the header. Widths ignore ANSI escapes, as prettytable's do.
/// </summary>
internal sealed class PrettyTable(IReadOnlyList<string> headers, int leftPadding = 0, int rightPadding = 2)
{
    private readonly List<IReadOnlyList<string>> _rows = [];

    /// <summary>Columns centred instead of left-aligned (the optimizer table's CHOSEN column).</summary>
    public ISet<int> CentredColumns { get; } = new HashSet<int>();

    public PrettyTable AddRow(params string[] cells)
    {
        if (cells.Length != headers.Count)
        {
            throw new ArgumentException($"expected {headers.Count} cells, got {cells.Length}", nameof(cells));
        }

        _rows.Add(cells);
        return this;
    }

    public IReadOnlyList<string> Lines()
    {
        var widths = headers
            .Select((header, column) => _rows.Select(row => VisibleWidth(row[column])).Prepend(VisibleWidth(header)).Max())
            .ToArray();
        return [.. _rows.Prepend(headers).Select(row => RenderRow(row, widths))];
    }

    public override string ToString() => string.Join('\n', Lines());

    public static int VisibleWidth(string text) => Style.Strip(text).Length;

    private string RenderRow(IReadOnlyList<string> cells, int[] widths)
    {
        var line = new StringBuilder();
        for (var column = 0; column < cells.Count; column++)
        {
            var cell = cells[column];
            var slack = widths[column] - VisibleWidth(cell);
            var before = CentredColumns.Contains(column) ? slack / 2 : 0;
            line.Append(' ', leftPadding + before).Append(cell).Append(' ', slack - before + rightPadding);
        }

        return line.ToString();
    }
}
