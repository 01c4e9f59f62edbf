namespace SkyDeck.FakeSky.Tests;

/// <summary>Reads a prettytable block by header column offsets, the way SkyDeck's parser has to.</summary>
internal sealed class TableReader
{
    private TableReader(string headerLine, IReadOnlyList<string> headers, IReadOnlyList<int> offsets, IReadOnlyList<string> rowLines)
    {
        HeaderLine = headerLine;
        Headers = headers;
        Offsets = offsets;
        RowLines = rowLines;
    }

    public string HeaderLine { get; }

    public IReadOnlyList<string> Headers { get; }

    public IReadOnlyList<int> Offsets { get; }

    public IReadOnlyList<string> RowLines { get; }

    public IReadOnlyList<IReadOnlyDictionary<string, string>> Rows =>
        [.. RowLines.Select(line => (IReadOnlyDictionary<string, string>)Headers
            .Select((header, i) => (header, cell: Cell(line, i)))
            .ToDictionary(p => p.header, p => p.cell))];

    /// <summary>Finds the line that starts with the first header and holds them all; the following non-blank lines are rows.</summary>
    public static TableReader Parse(string text, IReadOnlyList<string> headers)
    {
        var lines = text.Split('\n');
        var headerIndex = Array.FindIndex(lines, l => l.StartsWith(headers[0] + " ", StringComparison.Ordinal) && headers.All(l.Contains));
        Assert.True(headerIndex >= 0, $"no header line in:\n{text}");
        var header = lines[headerIndex];
        var offsets = new List<int>();
        var searchFrom = 0;
        foreach (var name in headers)
        {
            var at = header.IndexOf(name, searchFrom, StringComparison.Ordinal);
            Assert.True(at >= 0, $"header {name} missing in '{header}'");
            offsets.Add(at);
            searchFrom = at + name.Length;
        }

        var rows = lines.Skip(headerIndex + 1).TakeWhile(l => l.Trim().Length > 0).ToList();
        return new TableReader(header, headers, offsets, rows);
    }

    public string Cell(string line, int column)
    {
        var start = Offsets[column];
        var end = column + 1 < Offsets.Count ? Offsets[column + 1] : line.Length;
        return start >= line.Length ? "" : line[start..Math.Min(end, line.Length)].TrimEnd();
    }
}
