namespace SkyDeck.Host.Cli;

/// <summary>What a running server records in <c>~/.skydeck/skydeck.pid</c>, so that <c>status</c> and <c>stop</c>
/// report the real URL and uptime instead of assuming defaults.</summary>
internal sealed record ServerRecord(int Pid, string Url, string Host, int Port, bool Insecure, DateTimeOffset StartedAt, string? Version);
