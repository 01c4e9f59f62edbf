using SkyDeck.Actors.Experiments;

namespace SkyDeck.Actors.SkyPilot;

/// <summary>The result of a read-only <c>sky</c> call: a parsed report, or a classified failure.</summary>
public sealed record SkyCall<T>(T? Report, SkyFailure? Failure) where T : class
{
    public static SkyCall<T> Ok(T report) => new(report, null);

    public static SkyCall<T> Failed(SkyFailure failure) => new(null, failure);
}

/// <summary>Everything SkyDeck asks of SkyPilot. <see cref="SkyPilotCli"/> is the real one; tests may fake it.</summary>
public interface ISkyGateway
{
    /// <summary>Runs a launch / cancel / stop / down. Never throws for SkyPilot failures: they come back classified.</summary>
    Task<SkyOutcome> ExecuteAsync(SkyCommand command, CancellationToken cancellationToken);

    /// <summary><c>sky status</c> for every cluster of the current user.</summary>
    Task<SkyCall<StatusReport>> StatusAsync(CancellationToken cancellationToken);

    /// <summary>One <c>sky queue c1 c2 …</c> for the given clusters.</summary>
    Task<SkyCall<QueueReport>> QueueAsync(IReadOnlyCollection<string> clusters, CancellationToken cancellationToken);
}
