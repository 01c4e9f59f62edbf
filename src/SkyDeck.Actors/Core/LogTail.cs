using System.Collections.Immutable;

namespace SkyDeck.Actors.Core;

/// <summary>
/// The last lines of a job's output as <c>sky logs --no-follow --tail N</c> printed them (ANSI and SkyPilot's own
/// <c>Tailing logs of job…</c> line removed). <paramref name="ExitCodes"/>: SkyPilot's <c>failed with return code list</c>
/// (one per node; empty when it printed none); <paramref name="ExitCode"/>: the code that failed the job.
/// <paramref name="Truncated"/>: the job printed more than was asked for (or may have).
/// </summary>
public sealed record LogTail(ImmutableArray<string> Lines, bool Truncated, ImmutableArray<int> ExitCodes, int? ExitCode)
{
    /// <summary>The most lines SkyDeck keeps of one job.</summary>
    public const int MaxKeptLines = 1000;

    /// <summary>Longer lines are cut (a progress bar without newlines can be megabytes).</summary>
    public const int MaxLineLength = 2000;

    /// <summary>At most <paramref name="lines"/> lines (the last ones), each at most <see cref="MaxLineLength"/> characters.</summary>
    public LogTail Bounded(int lines)
    {
        var keep = Math.Clamp(lines, 0, MaxKeptLines);
        var cut = Lines.Length > keep;
        var kept = Lines.Skip(Math.Max(0, Lines.Length - keep)).Select(l => l.Length > MaxLineLength ? l[..MaxLineLength] + "…" : l);
        return this with { Lines = [.. kept], Truncated = Truncated || cut };
    }
}
