using Microsoft.Data.Sqlite;

namespace SkyDeck.Benchmarks.Harness;

/// <summary>A temp directory for one figure (databases, fake-sky homes, server homes), deleted afterwards.</summary>
public sealed class Workspace : IDisposable
{
    private Workspace(string directory) => Directory = directory;

    public string Directory { get; }

    public static Workspace Create(string figure)
    {
        var path = Path.Combine(Path.GetTempPath(), $"skydeck-bench-{figure.ToLowerInvariant()}-{Guid.NewGuid():N}"[..40]);
        System.IO.Directory.CreateDirectory(path);
        return new Workspace(path);
    }

    public string PathOf(string name)
    {
        var path = Path.Combine(Directory, name);
        System.IO.Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        return path;
    }

    public string NewDirectory(string name)
    {
        var path = Path.Combine(Directory, name);
        System.IO.Directory.CreateDirectory(path);
        return path;
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // A fake-sky process killed at shutdown may still hold a file for a moment; the OS temp cleaner gets it.
        }
    }
}
