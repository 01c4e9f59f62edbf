namespace SkyDeck.Host.Cli;

/// <summary>The process exit codes, documented in <c>--help</c>.</summary>
internal static class ExitCodes
{
    public const int Ok = 0;
    public const int Error = 1;
    public const int Usage = 2;

    public const string HelpText = "Exit codes: 0 success, 1 error (message on stderr), 2 usage error.";
}
