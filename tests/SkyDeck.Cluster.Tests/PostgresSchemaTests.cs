using Akka.Actor;
using Akka.Hosting;
using Akka.Persistence;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using SkyDeck.Actors.Cluster;
using SkyDeck.Actors.Core;
using SkyDeck.Actors.Hosting;
using SkyDeck.Cluster.Tests.Support;

namespace SkyDeck.Cluster.Tests;

/// <summary>
/// Cluster nodes create the journal, tag and snapshot tables themselves (under a lock, see
/// <see cref="PostgresDatabase.Prepare"/>) instead of leaving it to the plugin; the tables must be exactly those the
/// plugin would create, and preparing must be safe when every node does it at once.
/// </summary>
public sealed class PostgresSchemaTests
{
    private const string Schema = """
        SELECT c.table_schema || '.' || c.table_name || '.' || c.column_name || ' ' || c.data_type || ' null=' || c.is_nullable || ' identity=' || c.is_identity || coalesce(' ' || c.identity_generation, '')
        FROM information_schema.columns c WHERE c.table_schema IN ('public', 'sharding')
        UNION ALL
        SELECT n.nspname || ' constraint ' || con.conname || ' ' || pg_get_constraintdef(con.oid)
        FROM pg_constraint con JOIN pg_namespace n ON n.oid = con.connamespace WHERE n.nspname IN ('public', 'sharding')
        UNION ALL
        SELECT schemaname || ' index ' || indexdef FROM pg_indexes WHERE schemaname IN ('public', 'sharding')
        ORDER BY 1
        """;

    [Fact]
    public async Task GivenAFreshDatabase_WhenPrepared_ThenItHasExactlyTheTablesThePluginCreates()
    {
        await using var byPlugin = await LocalPostgres.CreateDatabaseAsync("skydeck_schema");
        await using var byPrepare = await LocalPostgres.CreateDatabaseAsync("skydeck_schema");
        await byPlugin.ExecuteAsync($"CREATE SCHEMA {PostgresDatabase.ShardingSchema}");
        await LetThePluginCreateTablesAsync(byPlugin);

        PostgresDatabase.Prepare(byPrepare.ConnectionString);

        var expected = await byPlugin.RowsAsync(Schema);
        Assert.Equal(6, expected.Count(r => r.EndsWith("persistence_id text null=NO identity=NO", StringComparison.Ordinal)));
        Assert.Equal(expected, await byPrepare.RowsAsync(Schema));
    }

    [Fact]
    public async Task GivenNodesStartingTogether_WhenTheyAllPrepare_ThenNoneFailsAndTheSchemaIsCreatedOnce()
    {
        await using var database = await LocalPostgres.CreateDatabaseAsync("skydeck_schema");

        await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => Task.Run(() => PostgresDatabase.Prepare(database.ConnectionString))));
        PostgresDatabase.Prepare(database.ConnectionString);

        Assert.Equal(6, await database.ScalarAsync("SELECT count(*) FROM information_schema.tables WHERE table_schema IN ('public', 'sharding')"));
    }

    [Fact]
    public void GivenNoServer_WhenPrepared_ThenTheErrorSaysWhichDatabaseCannotBeUsed()
    {
        var error = Assert.Throws<DatabaseUnavailableException>(() =>
            PostgresDatabase.Prepare("Host=127.0.0.1;Port=1;Database=skydeck;Username=skydeck;Password=x;Timeout=3"));

        Assert.StartsWith("cannot use the PostgreSQL database 127.0.0.1:1/skydeck:", error.Message);
    }

    /// <summary>The production persistence wiring with the plugin's own auto-initialisation, started until its tables exist.</summary>
    private static async Task LetThePluginCreateTablesAsync(TestDatabase database)
    {
        using var host = Microsoft.Extensions.Hosting.Host.CreateDefaultBuilder()
            .ConfigureServices(services => services.AddAkka("schema", builder =>
                builder.AddHocon("akka.loglevel = WARNING", HoconAddMode.Prepend).WithSkyDeckClusterPersistence(database.ConnectionString, autoInitialize: true)))
            .Build();
        await host.StartAsync();
        var persistence = Persistence.Instance.Apply(host.Services.GetRequiredService<ActorSystem>());
        foreach (var plugin in new[] { "sql", SkyDeckCluster.ShardingPlugin })
        {
            persistence.JournalFor($"akka.persistence.journal.{plugin}");
            persistence.SnapshotStoreFor($"akka.persistence.snapshot-store.{plugin}");
        }

        var deadline = DateTime.UtcNow.AddSeconds(120);
        while (await database.ScalarAsync("SELECT count(*) FROM pg_indexes WHERE schemaname IN ('public', 'sharding')") < 20)
        {
            Assert.True(DateTime.UtcNow < deadline, "the persistence plugin did not create its tables within 2 minutes");
            await Task.Delay(500);
        }

        await Task.Delay(1000);
        await host.StopAsync();
    }
}
