using System.Diagnostics;
using System.Runtime.InteropServices;

namespace SkyDeck.Host.Cli;

/// <summary>The few process primitives .NET does not offer: sending SIGTERM, leaving the terminal's session, and
/// telling a live process from a zombie or a reused pid.</summary>
internal static class Posix
{
    public const int SigTerm = 15;
    public const int SigKill = 9;
    private const int Esrch = 3;
    private const int Eperm = 1;

    [DllImport("libc", SetLastError = true, EntryPoint = "kill")]
    private static extern int Kill(int pid, int signal);

    [DllImport("libc", SetLastError = true, EntryPoint = "setsid")]
    private static extern int SetSid();

    /// <summary>Starts a new session so that closing the terminal (SIGHUP to its process group) does not stop the server.</summary>
    public static void DetachFromTerminal()
    {
        if (OperatingSystem.IsWindows()) return;
        _ = SetSid(); // fails only when already a group leader, which is detached enough
    }

    /// <summary>Sends <paramref name="signal"/>; false when the process no longer exists; throws when not permitted.</summary>
    public static bool Signal(int pid, int signal)
    {
        if (OperatingSystem.IsWindows())
        {
            try
            {
                using var process = Process.GetProcessById(pid);
                process.Kill(entireProcessTree: false);
                return true;
            }
            catch (ArgumentException)
            {
                return false;
            }
        }

        if (Kill(pid, signal) == 0) return true;
        var errno = Marshal.GetLastPInvokeError();
        if (errno == Esrch) return false;
        throw new CliException(errno == Eperm
            ? $"not allowed to signal process {pid} (it belongs to another user)"
            : $"cannot signal process {pid} (errno {errno})");
    }

    /// <summary>True while the process exists and is not a zombie (an exited child nobody has reaped yet).</summary>
    public static bool IsAlive(int pid)
    {
        if (pid <= 0) return false;
        if (OperatingSystem.IsLinux())
        {
            string stat;
            try
            {
                stat = File.ReadAllText($"/proc/{pid}/stat");
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                return false;
            }

            // "pid (comm) S …": the state follows the last ')' because comm may itself contain ')'.
            var close = stat.LastIndexOf(')');
            var state = close >= 0 && close + 2 < stat.Length ? stat[close + 2] : '?';
            return state is not ('Z' or 'X' or 'x');
        }

        if (OperatingSystem.IsWindows())
        {
            try
            {
                using var process = Process.GetProcessById(pid);
                return !process.HasExited;
            }
            catch (ArgumentException)
            {
                return false;
            }
        }

        return Kill(pid, 0) == 0 || Marshal.GetLastPInvokeError() == Eperm;
    }

    /// <summary>The process's argv, or null when it cannot be read.</summary>
    public static IReadOnlyList<string>? CommandLine(int pid)
    {
        if (OperatingSystem.IsLinux())
        {
            try
            {
                var raw = File.ReadAllText($"/proc/{pid}/cmdline");
                return raw.Split('\0', StringSplitOptions.RemoveEmptyEntries);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                return null;
            }
        }

        try
        {
            using var process = Process.GetProcessById(pid);
            return [process.MainModule?.FileName ?? process.ProcessName];
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            return null;
        }
    }

    /// <summary>
    /// Whether <paramref name="pid"/> is a live SkyDeck process: the program (or, under <c>dotnet</c>, the assembly it
    /// runs) is named skydeck. A pid file pointing at anything else is stale: the pid was reused.
    /// </summary>
    public static bool IsSkyDeck(int pid) => IsAlive(pid) && CommandLine(pid) is { } argv && IsSkyDeckCommandLine(argv);

    public static bool IsSkyDeckCommandLine(IReadOnlyList<string> argv)
    {
        static bool Named(string arg)
        {
            var name = Path.GetFileName(arg);
            return name.Equals("skydeck", StringComparison.OrdinalIgnoreCase)
                || name.Equals("skydeck.dll", StringComparison.OrdinalIgnoreCase)
                || name.Equals("skydeck.exe", StringComparison.OrdinalIgnoreCase);
        }

        if (argv.Count == 0) return false;
        if (Named(argv[0])) return true;
        // dotnet [exec] [host options] skydeck.dll …: the assembly is the first argument ending in .dll.
        return Path.GetFileNameWithoutExtension(argv[0]).Equals("dotnet", StringComparison.OrdinalIgnoreCase)
            && argv.Skip(1).FirstOrDefault(a => a.EndsWith(".dll", StringComparison.OrdinalIgnoreCase)) is { } dll
            && Named(dll);
    }
}
