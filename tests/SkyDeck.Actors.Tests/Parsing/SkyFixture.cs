namespace SkyDeck.Actors.Tests.Parsing;

internal static class SkyFixture
{
    public static readonly DateTimeOffset Now = new(2025, 9, 22, 20, 2, 0, TimeSpan.Zero);

    public static string Load(string name) =>
        File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", "sky", name));
}
