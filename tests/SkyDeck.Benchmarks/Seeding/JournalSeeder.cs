using System.Collections.Immutable;
using System.Diagnostics;
using Akka.Actor;
using Akka.Hosting;
using Akka.Persistence;
using Akka.Serialization;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using SkyDeck.Actors.Core;
using SkyDeck.Actors.Experiments;
using SkyDeck.Actors.Hosting;

namespace SkyDeck.Benchmarks.Seeding;

/// <summary>What was written, for the notes.</summary>
public sealed record SeedReport(int Experiments, long Events, long Tags, int Snapshots, TimeSpan Generate, TimeSpan Write, IReadOnlyList<SeededExperiment> Fleet)
{
    public override string ToString() =>
        $"seeded {Experiments:N0} experiments, {Events:N0} journal rows, {Tags:N0} tag rows, {Snapshots:N0} snapshots (generated in {Generate.TotalSeconds:0.0} s, written in {Write.TotalSeconds:0.0} s)";
}

/// <summary>
/// Writes a fleet's history into a SkyDeck database the way production would have: through the production journal and
/// snapshot-store plugins (<see cref="SkyDeckAkka.WithSkyDeckPersistence"/>: same SQLite schema, same JSON serializer
/// and manifests, same event tagger), as <c>WriteMessages</c> batches sent straight to the journal actor — i.e. what
/// <c>PersistAll</c> sends, minus 10,000 actor recoveries. The directory (<c>experiment-directory</c>) gets one
/// <see cref="ExperimentRegistered"/> per experiment and, like the manager, a snapshot every 1,000; experiments get a
/// snapshot at every 50th event like <see cref="ExperimentActor"/> (only the latest is kept, as production deletes older ones).
/// The summary read model is stored as a cleanly stopped server leaves it (<see cref="SqliteSummaryStore"/>).
/// </summary>
public static class JournalSeeder
{
    private const int ExperimentSnapshotEvery = 50;
    private const int DirectorySnapshotEvery = 1000;

    public static async Task<SeedReport> SeedAsync(string databasePath, FleetPlan plan, DateTimeOffset historyStart)
    {
        var generate = Stopwatch.StartNew();
        var fleet = plan.Generate(historyStart).ToList();
        generate.Stop();
        var write = Stopwatch.StartNew();
        SqliteDatabase.Prepare(databasePath);
        using var host = Microsoft.Extensions.Hosting.Host.CreateDefaultBuilder()
            .ConfigureLogging(logging => logging.ClearProviders())
            .ConfigureServices(services => services.AddAkka("skydeck-seeder", (akka, _) => akka
                .AddHocon("akka.loglevel = WARNING\nakka.stdout-loglevel = OFF", HoconAddMode.Prepend)
                .WithSkyDeckPersistence(databasePath)))
            .Build();
        await host.StartAsync();
        var snapshots = 0;
        try
        {
            var system = host.Services.GetRequiredService<ActorSystem>();
            var persistence = Persistence.Instance.Apply(system);
            var journal = persistence.JournalFor(string.Empty);
            var snapshotStore = persistence.SnapshotStoreFor(string.Empty);
            var writer = Guid.NewGuid().ToString();

            // Experiment 0 goes through the plugin (this also creates the tables); every other row is a copy of the
            // plugin's row layout with payloads from the production serializer, bulk-inserted in one transaction —
            // 10–50× faster than the plugin on this machine, and the harness's seeding time is not what is measured.
            var first = fleet[0];
            await WriteAsync(system, journal, [Atomic(Naming.PersistenceId(first.Id), first.Events.Cast<object>().ToList(), writer)]);
            var registered = fleet.Select((e, i) => new ExperimentRegistered(e.Id, historyStart.AddSeconds(i * 3))).ToList();
            await WriteAsync(system, journal, [Atomic(ExperimentDirectoryActor.DirectoryPersistenceId, [registered[0]], writer)]);
            // The snapshot store creates its table on first use: make that happen now, not while the bulk insert below
            // holds SQLite's write lock for minutes (at 100,000 experiments its initialisation timed out and retried).
            await snapshotStore.Ask<object>(new LoadSnapshot(Naming.PersistenceId(first.Id), SnapshotSelectionCriteria.Latest, long.MaxValue), TimeSpan.FromMinutes(2));
            BulkInsert(system, databasePath, fleet.Skip(1), registered.Skip(1));

            using var inFlight = new SemaphoreSlim(2);
            var saves = new List<Task>();
            foreach (var experiment in fleet.Where(e => e.Events.Count >= ExperimentSnapshotEvery))
            {
                var at = experiment.Events.Count / ExperimentSnapshotEvery * ExperimentSnapshotEvery;
                var state = experiment.Events.Take(at).Aggregate(ExperimentState.Empty(experiment.Id), ExperimentState.Evolve);
                saves.Add(Throttled(inFlight, () => SaveAsync(snapshotStore, Naming.PersistenceId(experiment.Id), at, state)));
            }

            if (registered.Count >= DirectorySnapshotEvery)
            {
                var at = registered.Count / DirectorySnapshotEvery * DirectorySnapshotEvery;
                var snapshot = new DirectorySnapshot([.. registered.Take(at).Select(r => r.ExperimentId)]);
                saves.Add(Throttled(inFlight, () => SaveAsync(snapshotStore, ExperimentDirectoryActor.DirectoryPersistenceId, at, snapshot)));
            }

            await Task.WhenAll(saves);
            snapshots = saves.Count;

            // A server that shut down cleanly leaves its summary read model on disk, written by the same store.
            var summaries = fleet.Select(e => ExperimentSummary.From(e.State, null, ReconcileSettings.Default)).ToList();
            await new SqliteSummaryStore(databasePath).SaveAsync(summaries, CancellationToken.None);
        }
        finally
        {
            await host.StopAsync();
            SqliteConnection.ClearAllPools();
        }

        write.Stop();
        var (rows, tags) = Count(databasePath);
        return new SeedReport(fleet.Count, rows, tags, snapshots, generate.Elapsed, write.Elapsed, fleet);
    }

    public static (long JournalRows, long TagRows) Count(string databasePath)
    {
        using var connection = new SqliteConnection(SqliteDatabase.ConnectionString(databasePath));
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT (SELECT COUNT(*) FROM journal), (SELECT COUNT(*) FROM tags)";
        using var reader = command.ExecuteReader();
        reader.Read();
        return (reader.GetInt64(0), reader.GetInt64(1));
    }

    private static AtomicWrite Atomic(string persistenceId, IReadOnlyList<object> events, string writer)
    {
        var reprs = events.Select((e, i) => (IPersistentRepresentation)new Persistent(
            e, i + 1, persistenceId, string.Empty, false, ActorRefs.NoSender, writer)).ToImmutableList();
        return new AtomicWrite(reprs);
    }

    /// <summary>Rows laid out exactly like the plugin's first ones (read back from the file), payloads from the production serializer.</summary>
    private static void BulkInsert(ActorSystem system, string databasePath, IEnumerable<SeededExperiment> experiments, IEnumerable<ExperimentRegistered> registrations)
    {
        using var connection = new SqliteConnection(SqliteDatabase.ConnectionString(databasePath));
        connection.Open();
        string writerUuid;
        long created;
        using (var template = connection.CreateCommand())
        {
            template.CommandText = "SELECT writer_uuid, created, identifier FROM journal ORDER BY ordering LIMIT 1";
            using var reader = template.ExecuteReader();
            if (!reader.Read()) throw new InvalidOperationException("the plugin wrote no template row");
            writerUuid = reader.GetString(0);
            created = reader.GetInt64(1);
            if (reader.GetInt32(2) != Actors.Serialization.SkyDeckJsonSerializer.Id) throw new InvalidOperationException("unexpected serializer id in the template row");
        }

        var serializer = (SerializerWithStringManifest)system.Serialization.FindSerializerForType(typeof(ExperimentCreated));
        using var transaction = connection.BeginTransaction();
        using var insert = connection.CreateCommand();
        insert.Transaction = transaction;
        insert.CommandText = "INSERT INTO journal (created, deleted, persistence_id, sequence_number, message, manifest, identifier, writer_uuid) "
                             + "VALUES ($created, 0, $pid, $seq, $message, $manifest, $identifier, $writer) RETURNING ordering";
        var pid = insert.Parameters.Add("$pid", SqliteType.Text);
        var seq = insert.Parameters.Add("$seq", SqliteType.Integer);
        var message = insert.Parameters.Add("$message", SqliteType.Blob);
        var manifest = insert.Parameters.Add("$manifest", SqliteType.Text);
        insert.Parameters.AddWithValue("$created", created);
        insert.Parameters.AddWithValue("$identifier", serializer.Identifier);
        insert.Parameters.AddWithValue("$writer", writerUuid);
        using var tag = connection.CreateCommand();
        tag.Transaction = transaction;
        tag.CommandText = "INSERT INTO tags (ordering_id, tag, sequence_nr, persistence_id) VALUES ($ordering, $tag, $seq, $pid)";
        var tagOrdering = tag.Parameters.Add("$ordering", SqliteType.Integer);
        var tagSeq = tag.Parameters.Add("$seq", SqliteType.Integer);
        var tagPid = tag.Parameters.Add("$pid", SqliteType.Text);
        tag.Parameters.AddWithValue("$tag", ExperimentTagger.Tag);

        void Row(string persistenceId, long sequenceNr, object payload, bool tagged)
        {
            pid.Value = persistenceId;
            seq.Value = sequenceNr;
            message.Value = serializer.ToBinary(payload);
            manifest.Value = serializer.Manifest(payload);
            var ordering = (long)insert.ExecuteScalar()!;
            if (!tagged) return;
            tagOrdering.Value = ordering;
            tagSeq.Value = sequenceNr;
            tagPid.Value = persistenceId;
            tag.ExecuteNonQuery();
        }

        var directorySeq = 1L;
        using var next = registrations.GetEnumerator();
        foreach (var experiment in experiments)
        {
            var persistenceId = Naming.PersistenceId(experiment.Id);
            for (var i = 0; i < experiment.Events.Count; i++) Row(persistenceId, i + 1, experiment.Events[i], tagged: true);
            if (next.MoveNext()) Row(ExperimentDirectoryActor.DirectoryPersistenceId, ++directorySeq, next.Current, tagged: false);
        }

        transaction.Commit();
    }

    private static async Task WriteAsync(ActorSystem system, IActorRef journal, IReadOnlyList<AtomicWrite> writes)
    {
        var expected = writes.Sum(w => ((IImmutableList<IPersistentRepresentation>)w.Payload).Count);
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var collector = system.ActorOf(Props.Create(() => new WriteCollector(expected, done)));
        journal.Tell(new WriteMessages(writes, collector, 1), collector);
        try
        {
            await done.Task.WaitAsync(TimeSpan.FromMinutes(5));
        }
        finally
        {
            system.Stop(collector);
        }
    }

    private static async Task Throttled(SemaphoreSlim gate, Func<Task> work)
    {
        await gate.WaitAsync();
        try
        {
            await work();
        }
        finally
        {
            gate.Release();
        }
    }

    private static async Task SaveAsync(IActorRef snapshotStore, string persistenceId, long sequenceNr, object snapshot)
    {
        var reply = await snapshotStore.Ask<object>(
            new SaveSnapshot(new SnapshotMetadata(persistenceId, sequenceNr, DateTime.UtcNow), snapshot), TimeSpan.FromMinutes(2));
        if (reply is SaveSnapshotFailure failure) throw new InvalidOperationException($"snapshot of {persistenceId} failed", failure.Cause);
    }

    /// <summary>Stands in for the persistent actor: counts the journal's per-event confirmations.</summary>
    private sealed class WriteCollector : ReceiveActor
    {
        public WriteCollector(int expected, TaskCompletionSource done)
        {
            var confirmed = 0;
            Receive<WriteMessagesSuccessful>(_ => { });
            Receive<WriteMessageSuccess>(_ =>
            {
                if (++confirmed == expected) done.TrySetResult();
            });
            Receive<WriteMessagesFailed>(f => done.TrySetException(new InvalidOperationException("journal write failed", f.Cause)));
            Receive<WriteMessageRejected>(r => done.TrySetException(new InvalidOperationException("journal rejected an event", r.Cause)));
            Receive<WriteMessageFailure>(f => done.TrySetException(new InvalidOperationException("journal write failed", f.Cause)));
        }
    }
}
