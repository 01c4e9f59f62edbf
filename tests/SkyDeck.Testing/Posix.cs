using System.Globalization;
using System.Runtime.InteropServices;

namespace SkyDeck.Testing;

/// <summary>
/// Signals and /proc for tests that run real processes: what System.Diagnostics.Process does not offer. (The server has
/// its own, <c>SkyDeck.Host.Cli.Posix</c>; this one is for watching and killing processes from outside.)
/// </summary>
public static class Posix
{
    public const int SigTerm = 15;
    public const int SigKill = 9;

    [DllImport("libc", SetLastError = true, EntryPoint = "kill")]
    private static extern int Kill(int pid, int signal);

    public static bool Signal(int pid, int signal) => Kill(pid, signal) == 0;

    /// <summary>Alive and not a zombie.</summary>
    public static bool IsAlive(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var state = stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[0];
            return state is not ("Z" or "X");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    public static string CommandLine(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/cmdline").Replace('\0', ' ');
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return "";
        }
    }

    /// <summary>Processes whose environment has <paramref name="name"/>=<paramref name="value"/>.</summary>
    public static IReadOnlyList<int> ProcessesWithEnvironment(string name, string value)
    {
        var wanted = $"{name}={value}";
        var found = new List<int>();
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(directory), out var pid) || pid == Environment.ProcessId) continue;
            try
            {
                if (File.ReadAllText(Path.Combine(directory, "environ")).Split('\0').Contains(wanted)) found.Add(pid);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
            }
        }

        return found;
    }

    /// <summary>Resident set size in KiB from <c>/proc/{pid}/status</c> (VmRSS), or null when the process is gone.</summary>
    public static long? RssKb(int pid)
    {
        try
        {
            foreach (var line in File.ReadLines($"/proc/{pid}/status"))
            {
                if (!line.StartsWith("VmRSS:", StringComparison.Ordinal)) continue;
                var digits = new string([.. line.Where(char.IsDigit)]);
                return long.Parse(digits, CultureInfo.InvariantCulture);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }

        return null;
    }

    /// <summary>CPU time (user + system) the process has used so far, from <c>/proc/{pid}/stat</c>.</summary>
    public static double CpuSeconds(int pid)
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / 100.0;
    }
}
