using System.Runtime.InteropServices;
using SkyDeck.Actors.Core;

namespace SkyDeck.Host.Cli;

/// <summary>
/// <c>--demo</c>: SkyDeck against the fake <c>sky</c> it ships with (<c>fake-sky.dll</c> next to <c>skydeck.dll</c>, in
/// the repository's build and in the installed tool alike), in a data directory of its own (<c>~/.skydeck/demo</c>: pid
/// file, log, database and the fake cloud's state), on port 8001 by default, so it never mixes with real experiments
/// and runs beside a real server. Every command takes it (<c>skydeck stop --demo</c>, <c>status --demo</c>, …).
/// </summary>
internal static class Demo
{
    public const string Option = "--demo";
    public const int DefaultPort = 8001;
    public const double PollIntervalSeconds = 2;

    /// <summary>The settings a real server may have and the demo must not inherit.</summary>
    private static readonly string[] Cleared =
        ["SKYDECK_CLUSTER", "SKYDECK_SEED_NODES", "SKYDECK_DB", "SKYDECK_REMOTE_HOST", "SKYDECK_REMOTE_PORT", "SKYDECK_REMOTE_PUBLIC_HOST"];

    public static bool Requested(IReadOnlyList<string> args)
    {
        var end = args.ToList().IndexOf("--");
        return args.Take(end < 0 ? args.Count : end).Contains(Option, StringComparer.Ordinal);
    }

    public static SkyDeckPaths Paths(SkyDeckPaths paths) => new(Path.Combine(paths.Home, "demo"));

    /// <summary>
    /// Points this process's environment, which the server started from it inherits (and its <c>sky</c> processes in
    /// turn), at the demo: the shipped fake <c>sky</c> through a small script in the demo directory, the demo database,
    /// the demo's fake cloud, a 2 s poll unless <c>SKYDECK_POLL_INTERVAL</c> is set, and no cluster settings.
    /// </summary>
    public static void Prepare(SkyDeckPaths demo)
    {
        var fakeSky = Path.Combine(AppContext.BaseDirectory, "fake-sky.dll");
        if (!File.Exists(fakeSky)) throw new CliException($"the demo's fake sky is missing ({fakeSky}); rebuild or reinstall SkyDeck");
        DataDirectory.Ensure(demo);
        var script = Path.Combine(demo.Home, "sky");
        var text = "#!/bin/sh\n# SkyDeck's demo: the fake sky shipped with SkyDeck (written by skydeck --demo).\n"
                   + $"exec {ShellQuote.Quote(Dotnet())} {ShellQuote.Quote(fakeSky)} \"$@\"\n";
        if (!File.Exists(script) || File.ReadAllText(script) != text)
        {
            // Replaced whole, never rewritten in place: a running server may be executing the old one.
            var temp = $"{script}.{Environment.ProcessId}.tmp";
            File.WriteAllText(temp, text);
            if (!OperatingSystem.IsWindows())
                File.SetUnixFileMode(temp, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
            File.Move(temp, script, overwrite: true);
        }

        foreach (var name in Cleared) Environment.SetEnvironmentVariable(name, null);
        Environment.SetEnvironmentVariable("SKYDECK_SKY_PATH", script);
        Environment.SetEnvironmentVariable("SKYDECK_DB_PATH", demo.DatabaseFile);
        Environment.SetEnvironmentVariable("FAKE_SKY_HOME", Path.Combine(demo.Home, "fake-sky"));
        if (string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable("SKYDECK_POLL_INTERVAL")))
            Environment.SetEnvironmentVariable("SKYDECK_POLL_INTERVAL", PollIntervalSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    /// <summary>The <c>dotnet</c> host that runs us (an installed tool runs through its apphost, so ask the runtime).</summary>
    private static string Dotnet()
    {
        if (Environment.ProcessPath is { } self && Path.GetFileNameWithoutExtension(self) == "dotnet") return self;
        foreach (var candidate in new[]
                 {
                     Environment.GetEnvironmentVariable("DOTNET_HOST_PATH"),
                     Environment.GetEnvironmentVariable("DOTNET_ROOT") is { Length: > 0 } root ? Path.Combine(root, "dotnet") : null,
                     // …/dotnet/shared/Microsoft.NETCore.App/<version>/ → …/dotnet/dotnet
                     Path.GetFullPath(Path.Combine(RuntimeEnvironment.GetRuntimeDirectory(), "..", "..", "..", "dotnet")),
                 })
        {
            if (!string.IsNullOrEmpty(candidate) && File.Exists(candidate)) return candidate;
        }

        return "dotnet";
    }
}
