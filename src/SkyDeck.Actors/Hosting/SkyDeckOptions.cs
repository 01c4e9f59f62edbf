using SkyDeck.Actors.Cluster;
using SkyDeck.Actors.Core;
using SkyDeck.Actors.Experiments;
using SkyDeck.Actors.SkyPilot;

namespace SkyDeck.Actors.Hosting;

/// <summary>Everything SkyDeck's actors need to know, bound from configuration (section <c>SkyDeck</c>) and env.</summary>
public sealed record SkyDeckOptions
{
    /// <summary>SQLite database holding the journal and snapshots (<c>SKYDECK_DB_PATH</c>).</summary>
    public string DatabasePath { get; init; } = DefaultDatabasePath();

    /// <summary>Seconds between SkyPilot polls (<c>SKYDECK_POLL_INTERVAL</c>).</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Read <c>sky cost-report</c> on the first poll and then every this many polls (<c>SKYDECK_COST_REPORT_EVERY</c>;
    /// 0: never): SkyPilot's own record of when each cluster was up corrects the cluster spans overhead is counted from.
    /// </summary>
    public int CostReportEvery { get; init; } = 10;

    /// <summary>Seconds between reconciliations of each experiment (<c>SKYDECK_RECONCILE_INTERVAL</c>); changes reconcile at once.</summary>
    public TimeSpan ReconcileInterval { get; init; } = TimeSpan.FromSeconds(60);

    public ReconcileSettings Reconcile { get; init; } = ReconcileSettings.Default;

    public SkyPilotOptions Sky { get; init; } = new();

    public int SnapshotEvery { get; init; } = 50;

    /// <summary>
    /// Null: one process on SQLite (<see cref="DatabasePath"/>). Set: this process is a node of a SkyDeck cluster on
    /// PostgreSQL (<c>SKYDECK_CLUSTER</c>, <c>SKYDECK_SEED_NODES</c>, <c>SKYDECK_DB</c>, …).
    /// </summary>
    public SkyDeckClusterOptions? Cluster { get; init; }

    /// <summary>Webhooks and their delivery (<c>SkyDeck:Webhooks</c>); none configured: no notifications.</summary>
    public Notifications.NotificationOptions Notifications { get; init; } = new();

    /// <summary>Start the poller (tests that drive observations by hand turn it off).</summary>
    public bool EnablePoller { get; init; } = true;

    public static string DefaultDatabasePath() =>
        Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".skydeck", "skydeck.db");

    /// <summary>The cap on cells per sweep (<c>SKYDECK_MAX_SWEEP_CELLS</c>).</summary>
    public int MaxSweepCells { get; init; } = SweepExpansion.DefaultMaxCells;

    public SweepActorSettings SweepActorSettings => new(new SweepSettings(MaxSweepCells, Reconcile.Prices));

    /// <summary>
    /// An experiment at rest with no message for this long gives its actor's memory back (<c>SKYDECK_PASSIVATE_AFTER</c>);
    /// zero: never.
    /// </summary>
    public TimeSpan PassivateAfter { get; init; } = TimeSpan.FromMinutes(2);

    public ExperimentActorSettings ActorSettings => new(Reconcile, ReconcileInterval, SnapshotEvery, PassivateAfter: PassivateAfter);
}
