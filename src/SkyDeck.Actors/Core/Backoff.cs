namespace SkyDeck.Actors.Core;

/// <summary>Capped exponential backoff with a deterministic ±20% spread per experiment, so a fleet does not retry in lockstep.</summary>
public static class Backoff
{
    public static TimeSpan Delay(int consecutiveFailures, string experimentId, ReconcileSettings settings)
    {
        if (consecutiveFailures <= 0) return TimeSpan.Zero;
        var exponent = Math.Min(consecutiveFailures - 1, 30);
        var raw = settings.BackoffBase.TotalMilliseconds * Math.Pow(2, exponent);
        var capped = Math.Min(raw, settings.BackoffCap.TotalMilliseconds);
        var spread = 0.8 + 0.4 * (Fnv1a($"{experimentId}/{consecutiveFailures}") % 1000) / 1000.0;
        return TimeSpan.FromMilliseconds(Math.Min(capped * spread, settings.BackoffCap.TotalMilliseconds));
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
