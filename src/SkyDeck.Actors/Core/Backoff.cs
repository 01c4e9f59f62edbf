namespace SkyDeck.Actors.Core;

/// <summary>Capped exponential backoff with a deterministic ±20% spread per key, so a fleet does not retry in lockstep.</summary>
public static class Backoff
{
    /// <summary>An experiment's next retry after <paramref name="consecutiveFailures"/> failures in a row.</summary>
    public static TimeSpan Delay(int consecutiveFailures, string experimentId, ReconcileSettings settings) =>
        Delay(consecutiveFailures, experimentId, settings.BackoffBase, settings.BackoffCap);

    /// <summary>
    /// <paramref name="baseDelay"/> × 2^(failures − 1), at most <paramref name="cap"/>, spread by ±20% from a hash of
    /// <paramref name="key"/> and the failure count (the same inputs always give the same delay).
    /// </summary>
    public static TimeSpan Delay(int failures, string key, TimeSpan baseDelay, TimeSpan cap)
    {
        if (failures <= 0) return TimeSpan.Zero;
        var exponent = Math.Min(failures - 1, 30);
        var raw = baseDelay.TotalMilliseconds * Math.Pow(2, exponent);
        var capped = Math.Min(raw, cap.TotalMilliseconds);
        var spread = 0.8 + 0.4 * (Fnv1a($"{key}/{failures}") % 1000) / 1000.0;
        return TimeSpan.FromMilliseconds(Math.Min(capped * spread, cap.TotalMilliseconds));
    }

    private static uint Fnv1a(string text)
    {
        var hash = 2166136261u;
        foreach (var c in text)
        {
            hash ^= c;
            hash *= 16777619u;
        }
        return hash;
    }
}
