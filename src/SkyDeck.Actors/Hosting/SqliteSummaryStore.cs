using System.Collections.Immutable;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using SkyDeck.Actors.Core;
using SkyDeck.Actors.Experiments;
using SkyDeck.Actors.Serialization;

namespace SkyDeck.Actors.Hosting;

/// <summary>
/// The summary read model in the SQLite file beside the journal (table <c>skydeck_summary</c>, one row per experiment).
/// Reads the journal's own table to learn each experiment's highest sequence number, and — given the reconcile
/// settings (<paramref name="rebuildWith"/>) — to rebuild the rows that are missing or stale when there are at least
/// <paramref name="rebuildAtLeast"/> of them (a first start after an upgrade, every row stale after a crash): one
/// ordered pass over the journal folds each such experiment as its actor's recovery would (latest snapshot, then the
/// events after it, <see cref="ExperimentState.Evolve"/>), instead of starting thousands of actors that each query
/// the journal three times. Fewer stale rows are left to their actors, as are experiments the pass cannot fold.
/// Rows are decoded on every core, a few hundred at a time.
/// </summary>
public sealed class SqliteSummaryStore(string databasePath, ReconcileSettings? rebuildWith = null, int rebuildAtLeast = SqliteSummaryStore.DefaultRebuildAtLeast) : ISummaryStore
{
    /// <summary>Below this many missing or stale rows their actors recover them (cheaper than a pass over the whole journal).</summary>
    public const int DefaultRebuildAtLeast = 100;

    /// <summary>Akka.Persistence.Sql's journal and snapshot tables under its default table mapping.</summary>
    private const string JournalTable = "journal";
    private const string SnapshotTable = "snapshot";

    /// <summary>Rows decoded per task: small enough that a few chunks in flight hold little memory.</summary>
    private const int ChunkRows = 512;

    private const string Schema = """
        CREATE TABLE IF NOT EXISTS skydeck_summary (
            id      TEXT    NOT NULL PRIMARY KEY,
            version INTEGER NOT NULL,
            body    BLOB    NOT NULL
        ) WITHOUT ROWID;
        """;

    private static readonly string Prefix = Naming.PersistenceId("");

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
            var decoding = new Chunks<byte[], ExperimentSummary?>(DecodeSummary);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                await decoding.AddAsync(reader.GetFieldValue<byte[]>(0), boundary: true).ConfigureAwait(false);
            foreach (var summary in await decoding.CompleteAsync().ConfigureAwait(false))
                if (summary is not null) summaries[summary.Id] = summary;
        }

        var heads = new Dictionary<string, long>(StringComparer.Ordinal);
        if (!await TableExistsAsync(connection, JournalTable, cancellationToken).ConfigureAwait(false)) return new StoredSummaries(summaries, heads);

        await using (var journal = connection.CreateCommand())
        {
            journal.CommandText = $"""
                SELECT persistence_id, MAX(sequence_number) FROM {JournalTable}
                WHERE persistence_id >= $from AND persistence_id < $to
                GROUP BY persistence_id
                """;
            AddPrefixRange(journal);
            await using var reader = await journal.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false)) heads[reader.GetString(0)] = reader.GetInt64(1);
        }

        if (rebuildWith is not { } settings) return new StoredSummaries(summaries, heads);
        // The directory's journal shares the prefix ("experiment-directory"); it is no experiment.
        var stale = heads
            .Where(head => head.Key != ExperimentDirectoryActor.DirectoryPersistenceId)
            .Where(head => !(summaries.TryGetValue(head.Key[Prefix.Length..], out var summary) && summary.Version == head.Value))
            .Select(head => head.Key)
            .ToHashSet(StringComparer.Ordinal);
        if (stale.Count == 0 || stale.Count < rebuildAtLeast) return new StoredSummaries(summaries, heads);

        var rebuilt = await RebuildAsync(connection, stale, settings, cancellationToken).ConfigureAwait(false);
        foreach (var summary in rebuilt) summaries[summary.Id] = summary;
        return new StoredSummaries(summaries, heads) { Rebuilt = rebuilt.Select(s => s.Id).ToHashSet(StringComparer.Ordinal) };
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

    private static ExperimentSummary? DecodeSummary(byte[] body) =>
        JsonSerializer.Deserialize<ExperimentSummary>(body, SkyDeckJson.Options) is { } summary ? Compact(summary) : null;

    /// <summary>
    /// A stored row repeats what the actor's summary shares: the current job is also the ledger's, and its jobs repeat
    /// the command, cluster, user and resources. Deserialized, each would be its own copy; this shares them again.
    /// </summary>
    internal static ExperimentSummary Compact(ExperimentSummary summary)
    {
        var ledger = summary.Ledger;
        if (ledger.Jobs.IsEmpty && ledger.ClusterSpans.IsEmpty) return summary;
        var strings = new Dictionary<string, string>(StringComparer.Ordinal);
        var resources = new List<LaunchResources>(1);
        var jobs = ImmutableArray.CreateBuilder<JobView>(ledger.Jobs.Length);
        foreach (var job in ledger.Jobs)
            jobs.Add(job with
            {
                JobId = Share(strings, job.JobId), Cluster = Share(strings, job.Cluster), Command = Share(strings, job.Command),
                Who = ShareOrNull(strings, job.Who), CancelledBy = ShareOrNull(strings, job.CancelledBy), Resources = ShareOrNull(resources, job.Resources),
            });
        var spans = ImmutableArray.CreateBuilder<ClusterSpan>(ledger.ClusterSpans.Length);
        foreach (var span in ledger.ClusterSpans)
            spans.Add(span with { Resources = ShareOrNull(resources, span.Resources)!, Who = Share(strings, span.Who) });
        var shared = new UsageLedger(jobs.MoveToImmutable(), spans.MoveToImmutable());
        var current = summary.CurrentJob is { } currentJob ? shared.Jobs.LastOrDefault(j => j.JobId == currentJob.JobId && j == currentJob) ?? currentJob : null;
        return summary with { CurrentJob = current, Ledger = shared };
    }

    private static string Share(Dictionary<string, string> strings, string value)
    {
        if (strings.TryGetValue(value, out var held)) return held;
        strings[value] = value;
        return value;
    }

    private static string? ShareOrNull(Dictionary<string, string> strings, string? value) => value is null ? null : Share(strings, value);

    private static LaunchResources? ShareOrNull(List<LaunchResources> held, LaunchResources? value)
    {
        if (value is null) return null;
        foreach (var resources in held)
            if (resources == value) return resources;
        held.Add(value);
        return value;
    }

    /// <summary>
    /// The summaries of the <paramref name="stale"/> experiments that are at rest, folded from the journal as their
    /// actors would recover them. An experiment whose snapshot or events cannot be decoded, whose events have gaps, or
    /// that is not at rest is left out: its actor recovers it.
    /// </summary>
    private static async Task<IReadOnlyList<ExperimentSummary>> RebuildAsync(
        SqliteConnection connection, IReadOnlySet<string> stale, ReconcileSettings settings, CancellationToken cancellationToken)
    {
        var snapshots = new Dictionary<string, ExperimentState?>(StringComparer.Ordinal);
        if (await TableExistsAsync(connection, SnapshotTable, cancellationToken).ConfigureAwait(false))
        {
            await using var read = connection.CreateCommand();
            // The latest snapshot of each experiment, as its recovery would load it.
            read.CommandText = $"""
                SELECT persistence_id, sequence_number, snapshot, manifest, serializer_id FROM {SnapshotTable}
                WHERE persistence_id >= $from AND persistence_id < $to
                ORDER BY persistence_id, sequence_number
                """;
            AddPrefixRange(read);
            await using var reader = await read.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                var id = reader.GetString(0);
                if (!stale.Contains(id)) continue;
                var sequenceNr = reader.GetInt64(1);
                snapshots[id] = Decode(reader, 2, 3, 4) is ExperimentState { } state && state.Version == sequenceNr ? state : null;
            }
        }

        await using var events = connection.CreateCommand();
        events.CommandText = $"""
            SELECT persistence_id, sequence_number, message, manifest, identifier FROM {JournalTable}
            WHERE persistence_id >= $from AND persistence_id < $to AND deleted = 0
            ORDER BY persistence_id, sequence_number
            """;
        AddPrefixRange(events);
        var folding = new Chunks<Journaled, ExperimentSummary?>(rows => Fold(rows, snapshots, settings));
        await using (var reader = await events.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            string? previous = null;
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                var persistenceId = reader.GetString(0);
                if (!stale.Contains(persistenceId)) continue;
                // One experiment's events stay in one chunk: a chunk may end only where the next experiment begins.
                var first = !string.Equals(persistenceId, previous, StringComparison.Ordinal);
                previous = persistenceId;
                await folding.AddAsync(
                    new Journaled(persistenceId, reader.GetInt64(1), reader.GetFieldValue<byte[]>(2), reader.IsDBNull(3) ? "" : reader.GetString(3), reader.IsDBNull(4) ? -1 : reader.GetInt32(4)),
                    boundary: first).ConfigureAwait(false);
            }
        }

        return [.. (await folding.CompleteAsync().ConfigureAwait(false)).OfType<ExperimentSummary>()];
    }

    /// <summary>Folds consecutive rows, one experiment after another; a summary per experiment that folded cleanly and is at rest.</summary>
    private static IEnumerable<ExperimentSummary?> Fold(IReadOnlyList<Journaled> rows, IReadOnlyDictionary<string, ExperimentState?> snapshots, ReconcileSettings settings)
    {
        var results = new List<ExperimentSummary?>();
        for (var start = 0; start < rows.Count;)
        {
            var persistenceId = rows[start].PersistenceId;
            var end = start;
            while (end < rows.Count && rows[end].PersistenceId == persistenceId) end++;
            results.Add(FoldOne(persistenceId, rows, start, end, snapshots, settings));
            start = end;
        }

        return results;
    }

    private static ExperimentSummary? FoldOne(
        string persistenceId, IReadOnlyList<Journaled> rows, int start, int end, IReadOnlyDictionary<string, ExperimentState?> snapshots, ReconcileSettings settings)
    {
        var id = persistenceId[Prefix.Length..];
        var state = ExperimentState.Empty(id);
        if (snapshots.TryGetValue(persistenceId, out var snapshot))
        {
            if (snapshot is null || snapshot.Id != id) return null;
            state = snapshot;
        }

        try
        {
            for (var i = start; i < end; i++)
            {
                var row = rows[i];
                if (row.SequenceNr <= state.Version) continue;
                if (row.SequenceNr != state.Version + 1 || row.SerializerId != SkyDeckJsonSerializer.Id) return null;
                if (JsonSerializer.Deserialize(row.Payload, SkyDeckJsonSerializer.TypeOf(row.Manifest), SkyDeckJson.Options) is not IExperimentEvent e) return null;
                state = ExperimentState.Evolve(state, e);
            }
        }
        catch (Exception)
        {
            // Whatever the fold cannot do, the actor's own recovery does (or fails as it always would): leave it to the actor.
            return null;
        }

        if (!state.Exists) return null;
        var summary = ExperimentSummary.From(state, null, settings);
        return summary.AtRest ? summary : null;
    }

    private static object? Decode(SqliteDataReader reader, int payload, int manifest, int serializer)
    {
        if (reader.IsDBNull(payload) || reader.IsDBNull(manifest) || reader.IsDBNull(serializer) || reader.GetInt32(serializer) != SkyDeckJsonSerializer.Id) return null;
        try
        {
            return JsonSerializer.Deserialize(reader.GetFieldValue<byte[]>(payload), SkyDeckJsonSerializer.TypeOf(reader.GetString(manifest)), SkyDeckJson.Options);
        }
        catch (Exception e) when (e is JsonException or System.Runtime.Serialization.SerializationException or NotSupportedException)
        {
            return null;
        }
    }

    private static void AddPrefixRange(SqliteCommand command)
    {
        command.Parameters.AddWithValue("$from", Prefix);
        command.Parameters.AddWithValue("$to", Prefix[..^1] + (char)(Prefix[^1] + 1));
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

    private static async Task<bool> TableExistsAsync(SqliteConnection connection, string table, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = $name";
        command.Parameters.AddWithValue("$name", table);
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is not null;
    }

    private sealed record Journaled(string PersistenceId, long SequenceNr, byte[] Payload, string Manifest, int SerializerId);

    /// <summary>
    /// Rows read on one thread, decoded on the thread pool in chunks of about <see cref="ChunkRows"/> (a chunk ends only
    /// at a boundary the reader marks), with at most one chunk per core in flight so little is held at once.
    /// </summary>
    private sealed class Chunks<TRow, TResult>(Func<IReadOnlyList<TRow>, IEnumerable<TResult>> decode)
    {
        private readonly Queue<Task<List<TResult>>> _inFlight = new();
        private readonly List<TResult> _done = [];
        private List<TRow> _chunk = new(ChunkRows);

        public Chunks(Func<TRow, TResult> decodeOne) : this(rows => rows.Select(decodeOne))
        {
        }

        public async ValueTask AddAsync(TRow row, bool boundary)
        {
            if (boundary && _chunk.Count >= ChunkRows)
            {
                var chunk = _chunk;
                _chunk = new List<TRow>(ChunkRows);
                if (_inFlight.Count >= Environment.ProcessorCount) _done.AddRange(await _inFlight.Dequeue().ConfigureAwait(false));
                _inFlight.Enqueue(Task.Run(() => decode(chunk).ToList()));
            }

            _chunk.Add(row);
        }

        public async Task<List<TResult>> CompleteAsync()
        {
            if (_chunk.Count > 0) _inFlight.Enqueue(Task.Run(() => decode(_chunk).ToList()));
            while (_inFlight.Count > 0) _done.AddRange(await _inFlight.Dequeue().ConfigureAwait(false));
            return _done;
        }
    }
}
