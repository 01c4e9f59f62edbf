using System.Diagnostics;
using System.Reflection;

namespace SkyDeck.Host.Cli;

/// <summary>Starts another copy of this program, whether it runs as the installed tool's apphost or as <c>dotnet skydeck.dll</c>.</summary>
internal static class SelfLauncher
{
    /// <summary>The executable and the arguments that come before ours.</summary>
    public static (string File, IReadOnlyList<string> Prefix) Current()
    {
        var processPath = Environment.ProcessPath ?? throw new CliException("cannot find the path of the running program");
        if (!Path.GetFileNameWithoutExtension(processPath).Equals("dotnet", StringComparison.OrdinalIgnoreCase)) return (processPath, []);

        var assembly = Assembly.GetEntryAssembly()?.Location;
        if (string.IsNullOrEmpty(assembly)) assembly = Path.Combine(AppContext.BaseDirectory, "skydeck.dll");
        return (processPath, [assembly]);
    }

    /// <summary>
    /// Starts the program with <paramref name="args"/> with stdin/stdout/stderr on /dev/null: nothing ties it to this
    /// terminal or to a pipe of whoever ran us (a test, a script). The child itself calls setsid.
    /// </summary>
    public static Process StartDetached(IReadOnlyList<string> args)
    {
        var (file, prefix) = Current();
        ProcessStartInfo start;
        if (OperatingSystem.IsWindows())
        {
            start = new ProcessStartInfo(file) { CreateNoWindow = true };
        }
        else
        {
            // exec keeps the pid, so the pid we see is the server's.
            start = new ProcessStartInfo("/bin/sh");
            start.ArgumentList.Add("-c");
            start.ArgumentList.Add("exec \"$0\" \"$@\" </dev/null >/dev/null 2>&1");
            start.ArgumentList.Add(file);
        }

        foreach (var arg in prefix.Concat(args)) start.ArgumentList.Add(arg);
        start.UseShellExecute = false;
        start.WorkingDirectory = Environment.CurrentDirectory;
        return Process.Start(start) ?? throw new CliException($"cannot start '{file}'");
    }
}
