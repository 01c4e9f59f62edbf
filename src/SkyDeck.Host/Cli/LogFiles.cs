using System.Globalization;
using System.Text;

namespace SkyDeck.Host.Cli;

/// <summary>A position in the log: a file and a byte offset in it.</summary>
internal sealed record LogCursor(string? Path, long Offset);

/// <summary>
/// The server log as Serilog writes it: <c>skydeck.log</c>, then on each 10 MB roll <c>skydeck_001.log</c>,
/// <c>skydeck_002.log</c> …, keeping the newest five. Files are read while the server appends to them.
/// </summary>
internal static class LogFiles
{
    /// <summary>Existing log files, oldest first (by roll sequence, not by name or time).</summary>
    public static IReadOnlyList<string> List(string logFile)
    {
        var directory = Path.GetDirectoryName(logFile)!;
        if (!Directory.Exists(directory)) return [];
        var stem = Path.GetFileNameWithoutExtension(logFile);
        var extension = Path.GetExtension(logFile);
        return Directory.EnumerateFiles(directory, stem + "*" + extension)
            .Select(path => (path, sequence: Sequence(Path.GetFileName(path), stem, extension)))
            .Where(f => f.sequence >= 0)
            .OrderBy(f => f.sequence)
            .Select(f => f.path)
            .ToList();
    }

    /// <summary>0 for <c>skydeck.log</c>, N for <c>skydeck_00N.log</c>, -1 for anything else.</summary>
    public static int Sequence(string fileName, string stem, string extension)
    {
        if (!fileName.StartsWith(stem, StringComparison.Ordinal) || !fileName.EndsWith(extension, StringComparison.Ordinal)) return -1;
        var middle = fileName[stem.Length..^extension.Length];
        if (middle.Length == 0) return 0;
        return middle[0] == '_' && middle.Length > 1 && middle[1..].All(char.IsAsciiDigit)
            && int.TryParse(middle[1..], NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : -1;
    }

    /// <summary>The end of the newest file: where new lines will appear.</summary>
    public static LogCursor End(string logFile)
    {
        var newest = List(logFile).LastOrDefault();
        return new LogCursor(newest, newest is null ? 0 : Length(newest));
    }

    /// <summary>The last <paramref name="count"/> lines before <paramref name="end"/>, across rolled files, in order.</summary>
    public static IReadOnlyList<string> Tail(string logFile, int count, LogCursor end)
    {
        if (count <= 0 || end.Path is null) return [];
        var files = List(logFile).ToList();
        var last = files.IndexOf(end.Path);
        if (last < 0) return [];
        var lines = new List<string>();
        for (var i = last; i >= 0 && lines.Count < count; i--)
        {
            var limit = i == last ? end.Offset : long.MaxValue;
            var chunk = LastLines(files[i], count - lines.Count, limit);
            lines.InsertRange(0, chunk);
        }

        return lines;
    }

    /// <summary>Lines written after <paramref name="since"/> (used to explain a failed start).</summary>
    public static IReadOnlyList<string> ReadSince(string logFile, LogCursor since)
    {
        var files = List(logFile);
        var start = since.Path is null ? 0 : files.ToList().IndexOf(since.Path);
        var lines = new List<string>();
        if (start < 0) start = 0;
        for (var i = start; i < files.Count; i++)
        {
            var offset = since.Path is not null && files[i] == since.Path ? since.Offset : 0;
            var text = ReadFrom(files[i], offset, out _);
            lines.AddRange(SplitLines(text, includePartial: true));
        }

        return lines;
    }

    /// <summary>Prints lines as they are appended, following Serilog to each new file when it rolls, until cancelled.</summary>
    public static async Task FollowAsync(string logFile, LogCursor from, TextWriter output, TimeSpan poll, CancellationToken ct)
    {
        var current = from.Path;
        var offset = from.Offset;
        var pending = new StringBuilder();
        while (!ct.IsCancellationRequested)
        {
            var files = List(logFile);
            if (current is null || !files.Contains(current))
            {
                // Not started yet, or our file was deleted by retention: continue with the oldest newer file.
                var next = current is null ? files.FirstOrDefault() : NextAfter(files, current, logFile);
                if (next is null)
                {
                    await Delay(poll, ct);
                    continue;
                }

                current = next;
                offset = 0;
            }

            if (Length(current) < offset) offset = 0; // replaced or truncated
            var text = ReadFrom(current, offset, out var read);
            offset += read;
            if (text.Length > 0)
            {
                pending.Append(text);
                Flush(pending, output, includePartial: false);
            }

            if (NextAfter(files, current, logFile) is { } newer)
            {
                // Serilog closed this file before opening the next: read what is left, then move on.
                text = ReadFrom(current, offset, out read);
                pending.Append(text);
                Flush(pending, output, includePartial: true);
                current = newer;
                offset = 0;
                continue;
            }

            await output.FlushAsync(ct).ConfigureAwait(false);
            await Delay(poll, ct);
        }
    }

    private static string? NextAfter(IReadOnlyList<string> files, string current, string logFile)
    {
        var stem = Path.GetFileNameWithoutExtension(logFile);
        var extension = Path.GetExtension(logFile);
        var sequence = Sequence(Path.GetFileName(current), stem, extension);
        return files.FirstOrDefault(f => Sequence(Path.GetFileName(f), stem, extension) > sequence);
    }

    private static async Task Delay(TimeSpan poll, CancellationToken ct)
    {
        try
        {
            await Task.Delay(poll, ct).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // The loop condition ends the follow.
        }
    }

    private static void Flush(StringBuilder pending, TextWriter output, bool includePartial)
    {
        var text = pending.ToString();
        var end = includePartial ? text.Length : text.LastIndexOf('\n') + 1;
        if (end <= 0) return;
        foreach (var line in SplitLines(text[..end], includePartial: true)) output.WriteLine(line);
        pending.Remove(0, end);
    }

    private static IEnumerable<string> SplitLines(string text, bool includePartial)
    {
        var lines = text.Split('\n');
        var count = lines.Length - 1; // the piece after the last '\n' is empty or partial
        for (var i = 0; i < count; i++) yield return lines[i].TrimEnd('\r');
        if (includePartial && lines[^1].Length > 0) yield return lines[^1].TrimEnd('\r');
    }

    private static FileStream OpenShared(string path) =>
        new(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);

    private static long Length(string path)
    {
        try
        {
            return new FileInfo(path).Length;
        }
        catch (IOException)
        {
            return 0;
        }
    }

    /// <summary>Whole lines from <paramref name="offset"/> to the end; <paramref name="read"/> is how many bytes that was.</summary>
    private static string ReadFrom(string path, long offset, out long read)
    {
        read = 0;
        try
        {
            using var stream = OpenShared(path);
            if (offset >= stream.Length) return "";
            stream.Seek(offset, SeekOrigin.Begin);
            var buffer = new byte[stream.Length - offset];
            var total = 0;
            int n;
            while (total < buffer.Length && (n = stream.Read(buffer, total, buffer.Length - total)) > 0) total += n;
            // Stop at the last newline so a multi-byte character or a half-written line is never cut.
            var lastNewline = Array.LastIndexOf(buffer, (byte)'\n', total - 1);
            var usable = lastNewline >= 0 ? lastNewline + 1 : 0;
            read = usable;
            return Encoding.UTF8.GetString(buffer, 0, usable);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return "";
        }
    }

    /// <summary>The last <paramref name="count"/> lines before byte <paramref name="limit"/>, reading backwards in blocks.</summary>
    private static IReadOnlyList<string> LastLines(string path, int count, long limit)
    {
        try
        {
            using var stream = OpenShared(path);
            var end = Math.Min(stream.Length, limit);
            const int block = 64 * 1024;
            var start = end;
            var newlines = 0;
            var bytes = Array.Empty<byte>();
            while (start > 0 && newlines <= count)
            {
                var size = (int)Math.Min(block, start);
                start -= size;
                var chunk = new byte[size];
                stream.Seek(start, SeekOrigin.Begin);
                stream.ReadExactly(chunk);
                newlines += chunk.Count(b => b == (byte)'\n');
                bytes = [.. chunk, .. bytes];
            }

            var lines = SplitLines(Encoding.UTF8.GetString(bytes), includePartial: true).ToList();
            if (start > 0 && lines.Count > 0) lines.RemoveAt(0); // began mid-line
            return lines.Count > count ? lines[^count..] : lines;
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return [];
        }
    }
}
