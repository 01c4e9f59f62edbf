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
    /// Runs a launch / cancel / stop / down. Never throws for SkyPilot failures: they come back classified. With a
    /// <paramref name="slot"/> the process starts at once and the slot is released when it ends; without one the call
    /// waits for a free slot under the cap on concurrent <c>sky</c> processes.
    /// </summary>
    Task<SkyOutcome> ExecuteAsync(SkyCommand command, CancellationToken cancellationToken, ISkySlot? slot = null);

    /// <summary>A process slot if one is free now, else null. A caller that must record waiting for one takes it this way.</summary>
    ISkySlot? TryTakeSlot() => ISkySlot.Unlimited;

    /// <summary>Waits for a free process slot (cancelled: none is taken).</summary>
    Task<ISkySlot> TakeSlotAsync(CancellationToken cancellationToken) => Task.FromResult(ISkySlot.Unlimited);

    /// <summary><c>sky status</c> for every cluster of the current user.</summary>
    Task<SkyCall<StatusReport>> StatusAsync(CancellationToken cancellationToken);

    /// <summary>One <c>sky queue c1 c2 …</c> for the given clusters.</summary>
    Task<SkyCall<QueueReport>> QueueAsync(IReadOnlyCollection<string> clusters, CancellationToken cancellationToken);

    /// <summary>
    /// The last <paramref name="tail"/> lines of a job's output: <c>sky logs CLUSTER JOB_ID --no-follow --tail N</c>,
    /// under the process cap and the query timeout. No default: a decorator that forgot it would answer every tail
    /// with a failure.
    /// </summary>
    Task<SkyCall<LogTail>> LogsAsync(string cluster, long skyJobId, int tail, CancellationToken cancellationToken);

    /// <summary>
    /// <c>sky cost-report --all</c> (with <c>-o json</c> where the client has it): every cluster incarnation SkyPilot has a
    /// record of. <see cref="CostReport.Unsupported"/> when this SkyPilot has no such command: SkyDeck then keeps its own
    /// cluster spans. No default, as for <see cref="LogsAsync"/>: a decorator that forgot it would make the poller stop asking.
    /// </summary>
    Task<SkyCall<CostReport>> CostReportAsync(CancellationToken cancellationToken);
}

/// <summary>
/// One of the capped <c>sky</c> process slots, held from when it was granted until the command run with it ends, or
/// until disposed. A slot granted to a caller that never uses it (it stopped meanwhile) is released after a while, so
/// the cap cannot leak away.
/// </summary>
public interface ISkySlot : IDisposable
{
    /// <summary>For gateways without a cap.</summary>
    static readonly ISkySlot Unlimited = new NoSlot();

    private sealed class NoSlot : ISkySlot
    {
        public void Dispose()
        {
        }
    }
}
