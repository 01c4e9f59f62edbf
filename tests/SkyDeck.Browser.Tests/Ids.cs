namespace SkyDeck.Browser.Tests;

/// <summary>Experiment ids unique to one test run, so tests sharing a server never collide.</summary>
public static class Ids
{
    public static string New(string prefix) => $"{prefix}-{Guid.NewGuid().ToString("N")[..6]}";
}
