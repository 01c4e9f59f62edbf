namespace SkyDeck.Reliability.Tests.Support;

/// <summary>
/// How hard the reliability tests push. CI mode (the default) keeps <c>dotnet test</c> quick;
/// <c>SKYDECK_SOAK=full</c> runs the soak figures the issue asks for (≥ 20 kills over ≥ 1,000 changes, 60 s of load).
/// </summary>
public static class Soak
{
    public static bool Full { get; } = string.Equals(Environment.GetEnvironmentVariable("SKYDECK_SOAK"), "full", StringComparison.OrdinalIgnoreCase);

    public static string Mode => Full ? "full" : "ci";

    public static int Kills => Full ? 24 : 6;

    public static int Changes => Full ? 1_000 : 300;

    public static TimeSpan LoadDuration => Full ? TimeSpan.FromSeconds(60) : TimeSpan.FromSeconds(15);

    public static int LoadExperiments => 1_000;

    /// <summary>Fixed for a run so a failure can be replayed: <c>SKYDECK_SOAK_SEED=…</c>.</summary>
    public static int Seed { get; } = int.TryParse(Environment.GetEnvironmentVariable("SKYDECK_SOAK_SEED"), out var seed) ? seed : Environment.TickCount & 0x7fffffff;
}
