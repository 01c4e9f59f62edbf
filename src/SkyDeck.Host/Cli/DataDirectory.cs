using SkyDeck.Actors.Core;
using SkyDeck.Actors.Hosting;

namespace SkyDeck.Host.Cli;

/// <summary>The data directory (<c>~/.skydeck</c>) must exist, be private (0700) and writable before anything else is tried.</summary>
internal static class DataDirectory
{
    public static void Ensure(SkyDeckPaths paths)
    {
        try
        {
            PrivateFiles.EnsureDirectory(paths.Home, owned: true);
            var probe = Path.Combine(paths.Home, $".write-test-{Environment.ProcessId}");
            File.WriteAllText(probe, "");
            File.Delete(probe);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CliException($"cannot use the data directory '{paths.Home}': {Reason(e, paths.Home)} — check HOME or the directory's permissions", e);
        }
    }

    private static string Reason(Exception e, string home)
    {
        // .NET reports "Could not find a part of the path" when an ancestor is a regular file; say which.
        for (var dir = Path.GetDirectoryName(Path.GetFullPath(home)); dir is not null; dir = Path.GetDirectoryName(dir))
        {
            if (File.Exists(dir)) return $"'{dir}' is a file, not a directory";
        }

        return e is UnauthorizedAccessException ? "permission denied" : e.Message;
    }
}
