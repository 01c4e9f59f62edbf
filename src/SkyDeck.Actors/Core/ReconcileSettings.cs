namespace SkyDeck.Actors.Core;

/// <summary>
/// The reconciler's knobs; plain data so that the pure functions can take them. <see cref="AdoptGrace"/> is how long an
/// interrupted launch may still turn up (a `sky launch` orphaned by a crash can keep provisioning for minutes) before it
/// is declared lost and launched again. <see cref="AutostopMinutes"/> is the default idle time before a cluster is stopped
/// (<c>SKYDECK_AUTOSTOP</c>; 0 is off) for experiments that do not set their own. <see cref="CrashLoopFailures"/> failures
/// of the job itself within <see cref="CrashLoopMinutes"/> stop retrying (0: never). <see cref="LogTailLines"/>: lines of
/// a finished job's output kept before anything else happens to its cluster; 0 (the default here, so that specs
/// opt in) keeps none, the server's default is <see cref="DefaultLogTailLines"/>.
/// </summary>
public sealed record ReconcileSettings(
    int MaxRestarts,
    TimeSpan BackoffBase,
    TimeSpan BackoffCap,
    TimeSpan ConfirmWindow,
    TimeSpan AdoptGrace,
    string DefaultAccelerator,
    int AutostopMinutes = 10,
    PriceTable? Prices = null,
    int CrashLoopFailures = 5,
    int CrashLoopMinutes = 30,
    int LogTailLines = 0)
{
    /// <summary>Dollars per accelerator-hour (<c>SkyDeck:Prices</c>), for dollar budgets.</summary>
    public PriceTable Prices { get; init; } = Prices ?? PriceTable.Default;

    /// <summary>The production default of <see cref="LogTailLines"/> (<c>SKYDECK_LOG_TAIL</c>): lines of a finished job's output kept; 0 keeps none.</summary>
    public const int DefaultLogTailLines = 1000;

    public TimeSpan CrashLoopWindow => TimeSpan.FromMinutes(CrashLoopMinutes);

    public static readonly ReconcileSettings Default = new(
        MaxRestarts: 3,
        BackoffBase: TimeSpan.FromSeconds(10),
        BackoffCap: TimeSpan.FromMinutes(10),
        ConfirmWindow: TimeSpan.FromMinutes(2),
        AdoptGrace: TimeSpan.FromMinutes(10),
        DefaultAccelerator: "A100");
}
