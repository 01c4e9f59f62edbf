using Microsoft.Data.Sqlite;

namespace SkyDeck.Actors.Tests.Support;

/// <summary>A SQLite file under the temp directory, deleted (with its WAL side files) when disposed.</summary>
public sealed class TempDatabase : IDisposable
{
    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "skydeck-tests", $"{Guid.NewGuid():N}.db");

    public TempDatabase() => Directory.CreateDirectory(System.IO.Path.GetDirectoryName(Path)!);

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        foreach (var suffix in new[] { "", "-wal", "-shm" })
            File.Delete(Path + suffix);
    }
}
