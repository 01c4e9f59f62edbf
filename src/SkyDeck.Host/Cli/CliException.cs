namespace SkyDeck.Host.Cli;

/// <summary>An expected failure: the message is printed as one line on stderr and the process exits with
/// <see cref="ExitCode"/> (1 unless said otherwise), no stack trace.</summary>
internal sealed class CliException(string message, Exception? inner = null, int exitCode = ExitCodes.Error) : Exception(message, inner)
{
    public int ExitCode { get; } = exitCode;
}
