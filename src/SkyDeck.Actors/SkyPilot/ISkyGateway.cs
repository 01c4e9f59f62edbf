using SkyDeck.Actors.Core;
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
    /// <summary>
    /// Runs a launch / cancel / stop / down. Never throws for SkyPilot failures: they come back classified.
    /// <paramref name="dispatch"/>, if given, is told when the command has to wait for a process slot and awaited before
    /// a command that waited starts (an exception from it means the command does not run).
    /// </summary>
    Task<SkyOutcome> ExecuteAsync(SkyCommand command, CancellationToken cancellationToken, ISkyDispatchJournal? dispatch = null);

    /// <summary><c>sky status</c> for every cluster of the current user.</summary>
    Task<SkyCall<StatusReport>> StatusAsync(CancellationToken cancellationToken);

    /// <summary>One <c>sky queue c1 c2 …</c> for the given clusters.</summary>
    Task<SkyCall<QueueReport>> QueueAsync(IReadOnlyCollection<string> clusters, CancellationToken cancellationToken);
}

/// <summary>
/// Records, durably, whether a command's process can have started: <see cref="QueuedAsync"/> when it must wait behind
/// the cap on concurrent <c>sky</c> processes, <see cref="DispatchingAsync"/> once it has its slot and before it starts.
/// A command that never waited records neither (and so may have started).
/// </summary>
public interface ISkyDispatchJournal
{
    Task QueuedAsync(CancellationToken cancellationToken);

    Task DispatchingAsync(CancellationToken cancellationToken);
}
