using System.ComponentModel;
using System.Diagnostics;

namespace SkyDeck.Host.Cli;

/// <summary>Opens a URL the way the desktop expects: <c>$BROWSER</c>, then <c>open</c> (macOS) or <c>xdg-open</c>.</summary>
internal static class Browser
{
    public static bool Disabled => Environment.GetEnvironmentVariable("SKYDECK_NO_BROWSER") is "1" or "true" or "yes";

    public static bool TryOpen(string url)
    {
        foreach (var (file, args) in Candidates(url))
        {
            try
            {
                var start = new ProcessStartInfo(file) { UseShellExecute = false };
                foreach (var arg in args) start.ArgumentList.Add(arg);
                using var process = Process.Start(start);
                if (process is not null) return true;
            }
            catch (Win32Exception)
            {
                // Not installed: try the next way.
            }
        }

        if (!OperatingSystem.IsWindows()) return false;
        try
        {
            using var shell = Process.Start(new ProcessStartInfo(url) { UseShellExecute = true });
            return shell is not null;
        }
        catch (Win32Exception)
        {
            return false;
        }
    }

    private static IEnumerable<(string File, IReadOnlyList<string> Args)> Candidates(string url)
    {
        // $BROWSER is a ':'-separated list of commands; "%s" marks where the URL goes (Python's webbrowser convention).
        var browser = Environment.GetEnvironmentVariable("BROWSER");
        foreach (var command in (browser ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var words = command.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            var args = words.Skip(1).Select(w => w.Replace("%s", url, StringComparison.Ordinal)).ToList();
            if (!command.Contains("%s", StringComparison.Ordinal)) args.Add(url);
            yield return (words[0], args);
        }

        if (OperatingSystem.IsMacOS()) yield return ("open", [url]);
        else if (!OperatingSystem.IsWindows()) yield return ("xdg-open", [url]);
    }
}
