using System.Text.Json;
using Microsoft.Data.Sqlite;
using SkyDeck.Actors.Core;
using SkyDeck.Actors.Experiments;
using SkyDeck.Actors.Serialization;

namespace SkyDeck.Actors.Hosting;

/// <summary>
/// The summary read model in the SQLite file beside the journal (table <c>skydeck_summary</c>, one row per experiment).
/// Reads the journal's own table only to learn each experiment's highest sequence number.
/// </summary>
public sealed class SqliteSummaryStore(string databasePath) : ISummaryStore
{
    /// <summary>Akka.Persistence.Sql's journal table under its default table mapping.</summary>
    private const string JournalTable = "journal";

    private const string Schema = """
        CREATE TABLE IF NOT EXISTS skydeck_summary (
            id      TEXT    NOT NULL PRIMARY KEY,
            version INTEGER NOT NULL,
            body    BLOB    NOT NULL
        ) WITHOUT ROWID;
        """;

    private readonly string _connectionString = SqliteDatabase.ConnectionString(databasePath);
    private volatile bool _schemaReady;

    public async Task<StoredSummaries> LoadAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        var summaries = new Dictionary<string, ExperimentSummary>(StringComparer.Ordinal);
        await using (var rows = connection.CreateCommand())
        {
            rows.CommandText = "SELECT body FROM skydeck_summary";
            await using var reader = await rows.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                if (JsonSerializer.Deserialize<ExperimentSummary>(reader.GetFieldValue<byte[]>(0), SkyDeckJson.Options) is { } summary)
                    summaries[summary.Id] = summary;
            }
        }

        var heads = new Dictionary<string, long>(StringComparer.Ordinal);
        if (await JournalExistsAsync(connection, cancellationToken).ConfigureAwait(false))
        {
            await using var journal = connection.CreateCommand();
            var prefix = Naming.PersistenceId("");
            journal.CommandText = $"""
                SELECT persistence_id, MAX(sequence_number) FROM {JournalTable}
                WHERE persistence_id >= $from AND persistence_id < $to
                GROUP BY persistence_id
                """;
            journal.Parameters.AddWithValue("$from", prefix);
            journal.Parameters.AddWithValue("$to", prefix[..^1] + (char)(prefix[^1] + 1));
            await using var reader = await journal.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false)) heads[reader.GetString(0)] = reader.GetInt64(1);
        }

        return new StoredSummaries(summaries, heads);
    }

    public async Task SaveAsync(IReadOnlyCollection<ExperimentSummary> summaries, CancellationToken cancellationToken)
    {
        if (summaries.Count == 0) return;
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using var upsert = connection.CreateCommand();
        upsert.Transaction = transaction;
        upsert.CommandText = """
            INSERT INTO skydeck_summary (id, version, body) VALUES ($id, $version, $body)
            ON CONFLICT (id) DO UPDATE SET version = excluded.version, body = excluded.body
            WHERE excluded.version >= skydeck_summary.version
            """;
        var id = upsert.Parameters.Add("$id", SqliteType.Text);
        var version = upsert.Parameters.Add("$version", SqliteType.Integer);
        var body = upsert.Parameters.Add("$body", SqliteType.Blob);
        foreach (var summary in summaries)
        {
            id.Value = summary.Id;
            version.Value = summary.Version;
            body.Value = JsonSerializer.SerializeToUtf8Bytes(summary, SkyDeckJson.Options);
            await upsert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            if (_schemaReady) return connection;
            await using var schema = connection.CreateCommand();
            schema.CommandText = Schema;
            await schema.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            _schemaReady = true;
            return connection;
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private static async Task<bool> JournalExistsAsync(SqliteConnection connection, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = $name";
        command.Parameters.AddWithValue("$name", JournalTable);
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is not null;
    }
}
