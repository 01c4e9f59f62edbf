using System.Runtime.InteropServices;

namespace SkyDeck.Host.Cli;

/// <summary>What each command does and prints; the process work is in <see cref="ServerControl"/>.</summary>
internal static class Commands
{
    public static async Task<int> OpenDashboardAsync(ServerSettings settings, SkyDeckPaths paths, CliConsole console, CancellationToken ct)
    {
        var (server, wasRunning) = await ServerControl.StartInBackgroundAsync(settings, paths, console, ct);
        if (!wasRunning) console.Out.WriteLine($"Started SkyDeck at {server.Url} (pid {server.Pid}).");
        else TellDifferences(server, settings, paths, console);
        var url = HealthProbe.LocalUrl(server.Host, server.Port);
        if (console.IsInteractive && !Browser.Disabled && Browser.TryOpen(url))
            console.Out.WriteLine($"Opened {url} in your browser.");
        else
            console.Out.WriteLine($"Dashboard: {url}");
        return ExitCodes.Ok;
    }

    public static async Task<int> StartAsync(ServerSettings settings, SkyDeckPaths paths, CliConsole console, CancellationToken ct)
    {
        var (server, wasRunning) = await ServerControl.StartInBackgroundAsync(settings, paths, console, ct);
        if (wasRunning)
        {
            console.Out.WriteLine($"SkyDeck is already running at {server.Url} (pid {server.Pid}).");
            if (server.Host != settings.Host || server.Port != settings.Port)
                console.Note($"it was not restarted on {settings.Url}; use skydeck restart --host {settings.Host} --port {settings.Port}{(settings.Demo ? " --demo" : "")}");
            TellDifferences(server, settings, paths, console);
            return ExitCodes.Ok;
        }

        console.Out.WriteLine($"SkyDeck started at {server.Url} (pid {server.Pid}).");
        console.Out.WriteLine($"Logs: {paths.LogFile}");
        return ExitCodes.Ok;
    }

    /// <summary>
    /// A server found running keeps the settings it was started with: say which of the ones asked for now (the
    /// SKYDECK_* environment, appsettings.json) differ, instead of silently ignoring them.
    /// </summary>
    private static void TellDifferences(ServerRecord server, ServerSettings settings, SkyDeckPaths paths, CliConsole console)
    {
        var differences = EffectiveSettings.Differences(server, EffectiveSettings.Requested(paths));
        if (differences.Count == 0) return;
        console.Warn($"the running server has other settings than asked for, and they were not applied: {string.Join("; ", differences)}. "
                     + $"Run skydeck restart{(settings.Demo ? " --demo" : "")} to apply them.");
    }

    public static async Task<int> StopAsync(bool force, TimeSpan timeout, SkyDeckPaths paths, CliConsole console, CancellationToken ct)
    {
        if (ServerLocator.FindRunning(paths, console) is not { } server)
        {
            console.Out.WriteLine("SkyDeck is not running.");
            return ExitCodes.Ok;
        }

        await ServerControl.StopAsync(server, force, timeout, paths, console, ct);
        return ExitCodes.Ok;
    }

    public static async Task<int> RestartAsync(
        string? host, int? port, bool insecure, bool demo, TimeSpan timeout, SkyDeckPaths paths, CliConsole console, CancellationToken ct)
    {
        var previous = ServerLocator.FindRunning(paths, console);
        var settings = new ServerSettings(
            host ?? previous?.Host ?? ServerSettings.DefaultHost,
            port ?? previous?.Port ?? (demo ? Demo.DefaultPort : ServerSettings.DefaultPort),
            insecure || previous?.Insecure == true,
            Demo: demo);
        if (previous is null)
        {
            console.Out.WriteLine("SkyDeck was not running; starting it.");
        }
        else
        {
            await ServerControl.StopAsync(previous, force: false, timeout, paths, console, ct);
            // The old process has exited; wait for the kernel to release its port rather than sleeping a fixed time.
            if (previous.Host == settings.Host && previous.Port == settings.Port
                && !await PortCheck.WaitUntilFreeAsync(settings.Host, settings.Port, TimeSpan.FromSeconds(10), ct))
                PortCheck.EnsureFree(settings.Host, settings.Port);
        }

        return await StartAsync(settings, paths, console, ct);
    }

    public static async Task<int> StatusAsync(SkyDeckPaths paths, CliConsole console, CancellationToken ct)
    {
        if (ServerLocator.FindRunning(paths, console) is not { } server)
        {
            console.Out.WriteLine("SkyDeck is not running.");
            return ExitCodes.Error;
        }

        var now = DateTimeOffset.UtcNow;
        var localUrl = HealthProbe.LocalUrl(server.Host, server.Port);
        var health = await HealthProbe.GetAsync(localUrl, HealthProbe.Token(paths), TimeSpan.FromSeconds(5), ct);
        var output = console.Out;
        output.WriteLine("SkyDeck is running.");
        output.WriteLine($"  pid:        {server.Pid}");
        output.WriteLine($"  url:        {server.Url}{(localUrl != server.Url ? $" (local: {localUrl})" : "")}");
        if (server.StartedAt > DateTimeOffset.MinValue)
            output.WriteLine($"  uptime:     {Duration.Format(now - server.StartedAt)} (since {server.StartedAt.ToUniversalTime():yyyy-MM-dd HH:mm:ss}Z)");
        if (server.Version is { } version) output.WriteLine($"  version:    {version}");
        HealthProbe.Print(health, now, output);
        output.WriteLine($"  log:        {paths.LogFile}");
        return health.Answered ? ExitCodes.Ok : ExitCodes.Error;
    }

    public static async Task<int> LogsAsync(int lines, bool follow, SkyDeckPaths paths, CliConsole console, CancellationToken ct)
    {
        var end = LogFiles.End(paths.LogFile);
        if (end.Path is null && !follow)
        {
            console.Note($"no log yet at {paths.LogFile} (SkyDeck has not been started)");
            return ExitCodes.Ok;
        }

        foreach (var line in LogFiles.Tail(paths.LogFile, lines, end)) console.Out.WriteLine(line);
        if (!follow) return ExitCodes.Ok;

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Cancel);
        using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Cancel);
        await LogFiles.FollowAsync(paths.LogFile, end, console.Out, TimeSpan.FromMilliseconds(250), stop.Token);
        return ExitCodes.Ok;

        void Cancel(PosixSignalContext context)
        {
            context.Cancel = true;
            stop.Cancel();
        }
    }
}
