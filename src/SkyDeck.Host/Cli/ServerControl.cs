using System.Diagnostics;
using System.Globalization;
using System.Reflection;

namespace SkyDeck.Host.Cli;

/// <summary>Starting, running and stopping the server process; the commands only choose and report.</summary>
internal static class ServerControl
{
    public static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    public static readonly TimeSpan DefaultStopTimeout = TimeSpan.FromSeconds(30);

    private static string Version =>
        typeof(ServerControl).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0.0.0";

    /// <summary>
    /// Spawns <c>skydeck start --foreground</c> detached and waits until it has written its pid file and answers
    /// <c>/api/health</c>. Checks what it can first (data directory, port) so the common failures are reported
    /// without a spawn; anything else is read back from the fatal line the child leaves in the log.
    /// </summary>
    public static async Task<(ServerRecord Server, bool WasRunning)> StartInBackgroundAsync(
        ServerSettings settings, SkyDeckPaths paths, CliConsole console, CancellationToken ct)
    {
        if (ServerLocator.FindRunning(paths, console) is { } running) return (running, true);
        DataDirectory.Ensure(paths);
        PortCheck.EnsureFree(settings.Host, settings.Port);
        Exposure.Tell(settings, paths, console);

        var cursor = LogFiles.End(paths.LogFile);
        List<string> args = ["start", "--foreground", "--detached", "--host", settings.Host, "--port", settings.Port.ToString(CultureInfo.InvariantCulture)];
        if (settings.Insecure) args.Add("--insecure");
        if (settings.Demo) args.Add(Demo.Option);
        using var child = SelfLauncher.StartDetached(args);

        var localUrl = HealthProbe.LocalUrl(settings.Host, settings.Port);
        var clock = Stopwatch.StartNew();
        while (true)
        {
            if (child.HasExited) throw ExplainFailure(paths, cursor, child.ExitCode);
            if (PidFile.Read(paths.PidFile) is { } record && record.Pid == child.Id
                && (await HealthProbe.GetAsync(localUrl, null, TimeSpan.FromSeconds(2), ct)).Answered)
                return (record, false);
            if (clock.Elapsed > StartTimeout)
                throw new CliException($"SkyDeck (pid {child.Id}) did not answer on {localUrl} within {StartTimeout.TotalSeconds:0} s; "
                                       + "it may still be starting — see skydeck logs, or skydeck stop");
            await Task.Delay(150, ct);
        }
    }

    /// <summary>Runs the server in this process until SIGTERM/Ctrl+C; the pid file exists exactly while it serves.</summary>
    public static async Task<int> RunInForegroundAsync(ServerSettings settings, bool detached, SkyDeckPaths paths, CliConsole console)
    {
        if (detached) Posix.DetachFromTerminal();
        try
        {
            if (ServerLocator.FindRunning(paths, console) is { } running && running.Pid != Environment.ProcessId)
            {
                console.Out.WriteLine($"SkyDeck is already running at {running.Url} (pid {running.Pid}).");
                return ExitCodes.Ok;
            }

            DataDirectory.Ensure(paths);
            PortCheck.EnsureFree(settings.Host, settings.Port);
            if (!detached) Exposure.Tell(settings, paths, console);

            var app = SkyDeckServer.Build([], settings with { LogToConsole = !detached, LogToFile = true }, paths);
            if (Exposure.Describe(settings, paths) is { IsWarning: true } exposure) app.Logger.LogWarning("{Warning}", exposure.Text);
            app.Lifetime.ApplicationStarted.Register(() => WritePidFile(app, settings, paths));
            try
            {
                // RunAsync handles SIGTERM/SIGINT itself: stop accepting, drain, shut the actor system down, flush.
                await app.RunAsync();
            }
            finally
            {
                PidFile.DeleteIfOwnedBy(paths.PidFile, Environment.ProcessId);
            }

            return ExitCodes.Ok;
        }
        catch (Exception e)
        {
            var message = StartupFailure.Describe(e, settings);
            StartupFailure.Record(paths, message ?? $"unexpected error: {e.Message}", message is null ? e : null);
            throw new CliException(message ?? $"unexpected error: {e.Message} (details in {paths.LogFile})", e);
        }
    }

    /// <summary>SIGTERM (or SIGKILL with <paramref name="force"/>) and wait until the process has really gone.</summary>
    public static async Task StopAsync(ServerRecord server, bool force, TimeSpan timeout, SkyDeckPaths paths, CliConsole console, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        if (Posix.Signal(server.Pid, force ? Posix.SigKill : Posix.SigTerm))
        {
            console.Out.WriteLine(force
                ? $"Killing SkyDeck (pid {server.Pid})…"
                : $"Stopping SkyDeck (pid {server.Pid}), waiting up to {timeout.TotalSeconds:0} s for it to finish its writes…");
        }

        while (Posix.IsAlive(server.Pid))
        {
            if (clock.Elapsed > timeout)
                throw new CliException($"SkyDeck (pid {server.Pid}) is still running after {timeout.TotalSeconds:0} s — "
                                       + "see skydeck logs, or run skydeck stop --force to kill it");
            await Task.Delay(100, ct);
        }

        PidFile.DeleteIfOwnedBy(paths.PidFile, server.Pid);
        console.Out.WriteLine($"SkyDeck stopped (pid {server.Pid}, {clock.Elapsed.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture)} s).");
    }

    private static void WritePidFile(WebApplication app, ServerSettings settings, SkyDeckPaths paths)
    {
        try
        {
            PidFile.Write(paths.PidFile, new ServerRecord(
                Environment.ProcessId, settings.Url, settings.Host, settings.Port, settings.Insecure, DateTimeOffset.UtcNow, Version,
                settings.Demo, EffectiveSettings.Of(app.Services.GetRequiredService<SkyDeck.Actors.Hosting.SkyDeckOptions>())));
            app.Logger.LogInformation("SkyDeck {Version} serving {Url} (pid {Pid})", Version, settings.Url, Environment.ProcessId);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            app.Logger.LogError(e, "Cannot write the pid file {PidFile}; skydeck stop/status will not find this server", paths.PidFile);
        }
    }

    private static CliException ExplainFailure(SkyDeckPaths paths, LogCursor cursor, int exitCode)
    {
        var lines = LogFiles.ReadSince(paths.LogFile, cursor);
        var fatal = StartupFailure.FatalMessages(lines);
        if (fatal.Count > 0) return new CliException(string.Join(Environment.NewLine + "skydeck: ", fatal));
        var tail = lines.TakeLast(15).ToList();
        return new CliException(tail.Count == 0
            ? $"the server exited during startup (exit code {exitCode}) without writing to {paths.LogFile}"
            : $"the server exited during startup (exit code {exitCode}); the last lines of {paths.LogFile}:{Environment.NewLine}  "
              + string.Join(Environment.NewLine + "  ", tail));
    }
}
