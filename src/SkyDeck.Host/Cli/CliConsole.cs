namespace SkyDeck.Host.Cli;

/// <summary>Where a command writes, and whether a person is watching (decides whether to open a browser).</summary>
internal sealed record CliConsole(TextWriter Out, TextWriter Error, bool IsInteractive)
{
    public static CliConsole System() => new(Console.Out, Console.Error, !Console.IsOutputRedirected);

    public void Warn(string message) => Error.WriteLine($"skydeck: warning: {message}");

    public void Note(string message) => Error.WriteLine($"skydeck: {message}");
}
