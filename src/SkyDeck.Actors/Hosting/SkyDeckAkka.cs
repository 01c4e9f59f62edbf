using Akka.Actor;
using Akka.Hosting;
using Akka.Persistence.Hosting;
using Akka.Persistence.Sql.Config;
using Akka.Persistence.Sql.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using SkyDeck.Actors.Experiments;
using SkyDeck.Actors.Serialization;
using SkyDeck.Actors.SkyPilot;

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
                journalBuilder: journal => journal.AddWriteEventAdapter<ExperimentTagger>("experiment-tagger", [typeof(IExperimentEvent)]))
            .WithSkyDeckSerialization();

    public static AkkaConfigurationBuilder WithSkyDeckSerialization(this AkkaConfigurationBuilder builder) =>
        builder.WithCustomSerializer("skydeck-json", [typeof(ISkyDeckJournaled)], system => new SkyDeckJsonSerializer(system));

    /// <summary>The experiment manager (registered as <see cref="ExperimentManagerActor"/>) and, if enabled, the poller.</summary>
    public static AkkaConfigurationBuilder WithSkyDeckActors(this AkkaConfigurationBuilder builder, SkyDeckOptions options) =>
        builder.WithActors((system, registry, resolver) =>
        {
            var sky = resolver.GetService<ISkyGateway>();
            var clock = resolver.GetService<TimeProvider>() ?? TimeProvider.System;
            var manager = system.ActorOf(ExperimentManagerActor.Props(sky, options.ActorSettings, clock), "experiments");
            registry.Register<ExperimentManagerActor>(manager);
            if (!options.EnablePoller) return;
            var poller = system.ActorOf(QueuePollerActor.Props(sky, manager, options.PollInterval, clock), "sky-poller");
            registry.Register<QueuePollerActor>(poller);
            manager.Tell(new AttachPoller(poller));
        });

    /// <summary>Everything: <see cref="ISkyGateway"/> (the real CLI unless one is registered already), persistence and actors.</summary>
    public static IServiceCollection AddSkyDeck(this IServiceCollection services, SkyDeckOptions options, Action<AkkaConfigurationBuilder>? configure = null)
    {
        SqliteDatabase.Prepare(options.DatabasePath);
        services.AddSingleton(options);
        services.AddSingleton(options.Sky);
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<SkyPilotCli>();
        services.TryAddSingleton<ISkyGateway>(sp => sp.GetRequiredService<SkyPilotCli>());
        return services.AddAkka("skydeck", (builder, _) =>
        {
            builder
                .ConfigureLoggers(loggers =>
                {
                    loggers.ClearLoggers();
                    loggers.AddLoggerFactory();
                })
                .AddHocon("akka.persistence.max-concurrent-recoveries = 100", HoconAddMode.Prepend)
                .WithSkyDeckPersistence(options.DatabasePath)
                .WithSkyDeckActors(options);
            configure?.Invoke(builder);
        });
    }
}
