using Npgsql;
using SkyDeck.Actors.Core;
using SkyDeck.Actors.Hosting;

namespace SkyDeck.Actors.Cluster;

/// <summary>Checks and prepares the PostgreSQL database a SkyDeck cluster shares, before the actor system opens it.</summary>
public static class PostgresDatabase
{
    /// <summary>Where sharding keeps its own state, so it can be wiped without touching the experiments' events.</summary>
    public const string ShardingSchema = "sharding";

    private const long SchemaLock = 0x536b794465636b; // "SkyDeck"

    /// <summary>The schema Akka.Persistence.Sql 1.5.73 creates itself for PostgreSQL (table-mapping default); a test keeps them equal.</summary>
    private static string Tables(string schema) => $"""
        CREATE TABLE IF NOT EXISTS {schema}.journal (
            ordering bigint GENERATED ALWAYS AS IDENTITY CONSTRAINT "PK_journal" PRIMARY KEY,
            created bigint NOT NULL,
            deleted boolean NOT NULL,
            persistence_id text NOT NULL,
            sequence_number bigint NOT NULL,
            message bytea NOT NULL,
            manifest text,
            identifier integer,
            writer_uuid text,
            CONSTRAINT journal_uq UNIQUE (persistence_id, sequence_number));
        CREATE INDEX IF NOT EXISTS journal_created_idx ON {schema}.journal (created);
        CREATE INDEX IF NOT EXISTS journal_sequence_number_idx ON {schema}.journal (sequence_number);
        CREATE TABLE IF NOT EXISTS {schema}.tags (
            ordering_id bigint NOT NULL,
            tag text NOT NULL,
            sequence_nr bigint NOT NULL,
            persistence_id text NOT NULL,
            CONSTRAINT "PK_tags" PRIMARY KEY (ordering_id, tag));
        CREATE INDEX IF NOT EXISTS tags_persistence_id_sequence_nr_idx ON {schema}.tags (persistence_id, sequence_nr);
        CREATE INDEX IF NOT EXISTS tags_tag_idx ON {schema}.tags (tag);
        CREATE TABLE IF NOT EXISTS {schema}.snapshot (
            persistence_id text NOT NULL,
            sequence_number bigint NOT NULL,
            created bigint NOT NULL,
            snapshot bytea,
            manifest text,
            serializer_id integer,
            CONSTRAINT "PK_snapshot" PRIMARY KEY (persistence_id, sequence_number));
        CREATE INDEX IF NOT EXISTS snapshot_created_idx ON {schema}.snapshot (created);
        CREATE INDEX IF NOT EXISTS snapshot_sequence_number_idx ON {schema}.snapshot (sequence_number);
        """;

    /// <summary>Null when <paramref name="connectionString"/> is a usable Npgsql connection string, else what is wrong.</summary>
    public static string? Validate(string? connectionString)
    {
        if (string.IsNullOrWhiteSpace(connectionString)) return "is required";
        NpgsqlConnectionStringBuilder builder;
        try
        {
            builder = new NpgsqlConnectionStringBuilder(connectionString);
        }
        catch (Exception e) when (e is ArgumentException or FormatException or InvalidCastException)
        {
            return $"is not a PostgreSQL connection string like 'Host=db;Database=skydeck;Username=skydeck;Password=…' ({e.Message})";
        }

        if (string.IsNullOrWhiteSpace(builder.Host)) return "must name the PostgreSQL server (Host=…)";
        return null;
    }

    /// <summary>
    /// The most PostgreSQL sessions one node opens, unless its connection string sets <c>Maximum Pool Size</c>. Npgsql's
    /// own default (100 per node) lets two or three busy nodes exhaust PostgreSQL's default <c>max_connections</c>
    /// (100): a burst of creations or a failover's recoveries then fails with "remaining connection slots are reserved",
    /// the journal's circuit breaker opens and requests time out. A node's journals write through 3 batching writers
    /// each and its reads take milliseconds, so a few sessions keep it busy; more only queue inside PostgreSQL.
    /// </summary>
    public const int DefaultMaxPoolSize = 20;

    /// <summary><paramref name="connectionString"/> with <see cref="DefaultMaxPoolSize"/> unless it sets a pool size itself.</summary>
    public static string NodeConnectionString(string connectionString)
    {
        var given = new System.Data.Common.DbConnectionStringBuilder { ConnectionString = connectionString };
        string[] poolSizeKeys = ["Maximum Pool Size", "MaxPoolSize"]; // Npgsql's keyword and its synonym
        if (poolSizeKeys.Any(given.ContainsKey)) return connectionString;
        return new NpgsqlConnectionStringBuilder(connectionString) { MaxPoolSize = DefaultMaxPoolSize }.ConnectionString;
    }

    /// <summary>
    /// Connects and creates the journal, tag and snapshot tables (events in <c>public</c>, sharding state in
    /// <see cref="ShardingSchema"/>) unless they exist. Every node runs this at start, under an advisory lock:
    /// PostgreSQL's <c>CREATE TABLE IF NOT EXISTS</c> is not safe against itself, and nodes starting together would
    /// otherwise race in the journal's own auto-initialisation, which stops the journal for good when it fails.
    /// Throws <see cref="DatabaseUnavailableException"/> with a sentence a user can act on.
    /// </summary>
    public static void Prepare(string connectionString)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        var where = $"{builder.Host}:{builder.Port}/{builder.Database ?? builder.Username}";
        try
        {
            using var connection = new NpgsqlConnection(connectionString);
            connection.Open();
            using var transaction = connection.BeginTransaction();
            using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = $"SELECT pg_advisory_xact_lock({SchemaLock}); CREATE SCHEMA IF NOT EXISTS {ShardingSchema}; {Tables("public")} {Tables(ShardingSchema)}";
            command.ExecuteNonQuery();
            transaction.Commit();
        }
        catch (Exception e) when (e is NpgsqlException or InvalidOperationException)
        {
            throw new DatabaseUnavailableException($"cannot use the PostgreSQL database {where}: {e.Message}", e);
        }
    }
}
