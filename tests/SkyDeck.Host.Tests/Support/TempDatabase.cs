using Microsoft.Data.Sqlite;

namespace SkyDeck.Host.Tests.Support;

/// <summary>A fresh SQLite file under <c>{temp}/skydeck-tests/</c>, deleted (with its WAL files) on dispose.</summary>
public sealed class TempDatabase : IDisposable
{
    public TempDatabase()
    {
        var directory = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "skydeck-tests");
        Directory.CreateDirectory(directory);
        Path = System.IO.Path.Combine(directory, Guid.NewGuid().ToString("N") + ".db");
    }

    public string Path { get; }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        foreach (var file in new[] { Path, Path + "-wal", Path + "-shm", Path + "-journal" })
        {
            try
            {
                File.Delete(file);
            }
            catch (IOException)
            {
                // Best effort: a file still held open is left in the temp directory.
            }
        }
    }
}
