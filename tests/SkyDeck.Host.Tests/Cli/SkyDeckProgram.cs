using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using SkyDeck.Host.Cli;

namespace SkyDeck.Host.Tests.Cli;

public sealed record CliRun(int ExitCode, string Stdout, string Stderr)
{
    public override string ToString() => $"exit {ExitCode}\n--- stdout\n{Stdout}\n--- stderr\n{Stderr}";
}

/// <summary>
/// A user of the real, built <c>skydeck</c> program: <c>dotnet skydeck.dll …</c> from next to the test assembly (the
/// project reference copies it there with its runtimeconfig and deps), run as a child process with its own HOME,
/// a harmless <c>sky</c> (<c>/bin/true</c>) and no browser. Disposing kills any server it left behind.
/// </summary>
internal sealed class SkyDeckProgram : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("skydeck-cli-").FullName;

    public SkyDeckProgram()
    {
        Home = Path.Combine(_root, "home");
        Directory.CreateDirectory(Home);
        WorkingDirectory = Path.Combine(_root, "cwd");
        Directory.CreateDirectory(WorkingDirectory);
    }

    public static string Assembly
    {
        get
        {
            var path = Path.Combine(AppContext.BaseDirectory, "skydeck.dll");
            Assert.True(File.Exists(path), $"the built program is missing at {path}");
            return path;
        }
    }

    /// <summary>Scratch space for the test (files that are not a home, fake data …).</summary>
    public string Root => _root;

    public string Home { get; set; }

    public string WorkingDirectory { get; }

    public string DataDirectory => Path.Combine(Home, ".skydeck");

    public string PidFile => Path.Combine(DataDirectory, "skydeck.pid");

    public Dictionary<string, string> Environment { get; } = new() { ["SKYDECK_SKY_PATH"] = "/bin/true", ["SKYDECK_NO_BROWSER"] = "1" };

    public Process Start(params string[] args)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = WorkingDirectory,
        };
        start.ArgumentList.Add(Assembly);
        foreach (var arg in args) start.ArgumentList.Add(arg);
        foreach (var key in start.Environment.Keys.Where(k => k.StartsWith("SKYDECK_", StringComparison.Ordinal)).ToList())
            start.Environment.Remove(key);
        start.Environment["HOME"] = Home;
        foreach (var (key, value) in Environment) start.Environment[key] = value;
        var process = Process.Start(start)!;
        process.StandardInput.Close();
        return process;
    }

    public async Task<CliRun> RunAsync(params string[] args)
    {
        using var process = Start(args);
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"skydeck {string.Join(' ', args)} did not finish within 120 s");
        }

        return new CliRun(process.ExitCode, await stdout, await stderr);
    }

    public ServerRecord? ReadPidFile() => Host.Cli.PidFile.Read(PidFile);

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public static async Task<bool> ExitsWithinAsync(int pid, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (Posix.IsAlive(pid))
        {
            if (clock.Elapsed > timeout) return false;
            await Task.Delay(50);
        }

        return true;
    }

    public void Dispose()
    {
        if (File.Exists(PidFile) && ReadPidFile() is { Pid: > 0 } server && Posix.IsSkyDeck(server.Pid))
            Posix.Signal(server.Pid, Posix.SigKill);
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
            // A server may still be closing its log; the temp directory is left behind.
        }
    }
}
