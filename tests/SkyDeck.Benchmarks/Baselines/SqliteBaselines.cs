using System.Diagnostics;
using Microsoft.Data.Sqlite;
using SkyDeck.Actors.Core;
using SkyDeck.Actors.Hosting;

namespace SkyDeck.Benchmarks.Baselines;

/// <summary>What SQLite itself costs, for the journal-bound figures.</summary>
public static class SqliteBaselines
{
    /// <summary>Reads every journal row's payload (what recovery must at least read), in recovery order.</summary>
    public static (TimeSpan Elapsed, long Rows, long Bytes) ReadAllPayloads(string databasePath)
    {
        var started = Stopwatch.GetTimestamp();
        using var connection = new SqliteConnection(SqliteDatabase.ConnectionString(databasePath));
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT persistence_id, sequence_number, manifest, message FROM journal ORDER BY persistence_id, sequence_number";
        using var reader = command.ExecuteReader();
        long rows = 0, bytes = 0;
        while (reader.Read())
        {
            _ = reader.GetString(0);
            _ = reader.GetInt64(1);
            _ = reader.GetString(2);
            bytes += reader.GetFieldValue<byte[]>(3).Length;
            rows++;
        }

        return (Stopwatch.GetElapsedTime(started), rows, bytes);
    }

    /// <summary>
    /// What recovering one actor at a time costs SQLite alone: for every experiment, the same three statements the
    /// journal and snapshot store issue (latest snapshot, events after it, highest sequence number), on one connection.
    /// </summary>
    public static (TimeSpan Elapsed, int Queries) ReadPerExperiment(string databasePath, IReadOnlyList<string> persistenceIds)
    {
        var started = Stopwatch.GetTimestamp();
        using var connection = new SqliteConnection(SqliteDatabase.ConnectionString(databasePath));
        connection.Open();
        using var snapshot = connection.CreateCommand();
        snapshot.CommandText = "SELECT sequence_number, snapshot FROM snapshot WHERE persistence_id = $pid ORDER BY sequence_number DESC LIMIT 1";
        var snapshotPid = snapshot.Parameters.Add("$pid", SqliteType.Text);
        using var events = connection.CreateCommand();
        events.CommandText = "SELECT sequence_number, manifest, message FROM journal WHERE persistence_id = $pid AND sequence_number > $from ORDER BY sequence_number";
        var eventsPid = events.Parameters.Add("$pid", SqliteType.Text);
        var from = events.Parameters.Add("$from", SqliteType.Integer);
        using var highest = connection.CreateCommand();
        highest.CommandText = "SELECT MAX(sequence_number) FROM journal WHERE persistence_id = $pid";
        var highestPid = highest.Parameters.Add("$pid", SqliteType.Text);
        foreach (var pid in persistenceIds)
        {
            snapshotPid.Value = pid;
            long after = 0;
            using (var reader = snapshot.ExecuteReader())
                if (reader.Read()) after = reader.GetInt64(0);
            eventsPid.Value = pid;
            from.Value = after;
            using (var reader = events.ExecuteReader())
                while (reader.Read()) _ = reader.GetFieldValue<byte[]>(2);
            highestPid.Value = pid;
            _ = highest.ExecuteScalar();
        }

        return (Stopwatch.GetElapsedTime(started), persistenceIds.Count * 3);
    }

    /// <summary>
    /// <paramref name="rows"/> appends of <paramref name="payload"/>, one transaction each, WAL + synchronous=FULL
    /// (the journal's settings), into a table shaped like the journal. Returns the total time.
    /// </summary>
    public static TimeSpan AppendOneByOne(string databasePath, int rows, byte[] payload)
    {
        using var connection = Open(databasePath);
        using var insert = Insert(connection, payload);
        var started = Stopwatch.GetTimestamp();
        for (var i = 0; i < rows; i++)
        {
            using var transaction = connection.BeginTransaction();
            insert.Transaction = transaction;
            insert.Parameters["$seq"].Value = i;
            insert.ExecuteNonQuery();
            transaction.Commit();
        }

        return Stopwatch.GetElapsedTime(started);
    }

    /// <summary>The same rows in a single transaction: what batching the journal could reach.</summary>
    public static TimeSpan AppendBatched(string databasePath, int rows, byte[] payload)
    {
        using var connection = Open(databasePath);
        using var insert = Insert(connection, payload);
        var started = Stopwatch.GetTimestamp();
        using var transaction = connection.BeginTransaction();
        insert.Transaction = transaction;
        for (var i = 0; i < rows; i++)
        {
            insert.Parameters["$seq"].Value = i + 1_000_000;
            insert.ExecuteNonQuery();
        }

        transaction.Commit();
        return Stopwatch.GetElapsedTime(started);
    }

    private static SqliteConnection Open(string databasePath)
    {
        var connection = new SqliteConnection(SqliteDatabase.ConnectionString(databasePath));
        connection.Open();
        using var setup = connection.CreateCommand();
        setup.CommandText = """
            PRAGMA journal_mode=WAL;
            PRAGMA synchronous=FULL;
            CREATE TABLE IF NOT EXISTS journal (ordering INTEGER PRIMARY KEY AUTOINCREMENT, created INTEGER NOT NULL,
              persistence_id TEXT NOT NULL, sequence_number INTEGER NOT NULL, message BLOB NOT NULL, manifest TEXT,
              UNIQUE (persistence_id, sequence_number));
            """;
        setup.ExecuteNonQuery();
        return connection;
    }

    private static SqliteCommand Insert(SqliteConnection connection, byte[] payload)
    {
        var insert = connection.CreateCommand();
        insert.CommandText = "INSERT INTO journal (created, persistence_id, sequence_number, message, manifest) VALUES ($created, 'baseline', $seq, $message, 'desired-changed.v1')";
        insert.Parameters.AddWithValue("$created", DateTime.UtcNow.Ticks);
        insert.Parameters.AddWithValue("$seq", 0);
        insert.Parameters.AddWithValue("$message", payload);
        return insert;
    }
}
