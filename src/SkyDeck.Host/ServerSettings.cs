namespace SkyDeck.Host;

/// <summary>How the server listens and logs. <see cref="Insecure"/> allows a non-loopback bind without a token;
/// <see cref="Demo"/> marks the demo server (<c>--demo</c>: the shipped fake <c>sky</c>, its own data directory).</summary>
public sealed record ServerSettings(
    string Host = ServerSettings.DefaultHost,
    int Port = ServerSettings.DefaultPort,
    bool Insecure = false,
    bool LogToConsole = true,
    bool LogToFile = true,
    bool Demo = false)
{
    public const string DefaultHost = "127.0.0.1";
    public const int DefaultPort = 8000;

    public string Url => $"http://{(Host.Contains(':') ? $"[{Host}]" : Host)}:{Port}";
}
