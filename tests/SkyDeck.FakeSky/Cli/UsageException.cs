namespace SkyDeck.FakeSky.Cli;

/// <summary>
/// A Click usage error: printed as <c>Usage: …</c>, <c>Try '… -h' for help.</c>, a blank line and
/// <c>Error: …</c> on stderr, with exit code 2.
/// </summary>
internal sealed class UsageException(string usageLine, string helpCommand, string message) : Exception(message)
{
    public const int ExitCode = 2;

    public string UsageLine { get; } = usageLine;

    public string HelpCommand { get; } = helpCommand;

    public static UsageException For(CommandSpec spec, string message) =>
        new(spec.UsageLine, $"{CommandSpec.Program} {spec.Name}", message);

    public void WriteTo(TextWriter stderr)
    {
        stderr.WriteLine($"Usage: {UsageLine}");
        stderr.WriteLine($"Try '{HelpCommand} -h' for help.");
        stderr.WriteLine();
        stderr.WriteLine($"Error: {Message}");
    }
}
