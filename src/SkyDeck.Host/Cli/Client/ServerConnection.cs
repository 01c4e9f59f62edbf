namespace SkyDeck.Host.Cli;

/// <summary>
/// Which server the client verbs talk to, and with which token: <c>--url</c>, else <c>SKYDECK_URL</c>, else the server
/// <c>skydeck start</c> recorded in the pid file (reached through loopback when it binds a wildcard). The token is
/// <c>SKYDECK_TOKEN</c>'s first entry, else the one <c>start</c> generated into <c>~/.skydeck/token</c>.
/// </summary>
internal sealed record ServerConnection(string BaseUrl, string? Token, string Source)
{
    public const string UrlVariable = "SKYDECK_URL";

    public static ServerConnection Resolve(string? url, SkyDeckPaths paths, CliConsole console)
    {
        var token = HealthProbe.Token(paths);
        if (!string.IsNullOrWhiteSpace(url)) return new(Checked(url, "--url"), token, "--url");
        if (Environment.GetEnvironmentVariable(UrlVariable) is { Length: > 0 } fromEnvironment)
            return new(Checked(fromEnvironment, UrlVariable), token, UrlVariable);
        if (ServerLocator.FindRunning(paths, console) is { } server)
            return new(HealthProbe.LocalUrl(server.Host, server.Port), token, paths.PidFile);
        throw new CliException(
            $"SkyDeck is not running (no server recorded in {paths.PidFile}). Start it with `skydeck start`, "
            + $"or name a running one with --url or {UrlVariable}.",
            exitCode: ExitCodes.Unreachable);
    }

    private static string Checked(string url, string where)
    {
        if (Uri.TryCreate(url.Trim(), UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https")
            return uri.GetLeftPart(UriPartial.Path).TrimEnd('/');
        throw new CliException($"{where} must be an http(s) URL such as http://127.0.0.1:8000 (got '{url}')", exitCode: ExitCodes.Usage);
    }
}
