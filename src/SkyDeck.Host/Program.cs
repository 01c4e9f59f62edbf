using SkyDeck.Host;
using SkyDeck.Host.Cli;

// WebApplicationFactory<Program> starts the entry point with host settings as "--applicationName=…" arguments;
// those runs build the server directly. Everything else is the `skydeck` command line.
if (args.Any(a => a.StartsWith("--applicationName=", StringComparison.Ordinal)))
{
    await SkyDeckServer.Build(args, new ServerSettings(LogToFile: false), SkyDeckPaths.Default()).RunAsync();
    return 0;
}

return await SkyDeckCommandLine.InvokeAsync(args);

/// <summary>The entry point, public so that host tests can use <c>WebApplicationFactory&lt;Program&gt;</c>.</summary>
public partial class Program;
