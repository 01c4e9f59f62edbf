using System.Diagnostics;
using System.Globalization;
using SkyDeck.FakeSky;
using SkyDeck.Host;

namespace SkyDeck.Benchmarks.Server;

/// <summary>
/// <c>SkyDeck.Benchmarks --serve-child --db PATH --home DIR --port N</c>: the production server alone in a fresh
/// process (same <see cref="SkyDeckServer.Build"/>, same GC as the <c>skydeck</c> executable, no probe), so a
/// cold start pays for runtime start-up and JIT and its peak RSS is its own. <c>FAKE_SKY_HOME</c> comes from the
/// environment. Prints <c>listening MS</c> once Kestrel and the actor system are up; stops when stdin closes.
/// Optional <c>--passivate-after SECONDS</c> sets <c>SKYDECK_PASSIVATE_AFTER</c>. A line <c>gc</c> on stdin runs a full
/// blocking, compacting collection and answers <c>heap BYTES</c> (the managed heap that is still alive).
/// <c>SKYDECK_BENCH_CONSOLE=1</c> in the environment writes the server's log to stdout (start-up phases with timestamps).
/// </summary>
public static class ChildServer
{
    public const string Flag = "--serve-child";

    public static async Task<int> RunAsync(IReadOnlyList<string> args)
    {
        string Arg(string name) => args[args.ToList().IndexOf(name) + 1];
        var port = int.Parse(Arg("--port"), CultureInfo.InvariantCulture);
        List<string> settings = [$"--SKYDECK_DB_PATH={Arg("--db")}", $"--SKYDECK_SKY_PATH={FakeSkyHome.ExecutablePath}"];
        if (args.Contains("--passivate-after")) settings.Add($"--SKYDECK_PASSIVATE_AFTER={Arg("--passivate-after")}");
        var app = SkyDeckServer.Build(
            [.. settings],
            new ServerSettings(Host: "127.0.0.1", Port: port, LogToConsole: Environment.GetEnvironmentVariable("SKYDECK_BENCH_CONSOLE") == "1", LogToFile: false),
            new SkyDeckPaths(Arg("--home")));
        await app.StartAsync();
        var sinceStart = DateTime.Now - Process.GetCurrentProcess().StartTime;
        Console.WriteLine(FormattableString.Invariant($"listening {sinceStart.TotalMilliseconds:0}"));
        while (await Console.In.ReadLineAsync() is { } line)
        {
            if (line != "gc") continue;
            GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
            GC.WaitForPendingFinalizers();
            GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
            Console.WriteLine(FormattableString.Invariant($"heap {GC.GetTotalMemory(false)}"));
        }

        await app.StopAsync();
        await app.DisposeAsync();
        return 0;
    }

    /// <summary>How to start this executable again: its apphost if it sits next to the assembly, else <c>dotnet SkyDeck.Benchmarks.dll</c>.</summary>
    public static ProcessStartInfo StartInfo(IEnumerable<string> args)
    {
        var assembly = typeof(ChildServer).Assembly.Location;
        var apphost = Path.Combine(Path.GetDirectoryName(assembly)!, OperatingSystem.IsWindows() ? "SkyDeck.Benchmarks.exe" : "SkyDeck.Benchmarks");
        var info = File.Exists(apphost)
            ? new ProcessStartInfo(apphost)
            : new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet") { ArgumentList = { assembly } };
        info.ArgumentList.Add(Flag);
        foreach (var arg in args) info.ArgumentList.Add(arg);
        info.RedirectStandardInput = true;
        info.RedirectStandardOutput = true;
        info.RedirectStandardError = true;
        info.UseShellExecute = false;
        return info;
    }
}
