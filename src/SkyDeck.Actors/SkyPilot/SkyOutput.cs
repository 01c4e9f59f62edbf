using System.Collections.Immutable;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using SkyDeck.Actors.Core;

namespace SkyDeck.Actors.SkyPilot;

/// <summary>
/// Pure helpers shared by the <c>sky</c> output parsers: ANSI stripping, line splitting, a header-offset reader for
/// SkyPilot's borderless prettytable tables (columns located by name, offsets measured in terminal display columns,
/// so wide CJK/emoji cells stay aligned), and the readers for SkyPilot's human time texts
/// (<c>5 mins ago</c>, <c>1h 2m 23s</c>).
/// </summary>
public static partial class SkyOutput
{
    public static string StripAnsi(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var stripped = EscapeSequence().Replace(text, string.Empty);
        return stripped.Replace("\r\n", "\n", StringComparison.Ordinal).Replace('\r', '\n');
    }

    public static ImmutableArray<string> Lines(string text) =>
        [.. StripAnsi(text).Split('\n')];

    public static string Excerpt(IEnumerable<string> lines, int maxLength = 200)
    {
        ArgumentNullException.ThrowIfNull(lines);
        var text = string.Join(" | ", lines.Select(l => l.Trim()).Where(l => l.Length > 0));
        return text.Length == 0 ? "(empty output)" : text.Length > maxLength ? text[..maxLength] + "…" : text;
    }

    public static int FirstLineStartingWith(IReadOnlyList<string> lines, char first)
    {
        ArgumentNullException.ThrowIfNull(lines);
        for (var i = 0; i < lines.Count; i++)
        {
            if (lines[i].TrimStart().StartsWith(first))
            {
                return i;
            }
        }

        return -1;
    }

    public static JsonDocument ParseJson(IReadOnlyList<string> lines, int firstLine, string command)
    {
        ArgumentNullException.ThrowIfNull(lines);
        var text = string.Join('\n', lines.Skip(firstLine));
        try
        {
            var reader = new Utf8JsonReader(
                Encoding.UTF8.GetBytes(text),
                new JsonReaderOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip });
            return JsonDocument.ParseValue(ref reader);
        }
        catch (JsonException e)
        {
            throw new SkyOutputException($"{command} printed invalid or truncated JSON: {e.Message}");
        }
    }

    public static int FindHeader(IReadOnlyList<string> lines, int start, int end, params string[] requiredColumns)
    {
        ArgumentNullException.ThrowIfNull(lines);
        ArgumentNullException.ThrowIfNull(requiredColumns);
        for (var i = Math.Max(0, start); i < Math.Min(end, lines.Count); i++)
        {
            if (string.IsNullOrWhiteSpace(lines[i]))
            {
                continue;
            }

            var names = Chunks(Glyphs(lines[i])).Select(c => c.Text).ToHashSet(StringComparer.Ordinal);
            if (requiredColumns.All(names.Contains))
            {
                return i;
            }
        }

        return -1;
    }

    public static (ImmutableArray<ImmutableDictionary<string, string>> Rows, int End) ReadTable(
        IReadOnlyList<string> lines, int headerIndex, int end)
    {
        ArgumentNullException.ThrowIfNull(lines);
        var columns = Chunks(Glyphs(lines[headerIndex])).ToArray();
        var rows = ImmutableArray.CreateBuilder<ImmutableDictionary<string, string>>();
        var i = headerIndex + 1;
        for (; i < Math.Min(end, lines.Count); i++)
        {
            if (string.IsNullOrWhiteSpace(lines[i]))
            {
                break;
            }

            var cells = SliceRow(Glyphs(lines[i]), columns);
            if (cells is null)
            {
                break;
            }

            var row = ImmutableDictionary.CreateBuilder<string, string>(StringComparer.Ordinal);
            for (var c = 0; c < columns.Length; c++)
            {
                row.TryAdd(columns[c].Text, cells[c]);
            }

            rows.Add(row.ToImmutable());
        }

        return (rows.ToImmutable(), i);
    }

    public static DateTimeOffset? ParseRelativeTime(string text, DateTimeOffset now)
    {
        var t = (text ?? string.Empty).Trim().ToLowerInvariant();
        if (t is "" or "-")
        {
            return null;
        }

        if (t is "just now" or "now" || t.StartsWith('<'))
        {
            return now;
        }

        var m = RelativeTime().Match(t);
        if (!m.Success)
        {
            return null;
        }

        var count = m.Groups["n"].Value switch
        {
            "a" or "an" => 1.0,
            "a few" => 5.0,
            var n => double.Parse(n, NumberStyles.None, CultureInfo.InvariantCulture),
        };
        if (UnitLength(m.Groups["unit"].Value) is not { } unit)
        {
            return null;
        }

        var offset = unit * count;
        return m.Groups["future"].Success ? now + offset : now - offset;
    }

    public static TimeSpan? ParseDuration(string text)
    {
        var t = (text ?? string.Empty).Trim().ToLowerInvariant();
        if (t is "" or "-")
        {
            return null;
        }

        if (t.StartsWith('<'))
        {
            return TimeSpan.Zero;
        }

        var total = TimeSpan.Zero;
        var position = 0;
        foreach (Match m in DurationPart().Matches(t))
        {
            if (t[position..m.Index].Trim().Length > 0 || UnitLength(m.Groups["unit"].Value) is not { } unit)
            {
                return null;
            }

            total += unit * double.Parse(m.Groups["n"].Value, NumberStyles.None, CultureInfo.InvariantCulture);
            position = m.Index + m.Length;
        }

        return position > 0 && t[position..].Trim().Length == 0 ? total : null;
    }

    private static TimeSpan? UnitLength(string unit) => unit switch
    {
        "s" or "sec" or "secs" or "second" or "seconds" => TimeSpan.FromSeconds(1),
        "m" or "min" or "mins" or "minute" or "minutes" => TimeSpan.FromMinutes(1),
        "h" or "hr" or "hrs" or "hour" or "hours" => TimeSpan.FromHours(1),
        "d" or "day" or "days" => TimeSpan.FromDays(1),
        "w" or "week" or "weeks" => TimeSpan.FromDays(7),
        "mo" or "month" or "months" => TimeSpan.FromDays(30),
        "y" or "year" or "years" => TimeSpan.FromDays(365),
        _ => null,
    };

    private static string[]? SliceRow(IReadOnlyList<Glyph> row, Chunk[] columns)
    {
        var chunks = Chunks(row).ToArray();
        if (chunks.Length == 0)
        {
            return null;
        }

        var crossings = chunks.Select(c => columns.Skip(1).Count(col => c.Start < col.Start && col.Start < c.End)).ToArray();
        if (crossings.Any(n => n > 1))
        {
            return null;
        }

        var cells = new string[columns.Length];
        if (crossings.All(n => n == 0))
        {
            for (var c = 0; c < columns.Length; c++)
            {
                var from = c == 0 ? 0 : columns[c].Start;
                var to = c + 1 < columns.Length ? columns[c + 1].Start : int.MaxValue;
                cells[c] = Text(row, from, to);
            }

            return cells;
        }

        Array.Fill(cells, string.Empty);
        var last = -1;
        foreach (var chunk in chunks)
        {
            var target = last + 1 < columns.Length
                ? Enumerable.Range(last + 1, columns.Length - last - 1).MinBy(c => Math.Abs(columns[c].Start - chunk.Start))
                : columns.Length - 1;
            cells[target] = cells[target].Length == 0 ? chunk.Text : cells[target] + "  " + chunk.Text;
            last = target;
        }

        return cells;
    }

    private static string Text(IReadOnlyList<Glyph> row, int from, int to)
    {
        var text = new StringBuilder();
        foreach (var g in row)
        {
            if (g.Column >= from && g.Column < to)
            {
                text.Append(g.Text);
            }
        }

        return text.ToString().Trim();
    }

    private static IEnumerable<Chunk> Chunks(IReadOnlyList<Glyph> row)
    {
        var i = 0;
        while (i < row.Count)
        {
            if (IsBlank(row[i]))
            {
                i++;
                continue;
            }

            var start = i;
            var end = i;
            while (i < row.Count)
            {
                if (!IsBlank(row[i]))
                {
                    end = ++i;
                }
                else if (i + 1 < row.Count && !IsBlank(row[i + 1]))
                {
                    i++;
                }
                else
                {
                    break;
                }
            }

            var text = string.Concat(Enumerable.Range(start, end - start).Select(k => row[k].Text));
            yield return new Chunk(row[start].Column, row[end - 1].Column + row[end - 1].Width, text);
        }
    }

    private static bool IsBlank(Glyph g) => string.IsNullOrWhiteSpace(g.Text);

    private static List<Glyph> Glyphs(string line)
    {
        var glyphs = new List<Glyph>(line.Length);
        var column = 0;
        foreach (var rune in line.EnumerateRunes())
        {
            var width = Width(rune);
            if (width == 0 && glyphs.Count > 0)
            {
                var previous = glyphs[^1];
                glyphs[^1] = previous with { Text = previous.Text + rune };
                continue;
            }

            glyphs.Add(new Glyph(column, Math.Max(width, 1), rune.ToString()));
            column += Math.Max(width, 1);
        }

        return glyphs;
    }

    private static int Width(Rune rune)
    {
        var v = rune.Value;
        if (v == 0x200B || v == 0x200C || v == 0x200D || v == 0x2060 || v == 0xFEFF)
        {
            return 0;
        }

        if (Rune.GetUnicodeCategory(rune) is UnicodeCategory.NonSpacingMark or UnicodeCategory.EnclosingMark)
        {
            return 0;
        }

        return IsWide(v) ? 2 : 1;
    }

    private static bool IsWide(int v) =>
        v is >= 0x1100 and <= 0x115F
            or >= 0x231A and <= 0x231B
            or >= 0x2329 and <= 0x232A
            or >= 0x23E9 and <= 0x23EC
            or 0x23F0 or 0x23F3
            or >= 0x25FD and <= 0x25FE
            or >= 0x2614 and <= 0x2615
            or >= 0x2648 and <= 0x2653
            or 0x267F or 0x2693 or 0x26A1 or 0x26CE or 0x26D4 or 0x26EA or 0x26F5 or 0x26FA or 0x26FD
            or 0x2705 or 0x2728 or 0x274C or 0x274E or 0x2757 or 0x27B0 or 0x27BF or 0x2B50 or 0x2B55
            or >= 0x270A and <= 0x270B
            or >= 0x2753 and <= 0x2755
            or >= 0x2795 and <= 0x2797
            or >= 0x2B1B and <= 0x2B1C
            or >= 0x2E80 and <= 0x303E
            or >= 0x3041 and <= 0x33FF
            or >= 0x3400 and <= 0x4DBF
            or >= 0x4E00 and <= 0x9FFF
            or >= 0xA000 and <= 0xA4CF
            or >= 0xA960 and <= 0xA97F
            or >= 0xAC00 and <= 0xD7A3
            or >= 0xF900 and <= 0xFAFF
            or >= 0xFE10 and <= 0xFE19
            or >= 0xFE30 and <= 0xFE6F
            or >= 0xFF00 and <= 0xFF60
            or >= 0xFFE0 and <= 0xFFE6
            or >= 0x16FE0 and <= 0x16FE4
            or >= 0x17000 and <= 0x18CFF
            or >= 0x1B000 and <= 0x1B2FF
            or 0x1F004 or 0x1F0CF or 0x1F18E
            or >= 0x1F191 and <= 0x1F19A
            or >= 0x1F200 and <= 0x1F251
            or >= 0x1F300 and <= 0x1F320
            or >= 0x1F32D and <= 0x1F335
            or >= 0x1F337 and <= 0x1F37C
            or >= 0x1F37E and <= 0x1F393
            or >= 0x1F3A0 and <= 0x1F3CA
            or >= 0x1F3CF and <= 0x1F3D3
            or >= 0x1F3E0 and <= 0x1F3F0
            or 0x1F3F4
            or >= 0x1F3F8 and <= 0x1F43E
            or 0x1F440
            or >= 0x1F442 and <= 0x1F4FC
            or >= 0x1F4FF and <= 0x1F53D
            or >= 0x1F54B and <= 0x1F54E
            or >= 0x1F550 and <= 0x1F567
            or 0x1F57A or 0x1F5A4
            or >= 0x1F595 and <= 0x1F596
            or >= 0x1F5FB and <= 0x1F64F
            or >= 0x1F680 and <= 0x1F6C5
            or >= 0x1F6CC and <= 0x1F6D2
            or >= 0x1F6D5 and <= 0x1F6DF
            or >= 0x1F6EB and <= 0x1F6EC
            or >= 0x1F6F4 and <= 0x1F6FC
            or >= 0x1F7E0 and <= 0x1F7F0
            or >= 0x1F90C and <= 0x1F93A
            or >= 0x1F93C and <= 0x1F945
            or >= 0x1F947 and <= 0x1F9FF
            or >= 0x1FA70 and <= 0x1FAFF
            or >= 0x20000 and <= 0x2FFFD
            or >= 0x30000 and <= 0x3FFFD;

    [GeneratedRegex(@"\x1B\[[0-?]*[ -/]*[@-~]|\x1B\][^\x07\x1B]*(?:\x07|\x1B\\)?|\x1B[PX^_][^\x1B]*(?:\x1B\\)?|\x1B[()*+\-./][ -~]|\x1B[ -/]*[0-~]|\x9B[0-?]*[ -/]*[@-~]|\x1B")]
    private static partial Regex EscapeSequence();

    [GeneratedRegex(@"^(?:(?<future>in)\s+)?(?<n>[0-9]+|an?|a few)\s+(?<unit>[a-z]+)(?:\s+ago)?$")]
    private static partial Regex RelativeTime();

    [GeneratedRegex(@"(?<n>[0-9]+)\s*(?<unit>[a-z]+)")]
    private static partial Regex DurationPart();

    private readonly record struct Glyph(int Column, int Width, string Text);

    private readonly record struct Chunk(int Start, int End, string Text);
}
