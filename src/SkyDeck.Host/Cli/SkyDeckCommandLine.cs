namespace SkyDeck.Host.Cli;

/// <summary>The <c>skydeck</c> command line (being written: start/stop/restart/status/logs).</summary>
public static class SkyDeckCommandLine
{
    public static async Task<int> InvokeAsync(string[] args)
    {
        var settings = new ServerSettings();
        await SkyDeckServer.Build(args, settings, SkyDeckPaths.Default()).RunAsync();
        return 0;
    }
}
