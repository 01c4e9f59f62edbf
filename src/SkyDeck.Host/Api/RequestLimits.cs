namespace SkyDeck.Host.Api;

public static class RequestLimits
{
    /// <summary>Largest accepted request body; larger ones get 413.</summary>
    public const long MaxBodyBytes = 1024 * 1024;

    /// <summary>How long an endpoint waits for an actor before answering 503.</summary>
    public static readonly TimeSpan AskTimeout = TimeSpan.FromSeconds(30);
}
