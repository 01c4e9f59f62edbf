using Akka.Actor;
using Akka.DependencyInjection;
using Akka.Hosting;
using Akka.Persistence.Hosting;
using Akka.Persistence.Sql.Config;
using Akka.Persistence.Sql.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using SkyDeck.Actors.Cluster;
using SkyDeck.Actors.Core;
using SkyDeck.Actors.Experiments;
using SkyDeck.Actors.Notifications;
using SkyDeck.Actors.Serialization;
using SkyDeck.Actors.SkyPilot;
using SkyDeck.Actors.Telemetry;

namespace SkyDeck.Actors.Hosting;

/// <summary>The production wiring, reused by tests: persistence, serialization, the manager and the poller.</summary>
public static class SkyDeckAkka
{
    /// <summary>SQLite journal + snapshot store (WAL, tagged events for the audit log) and SkyDeck's JSON serializer.</summary>
    public static AkkaConfigurationBuilder WithSkyDeckPersistence(this AkkaConfigurationBuilder builder, string databasePath) =>
        builder
            .WithSqlPersistence(
                connectionString: SqliteDatabase.ConnectionString(databasePath),
                providerName: LinqToDB.ProviderName.SQLiteMS,
                mode: PersistenceMode.Both,
                autoInitialize: true,
                tagStorageMode: TagMode.TagTable,
                journalBuilder: TagExperimentEvents)
            .AddHocon(SqliteReads, HoconAddMode.Prepend)
            .WithSkyDeckSerialization();

    /// <summary>
    /// Reads in a deferred transaction. The plugin's default (unspecified) makes Microsoft.Data.Sqlite open every read
    /// with <c>BEGIN IMMEDIATE</c>, which takes the database's write lock: concurrent recoveries then queue on it and
    /// sleep in 150 ms busy retries. Without shared cache, SQLite's read_uncommitted changes nothing else: under WAL a
    /// deferred read sees a consistent snapshot of committed data.
    /// </summary>
    private const string SqliteReads = """
        akka.persistence.journal.sql.read-isolation-level = read-uncommitted
        akka.persistence.snapshot-store.sql.read-isolation-level = read-uncommitted
        akka.persistence.query.journal.sql.read-isolation-level = read-uncommitted
        """;

    /// <summary>Every experiment event (and every notification delivery) is tagged, so the audit log reads them all in
    /// order through one tag query.</summary>
    public static void TagExperimentEvents(AkkaPersistenceJournalBuilder journal) =>
        journal.AddWriteEventAdapter<ExperimentTagger>("experiment-tagger", [typeof(IExperimentEvent), typeof(INotificationEvent), typeof(ISweepEvent)]);

    public static AkkaConfigurationBuilder WithSkyDeckSerialization(this AkkaConfigurationBuilder builder) =>
        builder.WithCustomSerializer("skydeck-json", [typeof(ISkyDeckJournaled)], system => new SkyDeckJsonSerializer(system));

    /// <summary>The experiment manager (registered as <see cref="ExperimentManagerActor"/>) and, if enabled, the poller.</summary>
    public static AkkaConfigurationBuilder WithSkyDeckActors(this AkkaConfigurationBuilder builder, SkyDeckOptions options) =>
        builder.WithActors((system, registry, resolver) =>
        {
            var sky = resolver.GetService<ISkyGateway>();
            var clock = resolver.GetService<TimeProvider>() ?? TimeProvider.System;
            var metrics = resolver.GetService<SkyDeckMetrics>();
            var store = new SqliteSummaryStore(options.DatabasePath, options.ActorSettings.Reconcile);
            var manager = system.ActorOf(ExperimentManagerActor.Props(sky, options.ActorSettings with { Metrics = metrics }, clock, store), "experiments");
            registry.Register<ExperimentManagerActor>(manager);
            registry.Register<SweepManagerActor>(system.ActorOf(SweepManagerActor.Supervised(manager, options.SweepActorSettings, clock), "sweeps"));
            if (!options.EnablePoller) return;
            var poller = system.ActorOf(QueuePollerActor.Props(sky, manager, options.PollInterval, clock, metrics, options.CostReportEvery), "sky-poller");
            registry.Register<QueuePollerActor>(poller);
            manager.Tell(new AttachPoller(poller));
        }).WithSkyDeckNotifications(options);

    /// <summary>
    /// With webhooks configured: the durable outbox (registered as <see cref="NotificationOutboxActor"/>) and the
    /// notifier that feeds it from the manager's summaries and the poller's results (cluster mode: singletons, see SkyDeckCluster).
    /// </summary>
    public static AkkaConfigurationBuilder WithSkyDeckNotifications(this AkkaConfigurationBuilder builder, SkyDeckOptions options) =>
        !options.Notifications.Enabled ? builder : builder.WithActors((system, registry, resolver) =>
        {
            var outbox = system.ActorOf(OutboxProps(options, resolver), NotificationOutboxActor.Id);
            registry.Register<NotificationOutboxActor>(outbox);
            registry.TryGet<SweepManagerActor>(out var sweeps);
            system.ActorOf(NotifierActor.Props(registry.Get<ExperimentManagerActor>(), outbox, options.Notifications.UnreachableAfter, sweeps), "notifier");
        });

    /// <summary>The outbox with the registered webhook sender and clock (HTTP and the system clock unless a test registered its own); both modes.</summary>
    internal static Props OutboxProps(SkyDeckOptions options, IDependencyResolver resolver) =>
        NotificationOutboxActor.Props(
            options.Notifications,
            resolver.GetService<IWebhookSender>() ?? new HttpWebhookSender(options.Notifications.Timeout),
            resolver.GetService<TimeProvider>() ?? TimeProvider.System);

    /// <summary>
    /// Everything: <see cref="ISkyGateway"/> (the real CLI unless one is registered already), persistence and actors —
    /// a single process on SQLite, or with <see cref="SkyDeckOptions.Cluster"/> a cluster node on PostgreSQL.
    /// </summary>
    public static IServiceCollection AddSkyDeck(this IServiceCollection services, SkyDeckOptions options, Action<AkkaConfigurationBuilder>? configure = null)
    {
        if (options.Cluster is { } cluster) PostgresDatabase.Prepare(cluster.ConnectionString);
        else SqliteDatabase.Prepare(options.DatabasePath);
        services.AddSingleton(options);
        services.AddSingleton(options.Sky);
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<SkyPilotCli>();
        services.TryAddSingleton<ISkyGateway>(sp => sp.GetRequiredService<SkyPilotCli>());
        return services.AddAkka(SkyDeckClusterOptions.SystemName, (builder, _) =>
        {
            builder
                .ConfigureLoggers(loggers =>
                {
                    loggers.ClearLoggers();
                    loggers.AddLoggerFactory();
                })
                .AddHocon("akka.persistence.max-concurrent-recoveries = 100", HoconAddMode.Prepend);
            if (options.Cluster is { } cluster) builder.WithSkyDeckCluster(options, cluster);
            else builder.WithSkyDeckPersistence(options.DatabasePath).WithSkyDeckActors(options);
            configure?.Invoke(builder);
        });
    }
}
