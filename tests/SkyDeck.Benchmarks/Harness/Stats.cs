namespace SkyDeck.Benchmarks.Harness;

/// <summary>Order statistics over a sample (nearest-rank percentiles: p99 of 500 samples is the 495th smallest).</summary>
public static class Stats
{
    public static double Percentile(IReadOnlyCollection<double> sample, double percentile)
    {
        if (sample.Count == 0) throw new InvalidOperationException("no samples");
        var sorted = sample.Order().ToArray();
        var rank = (int)Math.Ceiling(percentile / 100.0 * sorted.Length);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Length - 1)];
    }

    public static double Median(IReadOnlyCollection<double> sample) => Percentile(sample, 50);

    public static double Max(IReadOnlyCollection<double> sample) => sample.Max();

    public static string Describe(IReadOnlyCollection<double> ms) =>
        FormattableString.Invariant($"n={ms.Count} min={ms.Min():0.0} p50={Median(ms):0.0} p90={Percentile(ms, 90):0.0} p99={Percentile(ms, 99):0.0} max={ms.Max():0.0} ms");
}
