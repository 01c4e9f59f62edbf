namespace SkyDeck.Host;

/// <summary>Where SkyDeck keeps its files: <c>~/.skydeck/</c> (pid file, log, database, generated token).</summary>
public sealed record SkyDeckPaths(string Home)
{
    public static SkyDeckPaths Default() =>
        new(Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile, Environment.SpecialFolderOption.DoNotVerify), ".skydeck"));

    public string PidFile => Path.Combine(Home, "skydeck.pid");

    public string LogFile => Path.Combine(Home, "skydeck.log");

    public string DatabaseFile => Path.Combine(Home, "skydeck.db");

    public string TokenFile => Path.Combine(Home, "token");
}
