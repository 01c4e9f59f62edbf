using System.Collections.Concurrent;
using System.Diagnostics;
using SkyDeck.Actors.Core;
using SkyDeck.Actors.Experiments;
using SkyDeck.Actors.SkyPilot;

namespace SkyDeck.Benchmarks.Gateway;

/// <summary>One call through the gateway: when it was handed to the real CLI (just before it takes a process slot and spawns) and when it returned.</summary>
public sealed record GatewayCall(string Kind, string Target, long StartedTicks, DateTimeOffset StartedUtc, long? EndedTicks, bool? Succeeded);

/// <summary>
/// A decorator around the real <see cref="SkyPilotCli"/>: stamps every call the moment SkyDeck hands it over (the
/// last instruction before the process slot and the spawn), counts calls per kind, and lets a benchmark wait for the
/// launch of one cluster. It adds two timestamps and a dictionary lookup per call, nothing else.
/// </summary>
public sealed class GatewayProbe(SkyPilotCli inner) : ISkyGateway
{
    private readonly ConcurrentDictionary<string, TaskCompletionSource<GatewayCall>> _launchStarts = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, TaskCompletionSource<GatewayCall>> _launchEnds = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<GatewayCall> _finished = new();
    private long _statusCalls;
    private long _queueCalls;
    private long _costReportCalls;
    private long _actionCalls;
    private long _launchesSucceeded;
    private long _completed;

    public SkyPilotCli Cli => inner;

    public long StatusCalls => Interlocked.Read(ref _statusCalls);

    public long QueueCalls => Interlocked.Read(ref _queueCalls);

    public long ActionCalls => Interlocked.Read(ref _actionCalls);

    public long CostReportCalls => Interlocked.Read(ref _costReportCalls);

    public long TotalCalls => StatusCalls + QueueCalls + ActionCalls + CostReportCalls;

    public long CompletedCalls => Interlocked.Read(ref _completed);

    public long LaunchesSucceeded => Interlocked.Read(ref _launchesSucceeded);

    public IReadOnlyCollection<GatewayCall> Finished => _finished;

    /// <summary>Completes when <c>sky launch</c> for <paramref name="cluster"/> is handed to the CLI (register before causing it).</summary>
    public Task<GatewayCall> LaunchStarted(string cluster) => _launchStarts.GetOrAdd(cluster, _ => NewSource()).Task;

    /// <summary>Completes when that launch returned.</summary>
    public Task<GatewayCall> LaunchEnded(string cluster) => _launchEnds.GetOrAdd(cluster, _ => NewSource()).Task;

    public ISkySlot? TryTakeSlot() => inner.TryTakeSlot();

    public Task<ISkySlot> TakeSlotAsync(CancellationToken cancellationToken) => inner.TakeSlotAsync(cancellationToken);

    public async Task<SkyOutcome> ExecuteAsync(SkyCommand command, CancellationToken cancellationToken, ISkySlot? slot = null)
    {
        var started = Start(command.Kind.ToString(), command is SkyCommand.Launch l ? l.Cluster : command.Target);
        Interlocked.Increment(ref _actionCalls);
        if (command is SkyCommand.Launch launch) _launchStarts.GetOrAdd(launch.Cluster, _ => NewSource()).TrySetResult(started);
        var outcome = await inner.ExecuteAsync(command, cancellationToken, slot).ConfigureAwait(false);
        var ended = End(started, outcome.Succeeded);
        if (command is SkyCommand.Launch done)
        {
            if (outcome.Succeeded) Interlocked.Increment(ref _launchesSucceeded);
            _launchEnds.GetOrAdd(done.Cluster, _ => NewSource()).TrySetResult(ended);
        }

        return outcome;
    }

    public async Task<SkyCall<StatusReport>> StatusAsync(CancellationToken cancellationToken)
    {
        var started = Start("status", "");
        Interlocked.Increment(ref _statusCalls);
        var result = await inner.StatusAsync(cancellationToken).ConfigureAwait(false);
        End(started, result.Failure is null);
        return result;
    }

    public async Task<SkyCall<LogTail>> LogsAsync(string cluster, long skyJobId, int tail, CancellationToken cancellationToken)
    {
        var started = Start("logs", cluster);
        Interlocked.Increment(ref _statusCalls);
        var result = await inner.LogsAsync(cluster, skyJobId, tail, cancellationToken).ConfigureAwait(false);
        End(started, result.Failure is null);
        return result;
    }

    public async Task<SkyCall<CostReport>> CostReportAsync(CancellationToken cancellationToken)
    {
        var started = Start("cost-report", "");
        Interlocked.Increment(ref _costReportCalls);
        var result = await inner.CostReportAsync(cancellationToken).ConfigureAwait(false);
        End(started, result.Failure is null);
        return result;
    }

    public async Task<SkyCall<QueueReport>> QueueAsync(IReadOnlyCollection<string> clusters, CancellationToken cancellationToken)
    {
        var started = Start("queue", clusters.Count.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Interlocked.Increment(ref _queueCalls);
        var result = await inner.QueueAsync(clusters, cancellationToken).ConfigureAwait(false);
        End(started, result.Failure is null);
        return result;
    }

    private static GatewayCall Start(string kind, string target) => new(kind, target, Stopwatch.GetTimestamp(), DateTimeOffset.UtcNow, null, null);

    private GatewayCall End(GatewayCall started, bool succeeded)
    {
        var ended = started with { EndedTicks = Stopwatch.GetTimestamp(), Succeeded = succeeded };
        _finished.Enqueue(ended);
        Interlocked.Increment(ref _completed);
        return ended;
    }

    private static TaskCompletionSource<GatewayCall> NewSource() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
