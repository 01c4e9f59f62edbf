namespace SkyDeck.FakeSky.Hosting;

/// <summary>Wall-clock time as SkyPilot stores it: float epoch seconds.</summary>
internal static class Clock
{
    public static double Now() => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000.0;
}
