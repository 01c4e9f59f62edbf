using Microsoft.Data.Sqlite;

namespace SkyDeck.Testing;

/// <summary>A fresh SQLite file under <c>{temp}/skydeck-tests/</c>, deleted (with its WAL side files) on dispose.</summary>
public sealed class TempDatabase : IDisposable
{
    private static readonly string Directory = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "skydeck-tests");

    public TempDatabase()
    {
        System.IO.Directory.CreateDirectory(Directory);
        Path = System.IO.Path.Combine(Directory, Guid.NewGuid().ToString("N") + ".db");
    }

    public string Path { get; }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        foreach (var suffix in new[] { "", "-wal", "-shm", "-journal" })
        {
            try
            {
                File.Delete(Path + suffix);
            }
            catch (IOException)
            {
                // Best effort: a file still held open is left in the temp directory.
            }
        }
    }
}
