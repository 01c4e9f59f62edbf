namespace SkyDeck.Host.Cli;

/// <summary>The process exit codes, documented in <c>--help</c>.</summary>
internal static class ExitCodes
{
    public const int Ok = 0;
    public const int Error = 1;
    public const int Usage = 2;

    /// <summary>The client verbs could not talk to a server: none running, not answering, or the token was refused.</summary>
    public const int Unreachable = 3;

    public const string HelpText = "Exit codes: 0 success, 1 error (message on stderr), 2 usage error.";

    public const string ClientHelpText =
        "Exit codes: 0 success, 1 error (message on stderr; for several experiments: any one failed, or the confirmation "
        + "was declined), 2 usage error, 3 the server cannot be reached (not running, not answering, or the token was refused).";
}
