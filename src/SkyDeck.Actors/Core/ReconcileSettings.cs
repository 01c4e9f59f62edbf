namespace SkyDeck.Actors.Core;

/// <summary>
/// The reconciler's knobs; plain data so that the pure functions can take them. <see cref="AdoptGrace"/> is how long an
/// interrupted launch may still turn up (a `sky launch` orphaned by a crash can keep provisioning for minutes) before it
/// is declared lost and launched again. <see cref="AutostopMinutes"/> is the default idle time before a cluster is stopped
/// (<c>SKYDECK_AUTOSTOP</c>; 0 is off) for experiments that do not set their own.
/// </summary>
public sealed record ReconcileSettings(
    int MaxRestarts,
    TimeSpan BackoffBase,
    TimeSpan BackoffCap,
    TimeSpan ConfirmWindow,
    TimeSpan AdoptGrace,
    string DefaultAccelerator,
    int AutostopMinutes = 10,
    PriceTable? Prices = null)
{
    /// <summary>Dollars per accelerator-hour (<c>SkyDeck:Prices</c>), for dollar budgets.</summary>
    public PriceTable Prices { get; init; } = Prices ?? PriceTable.Default;

    public static readonly ReconcileSettings Default = new(
        MaxRestarts: 3,
        BackoffBase: TimeSpan.FromSeconds(10),
        BackoffCap: TimeSpan.FromMinutes(10),
        ConfirmWindow: TimeSpan.FromMinutes(2),
        AdoptGrace: TimeSpan.FromMinutes(10),
        DefaultAccelerator: "A100");
}
