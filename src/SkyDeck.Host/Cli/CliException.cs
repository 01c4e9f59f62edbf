namespace SkyDeck.Host.Cli;

/// <summary>An expected failure: the message is printed as one line on stderr and the exit code is 1, no stack trace.</summary>
internal sealed class CliException(string message, Exception? inner = null) : Exception(message, inner);
