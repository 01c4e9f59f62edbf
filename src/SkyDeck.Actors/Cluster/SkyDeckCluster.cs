using Akka.Actor;
using Akka.Cluster.Hosting;
using Akka.Cluster.Hosting.SBR;
using Akka.Cluster.Sharding;
using Akka.Cluster.Tools.PublishSubscribe;
using Akka.Hosting;
using Akka.Persistence.Hosting;
using Akka.Persistence.Sql.Config;
using Akka.Persistence.Sql.Hosting;
using Akka.Remote.Hosting;
using SkyDeck.Actors.Core;
using SkyDeck.Actors.Experiments;
using SkyDeck.Actors.Hosting;
using SkyDeck.Actors.Notifications;
using SkyDeck.Actors.SkyPilot;

namespace SkyDeck.Actors.Cluster;

/// <summary>
/// The cluster-mode wiring: remoting + clustering (keep-majority split-brain resolver), the PostgreSQL journal, the
/// experiments as a remember-entities shard region, the poller as a cluster singleton, and on every node a summary
/// relay and a manager facade registered as <see cref="ExperimentManagerActor"/>.
/// </summary>
public static class SkyDeckCluster
{
    public const string RegionName = "experiment";

    /// <summary>Sharding keeps its own state (coordinator, remembered entities) in this plugin and schema, apart from the events.</summary>
    public const string ShardingPlugin = "sharding";

    public static readonly TimeSpan ResyncInterval = TimeSpan.FromSeconds(30);

    // A shard loads its remembered entities before it takes messages, and one that times out is restarted after a
    // back-off and drops what it buffered. The first loads on a node that just started (cold JIT, first PostgreSQL
    // queries) take seconds, on a busy machine tens of seconds, far beyond the 2 s / 5 s defaults; so allow a minute,
    // and start the journals with the node instead of on first use.
    //
    // Failover (node killed → its experiments answer elsewhere) is detection + stable-after + removal margin + moving
    // the coordinator and the shards. Why two owners stay impossible with the shorter times below:
    // * Nothing moves before the keep-majority resolver has downed the node: shards and singletons leave a node only
    //   when it is Removed, and a crashed or partitioned node is removed only by a Down decision.
    // * The minority side of a partition runs the same resolver with the same stable-after, so it downs itself (and
    //   stops its shards and singletons) at the same moment the majority downs it; the removal margin, equal to
    //   stable-after, then gives it that long again to finish stopping before the majority starts anything it had.
    // * A backstop, not the guarantee: a second incarnation's first write would fail on the journal's
    //   (persistence_id, sequence_number) key, and a launch starts only after its intent is written.
    // stable-after 7 s is Akka's recommended minimum for clusters of up to 5 nodes (10 s for 10, 20 s default for
    // ~100): size it up with the cluster. Regions retry finding the new coordinator every retry-interval (2 s default),
    // so 1 s takes up to a second off every move.
    internal const string ShardingTuning = """
        akka.cluster.split-brain-resolver.stable-after = 7s
        akka.cluster.down-removal-margin = 7s
        akka.cluster.sharding {
          waiting-for-state-timeout = 30s
          updating-state-timeout = 60s
          retry-interval = 1s
        }
        akka.persistence.journal.auto-start-journals = ["akka.persistence.journal.sql", "akka.persistence.journal.sharding"]
        akka.persistence.snapshot-store.auto-start-snapshot-stores = ["akka.persistence.snapshot-store.sql", "akka.persistence.snapshot-store.sharding"]
        """;

    /// <summary>
    /// Events and snapshots in PostgreSQL exactly as in SQLite mode (tagged, JSON); sharding state in schema
    /// <c>sharding</c>. The tables come from <see cref="PostgresDatabase.Prepare"/>, not the plugin's auto-initialisation.
    /// </summary>
    public static AkkaConfigurationBuilder WithSkyDeckClusterPersistence(this AkkaConfigurationBuilder builder, string connectionString, bool autoInitialize = false) =>
        builder
            .WithSqlPersistence(
                connectionString: connectionString,
                providerName: LinqToDB.ProviderName.PostgreSQL15,
                mode: PersistenceMode.Both,
                autoInitialize: autoInitialize,
                tagStorageMode: TagMode.TagTable,
                journalBuilder: SkyDeckAkka.TagExperimentEvents)
            .WithSqlPersistence(
                connectionString: connectionString,
                providerName: LinqToDB.ProviderName.PostgreSQL15,
                mode: PersistenceMode.Both,
                schemaName: PostgresDatabase.ShardingSchema,
                autoInitialize: autoInitialize,
                pluginIdentifier: ShardingPlugin,
                isDefaultPlugin: false)
            .WithSkyDeckSerialization();

    public static AkkaConfigurationBuilder WithSkyDeckCluster(this AkkaConfigurationBuilder builder, SkyDeckOptions options, SkyDeckClusterOptions cluster)
    {
        var settings = options.ActorSettings with { PassivateWhenAbsent = true };
        builder
            .WithRemoting(new RemoteOptions
            {
                HostName = cluster.RemoteHost,
                Port = cluster.RemotePort,
                PublicHostName = cluster.PublicHost,
                // Experiment details with a long job history and read-model snapshots exceed the 128 kB default frame.
                MaxFrameSize = 4 * 1024 * 1024,
                SendBufferSize = 8 * 1024 * 1024,
                ReceiveBufferSize = 8 * 1024 * 1024,
            })
            .WithClustering(new ClusterOptions
            {
                SeedNodes = [.. cluster.SeedNodes],
                // Keep the side with more nodes; a crashed node is downed once it has been unreachable for
                // stable-after (7 s, see ShardingTuning), then its shards and singletons move after the removal margin.
                SplitBrainResolver = new KeepMajorityOption(),
                // A GC pause or a busy machine easily delays heartbeats by more than the 3 s default; flapping
                // reachability stalls membership changes. A real crash is still noticed within seconds.
                FailureDetector = new PhiAccrualFailureDetectorOptions { AcceptableHeartbeatPause = TimeSpan.FromSeconds(6) },
            })
            .WithSkyDeckClusterPersistence(PostgresDatabase.NodeConnectionString(cluster.ConnectionString))
            .AddHocon(ShardingTuning, HoconAddMode.Prepend)
            .WithCustomSerializer("skydeck-wire", SkyDeckWireSerializer.Types, system => new SkyDeckWireSerializer(system))
            .WithDistributedPubSub(role: "")
            .WithActors((system, registry) =>
                registry.Register<SummaryRelayActor>(system.ActorOf(SummaryRelayActor.Props(DistributedPubSub.Get(system).Mediator), "experiment-relay")))
            .WithShardRegion<ExperimentRegion>(
                RegionName,
                (_, registry, resolver) =>
                {
                    var sky = resolver.GetService<ISkyGateway>();
                    var clock = resolver.GetService<TimeProvider>() ?? TimeProvider.System;
                    var relay = registry.Get<SummaryRelayActor>();
                    var metered = settings with { Metrics = resolver.GetService<Telemetry.SkyDeckMetrics>() };
                    return id => ExperimentActor.Props(id, sky, metered, clock, relay);
                },
                new ExperimentMessageExtractor(),
                new ShardOptions
                {
                    RememberEntities = true,
                    // The LMDB store behind ddata remember-entities is broken with the served LightningDB (PACKAGES.md §6).
                    RememberEntitiesStore = RememberEntitiesStore.Eventsourced,
                    // Tried distributed data for the coordinator (Akka's recommended mode): no faster here, and one
                    // failover test run stalled 30 s on first shard allocations (README, Performance).
                    StateStoreMode = StateStoreMode.Persistence,
                    JournalPluginId = $"akka.persistence.journal.{ShardingPlugin}",
                    SnapshotPluginId = $"akka.persistence.snapshot-store.{ShardingPlugin}",
                })
            .WithActors((system, registry) =>
            {
                var facade = system.ActorOf(
                    ClusterManagerActor.Props(registry.Get<ExperimentRegion>(), DistributedPubSub.Get(system).Mediator, ResyncInterval),
                    "experiments");
                registry.Register<ExperimentManagerActor>(facade);
            })
            // One sweep manager in the whole cluster (its sweeps' events in PostgreSQL like the experiments'); every node
            // talks to it through a proxy, and its sweeps reach the cells through the hosting node's manager facade.
            .WithSingleton<SweepManagerActor>(
                "sweeps",
                (_, registry, resolver) => SweepManagerActor.Props(
                    registry.Get<ExperimentManagerActor>(), options.SweepActorSettings, resolver.GetService<TimeProvider>() ?? TimeProvider.System),
                new ClusterSingletonOptions(),
                createProxyToo: true)
            .WithSkyDeckClusterNotifications(options);
        if (!options.EnablePoller) return builder;
        return builder
            .WithSingleton<QueuePollerActor>(
                "sky-poller",
                (_, registry, resolver) => QueuePollerActor.Props(
                    resolver.GetService<ISkyGateway>(),
                    registry.Get<ExperimentManagerActor>(),
                    options.PollInterval,
                    resolver.GetService<TimeProvider>() ?? TimeProvider.System,
                    resolver.GetService<Telemetry.SkyDeckMetrics>(),
                    options.CostReportEvery),
                new ClusterSingletonOptions(),
                createProxyToo: true)
            .WithActors((_, registry) =>
            {
                var poller = registry.Get<QueuePollerActor>();
                registry.Get<ExperimentManagerActor>().Tell(new AttachPoller(poller));
                registry.Get<SummaryRelayActor>().Tell(new AttachPoller(poller));
            });
    }

    /// <summary>
    /// With webhooks configured: one durable outbox in the whole cluster (its journal in PostgreSQL; every node's
    /// <c>/api/webhooks</c> asks it through a proxy) and one notifier, fed by its node's read model, the sweep manager
    /// singleton and the poll results every node's relay publishes. Both move with the oldest node; the outbox recovers
    /// its pending deliveries and the ids it has seen, so a move neither loses a queued notification nor repeats one.
    /// </summary>
    private static AkkaConfigurationBuilder WithSkyDeckClusterNotifications(this AkkaConfigurationBuilder builder, SkyDeckOptions options) =>
        !options.Notifications.Enabled ? builder : builder
            .WithSingleton<NotificationOutboxActor>(
                NotificationOutboxActor.Id,
                (_, _, resolver) => SkyDeckAkka.OutboxProps(options, resolver),
                new ClusterSingletonOptions(),
                createProxyToo: true)
            .WithSingleton<NotifierActor>(
                "notifier",
                (system, registry, _) => NotifierActor.Props(
                    registry.Get<ExperimentManagerActor>(),
                    registry.Get<NotificationOutboxActor>(),
                    options.Notifications.UnreachableAfter,
                    registry.Get<SweepManagerActor>(),
                    DistributedPubSub.Get(system).Mediator),
                new ClusterSingletonOptions(),
                createProxyToo: false);
}
