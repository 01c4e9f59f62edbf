namespace SkyDeck.Host.Cli;

/// <summary>What a running server records in <c>~/.skydeck/skydeck.pid</c>, so that <c>status</c> and <c>stop</c>
/// report the real URL and uptime instead of assuming defaults, and <c>start</c> can tell when the running server's
/// <see cref="Settings"/> (its effective <c>SKYDECK_*</c> values) differ from the ones it was asked for.</summary>
internal sealed record ServerRecord(
    int Pid,
    string Url,
    string Host,
    int Port,
    bool Insecure,
    DateTimeOffset StartedAt,
    string? Version,
    bool Demo = false,
    IReadOnlyDictionary<string, string>? Settings = null);
