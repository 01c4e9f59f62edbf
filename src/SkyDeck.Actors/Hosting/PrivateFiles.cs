using SkyDeck.Actors.Core;

namespace SkyDeck.Actors.Hosting;

/// <summary>
/// SkyDeck's files hold commands, tokens and the history of every experiment: on Unix its data directory is 0700 and
/// its files 0600, whatever the umask. SQLite gives its <c>-wal</c> and <c>-shm</c> files the database file's mode.
/// </summary>
public static class PrivateFiles
{
    public const UnixFileMode DirectoryMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    public const UnixFileMode FileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <summary>
    /// Creates <paramref name="path"/> as a private directory. An existing one is made private only when
    /// <paramref name="owned"/> (SkyDeck's own data directory), never a directory the user merely pointed a setting at.
    /// </summary>
    public static void EnsureDirectory(string path, bool owned)
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(path);
            return;
        }

        var existed = Directory.Exists(path);
        Directory.CreateDirectory(path, DirectoryMode);
        if (existed && owned && (File.GetUnixFileMode(path) & ~DirectoryMode) != 0) File.SetUnixFileMode(path, DirectoryMode);
    }

    /// <summary>Makes an existing file private (0600); a missing one is created empty and private.</summary>
    public static void Ensure(string path)
    {
        if (OperatingSystem.IsWindows()) return;
        if (!File.Exists(path))
        {
            using var _ = new FileStream(path, new FileStreamOptions { Mode = System.IO.FileMode.CreateNew, Access = FileAccess.Write, UnixCreateMode = FileMode });
            return;
        }

        Restrict(path);
    }

    /// <summary>
    /// Makes the file private if it exists and is not already: group and others lose every right, the owner keeps
    /// theirs (a script SkyDeck keeps there, like the demo's <c>sky</c>, stays executable).
    /// </summary>
    public static void Restrict(string path)
    {
        if (OperatingSystem.IsWindows() || !File.Exists(path)) return;
        var mode = File.GetUnixFileMode(path);
        var owner = mode & DirectoryMode;
        if (mode != owner) File.SetUnixFileMode(path, owner);
    }

    /// <summary>Makes every file directly in <paramref name="directory"/> private (SkyDeck's own data directory only).</summary>
    public static void RestrictAll(string directory)
    {
        if (OperatingSystem.IsWindows() || !Directory.Exists(directory)) return;
        foreach (var file in Directory.EnumerateFiles(directory)) Restrict(file);
    }
}
