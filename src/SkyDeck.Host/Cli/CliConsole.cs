namespace SkyDeck.Host.Cli;

/// <summary>Where a command writes and reads answers to prompts, and whether a person is watching (decides whether to
/// open a browser, and how wide a table may be).</summary>
internal sealed record CliConsole(TextWriter Out, TextWriter Error, bool IsInteractive, TextReader? In = null, int? Columns = null)
{
    public static CliConsole System() => new(Console.Out, Console.Error, !Console.IsOutputRedirected, Console.In);

    public void Warn(string message) => Error.WriteLine($"skydeck: warning: {message}");

    public void Note(string message) => Error.WriteLine($"skydeck: {message}");

    /// <summary>The width a table may take: the terminal's, else <c>COLUMNS</c>, else unlimited when piped.</summary>
    public int Width
    {
        get
        {
            if (Columns is { } fixedWidth) return fixedWidth;
            if (int.TryParse(Environment.GetEnvironmentVariable("COLUMNS"), out var columns) && columns > 20) return columns;
            if (!IsInteractive) return int.MaxValue;
            try
            {
                return Console.WindowWidth is > 20 and var w ? w : 120;
            }
            catch (IOException)
            {
                return 120;
            }
        }
    }
}
