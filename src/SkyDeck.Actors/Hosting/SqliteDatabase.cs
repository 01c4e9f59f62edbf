using Microsoft.Data.Sqlite;
using SkyDeck.Actors.Core;

namespace SkyDeck.Actors.Hosting;

/// <summary>Prepares the SQLite file before the actor system opens it.</summary>
public static class SqliteDatabase
{
    public static string ConnectionString(string path) =>
        new SqliteConnectionStringBuilder { DataSource = path, DefaultTimeout = 30, Pooling = true }.ToString();

    /// <summary>
    /// Creates the directory and the file (private: 0600), switches the file to WAL (3–4× faster single-event writes, readers never block the
    /// writer; the mode is stored in the file) and checks it is a readable SQLite database.
    /// Throws <see cref="DatabaseUnavailableException"/> with a sentence a user can act on.
    /// </summary>
    public static void Prepare(string path)
    {
        var full = Path.GetFullPath(path);
        var directory = Path.GetDirectoryName(full)!;
        try
        {
            PrivateFiles.EnsureDirectory(directory, owned: false);
            // Created 0600 before SQLite opens it; SQLite gives -wal and -shm the same mode.
            PrivateFiles.Ensure(full);
            PrivateFiles.Restrict(full + "-wal");
            PrivateFiles.Restrict(full + "-shm");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new DatabaseUnavailableException($"cannot create the data directory '{directory}': {e.Message}", e);
        }

        try
        {
            using var connection = new SqliteConnection(ConnectionString(full));
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "PRAGMA journal_mode=WAL; PRAGMA quick_check;";
            using var reader = command.ExecuteReader();
            reader.NextResult();
            if (reader.Read() && reader.GetString(0) is var check && check != "ok")
                throw new DatabaseUnavailableException($"the database '{full}' is damaged ({check}); restore a backup or move it away");
        }
        catch (SqliteException e)
        {
            throw new DatabaseUnavailableException($"cannot open the database '{full}': {e.Message}", e);
        }
    }
}

/// <summary>The database cannot be used; the message says why and what to do.</summary>
public sealed class DatabaseUnavailableException(string message, Exception? inner = null) : Exception(message, inner);
