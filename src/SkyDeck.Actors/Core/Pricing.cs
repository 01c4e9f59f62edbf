using System.Collections.Immutable;

namespace SkyDeck.Actors.Core;

/// <summary>
/// Dollars per accelerator-hour (one GPU for one hour), by accelerator name (case-insensitive). On-demand prices come
/// from <see cref="OnDemand"/>; spot prices from <see cref="Spot"/> when it names the accelerator, else on-demand ×
/// <see cref="SpotFactor"/>. An accelerator in neither table has no price: its GPU-hours are counted, its cost is not.
/// </summary>
public sealed record PriceTable(
    ImmutableSortedDictionary<string, double> OnDemand,
    ImmutableSortedDictionary<string, double> Spot,
    double SpotFactor)
{
    /// <summary>
    /// On-demand list prices per GPU-hour (AWS us-east-1, December 2026, the 8-GPU instance price / 8 where there is one):
    /// H100 p5.48xlarge $98.32, A100-80GB p4de $40.97, A100 p4d $32.77, V100 p3.16xlarge $24.48, A10G g5.xlarge $1.006,
    /// L4 g6.xlarge $0.805, T4 g4dn.xlarge $0.526. Spot: 35 % of on-demand (a typical discount; set a spot table for yours).
    /// </summary>
    public static readonly PriceTable Default = new(
        ImmutableSortedDictionary.CreateRange(StringComparer.OrdinalIgnoreCase, new Dictionary<string, double>
        {
            ["H100"] = 12.29,
            ["A100-80GB"] = 5.12,
            ["A100"] = 4.10,
            ["V100"] = 3.06,
            ["A10G"] = 1.006,
            ["L4"] = 0.805,
            ["T4"] = 0.526,
        }),
        ImmutableSortedDictionary.Create<string, double>(StringComparer.OrdinalIgnoreCase),
        0.35);

    /// <summary>Dollars per GPU-hour, or null when the accelerator has no price (or there is no accelerator).</summary>
    public double? PerGpuHour(string? accelerator, bool spot)
    {
        if (accelerator is null) return null;
        if (spot && Spot.TryGetValue(accelerator, out var spotPrice)) return spotPrice;
        return OnDemand.TryGetValue(accelerator, out var price) ? spot ? price * SpotFactor : price : null;
    }

    /// <summary>This table with <paramref name="onDemand"/> and <paramref name="spot"/> prices added or replacing its own.</summary>
    public PriceTable With(IEnumerable<KeyValuePair<string, double>> onDemand, IEnumerable<KeyValuePair<string, double>> spot, double? spotFactor = null) =>
        new(OnDemand.SetItems(onDemand), Spot.SetItems(spot), spotFactor ?? SpotFactor);
}
