namespace SkyDeck.Host.Cli;

/// <summary>What to tell the user about a server reachable from the network.</summary>
internal static class Exposure
{
    /// <summary>Beyond loopback the server requires a token (generated into ~/.skydeck/token unless SKYDECK_TOKEN is
    /// set); with --insecure it requires nothing, which deserves a real warning.</summary>
    public static (string Text, bool IsWarning)? Describe(ServerSettings settings, SkyDeckPaths paths)
    {
        if (PortCheck.IsLoopback(settings.Host)) return null;
        if (settings.Insecure)
            return ($"listening on {settings.Host} with --insecure: SkyDeck is reachable from the network WITHOUT authentication; "
                    + "anyone who can connect can launch and cancel jobs", true);
        var token = string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable("SKYDECK_TOKEN")) ? $"the token in {paths.TokenFile}" : "a token from SKYDECK_TOKEN";
        return ($"listening on {settings.Host}: SkyDeck is reachable from the network; the dashboard and API require {token}", false);
    }

    public static void Tell(ServerSettings settings, SkyDeckPaths paths, CliConsole console)
    {
        if (Describe(settings, paths) is not { } exposure) return;
        if (exposure.IsWarning) console.Warn(exposure.Text);
        else console.Note(exposure.Text);
    }
}
