using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Diagnostics;
using SkyDeck.Actors.Core;
using SkyDeck.Actors.Experiments;
using SkyDeck.Actors.SkyPilot;

namespace SkyDeck.Testing;

/// <summary>
/// An in-process <see cref="ISkyGateway"/>: records every command and call, answers from a script, and can hold calls
/// open (a launch or stop in flight at a crash), fail <c>sky status</c>, or keep every process slot taken.
/// <para>
/// <c>new ScriptedSkyGateway()</c> answers with the simplest script, for tests that say what SkyPilot shows themselves:
/// every command succeeds at once (launches get job ids 1, 2, 3…), <c>sky status</c> lists no clusters and
/// <c>sky queue</c> no jobs. <see cref="WithFakeCloud"/> answers from a tiny consistent cloud instead, so polls never
/// contradict what SkyDeck did: a launch brings its cluster UP with a job in <see cref="LaunchStatus"/>, cancel / stop /
/// down do what SkyPilot does. Either way <see cref="OnExecute"/>, <see cref="OnStatus"/> and <see cref="OnQueue"/>
/// can be replaced.
/// </para>
/// </summary>
public sealed class ScriptedSkyGateway : ISkyGateway
{
    private readonly ConcurrentQueue<SkyCommand> _commands = new();
    private readonly FakeCloud? _cloud;
    private long _nextJobId;
    private int _statusCalls;
    private int _queueCalls;
    private volatile bool _holdStops;

    public ScriptedSkyGateway()
    {
        OnExecute = command => Task.FromResult(SkyOutcome.Ok(command is SkyCommand.Launch ? Interlocked.Increment(ref _nextJobId) : null));
        OnStatus = () => SkyCall<StatusReport>.Ok(new StatusReport([]));
        OnQueue = clusters => SkyCall<QueueReport>.Ok(new QueueReport(
            clusters.ToImmutableDictionary(c => c, _ => ImmutableArray<ObservedJob>.Empty), ImmutableDictionary<string, string>.Empty));
    }

    private ScriptedSkyGateway(FakeCloud cloud)
    {
        _cloud = cloud;
        OnExecute = command => Task.FromResult(cloud.Execute(command));
        OnStatus = cloud.Status;
        OnQueue = cloud.Queue;
    }

    /// <summary>A gateway whose answers come from a fake cloud that launches, cancels, stops and downs consistently.</summary>
    public static ScriptedSkyGateway WithFakeCloud() => new(new FakeCloud());

    /// <summary>How to answer a command.</summary>
    public Func<SkyCommand, Task<SkyOutcome>> OnExecute { get; set; }

    /// <summary>How to answer <c>sky status</c> (unless <see cref="StatusFailure"/> is set).</summary>
    public Func<SkyCall<StatusReport>> OnStatus { get; set; }

    /// <summary>How to answer <c>sky queue</c> for the given clusters.</summary>
    public Func<IReadOnlyCollection<string>, SkyCall<QueueReport>> OnQueue { get; set; }

    /// <summary>Non-null: every <c>sky status</c> fails with this reason.</summary>
    public string? StatusFailure { get; set; }

    /// <summary>Stops never return (until the caller's token is cancelled) and change nothing.</summary>
    public bool HoldStops
    {
        get => _holdStops;
        set => _holdStops = value;
    }

    public IReadOnlyList<SkyCommand> Commands => [.. _commands];

    public IReadOnlyList<SkyCommand.Launch> Launches => [.. _commands.OfType<SkyCommand.Launch>()];

    public int StatusCalls => Volatile.Read(ref _statusCalls);

    public int QueueCalls => Volatile.Read(ref _queueCalls);

    /// <summary>Every launch hangs until the returned source is completed (simulates a launch in flight or a crash mid-launch).</summary>
    public TaskCompletionSource<SkyOutcome> HoldLaunches()
    {
        var hold = new TaskCompletionSource<SkyOutcome>(TaskCreationOptions.RunContinuationsAsynchronously);
        var previous = OnExecute;
        OnExecute = command => command is SkyCommand.Launch ? hold.Task : previous(command);
        return hold;
    }

    // The fake cloud, for tests that look at it or change it behind SkyDeck's back (WithFakeCloud gateways only).

    /// <summary>The status a launched job starts with.</summary>
    public SkyJobStatus LaunchStatus
    {
        get => Cloud.LaunchStatus;
        set => Cloud.LaunchStatus = value;
    }

    /// <summary>Puts a cluster in the fake cloud (or changes its status), as if someone used <c>sky</c> by hand.</summary>
    public void SetCluster(string cluster, SkyClusterStatus status) => Cloud.SetCluster(cluster, status);

    public SkyClusterStatus? ClusterStatus(string cluster) => Cloud.ClusterStatus(cluster);

    public void SetJobStatus(string cluster, long skyJobId, SkyJobStatus status) => Cloud.SetJobStatus(cluster, skyJobId, status);

    private FakeCloud Cloud => _cloud ?? throw new InvalidOperationException($"this gateway has no fake cloud: use {nameof(ScriptedSkyGateway)}.{nameof(WithFakeCloud)}()");

    // Process slots: unlimited, unless a test takes them all.

    private readonly Lock _slotGate = new();
    private TaskCompletionSource<ISkySlot>? _slotWait;
    private bool _slotsFull;
    private int _slotWaits;

    /// <summary>How many times a caller had to wait for a process slot.</summary>
    public int SlotWaits => Volatile.Read(ref _slotWaits);

    /// <summary>Every <c>sky</c> process slot is taken until <see cref="FreeSlots"/>: launches have to wait for one.</summary>
    public void FillSlots()
    {
        lock (_slotGate) _slotsFull = true;
    }

    public void FreeSlots()
    {
        TaskCompletionSource<ISkySlot>? waiting;
        lock (_slotGate)
        {
            _slotsFull = false;
            waiting = _slotWait;
            _slotWait = null;
        }

        waiting?.TrySetResult(ISkySlot.Unlimited);
    }

    public ISkySlot? TryTakeSlot()
    {
        lock (_slotGate) return _slotsFull ? null : ISkySlot.Unlimited;
    }

    public Task<ISkySlot> TakeSlotAsync(CancellationToken cancellationToken)
    {
        lock (_slotGate)
        {
            if (!_slotsFull) return Task.FromResult(ISkySlot.Unlimited);
            Interlocked.Increment(ref _slotWaits);
            _slotWait ??= new TaskCompletionSource<ISkySlot>(TaskCreationOptions.RunContinuationsAsynchronously);
            return _slotWait.Task.WaitAsync(cancellationToken);
        }
    }

    public Task<SkyOutcome> ExecuteAsync(SkyCommand command, CancellationToken cancellationToken, ISkySlot? slot = null)
    {
        _commands.Enqueue(command);
        return command is SkyCommand.Stop && _holdStops ? NeverAsync(cancellationToken) : OnExecute(command);
    }

    public Task<SkyCall<StatusReport>> StatusAsync(CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _statusCalls);
        return Task.FromResult(StatusFailure is { } failure
            ? SkyCall<StatusReport>.Failed(new SkyFailure(SkyFailureKind.Unknown, failure))
            : OnStatus());
    }

    public Task<SkyCall<QueueReport>> QueueAsync(IReadOnlyCollection<string> clusters, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _queueCalls);
        return Task.FromResult(OnQueue(clusters));
    }

    /// <summary>What <c>sky logs</c> answers (cluster, sky job id, tail); null: this gateway cannot read logs.</summary>
    public Func<string, long, int, SkyCall<LogTail>>? OnLogs { get; set; }

    public int LogCalls => Volatile.Read(ref _logCalls);

    private int _logCalls;

    public Task<SkyCall<LogTail>> LogsAsync(string cluster, long skyJobId, int tail, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _logCalls);
        return Task.FromResult(OnLogs is { } logs
            ? logs(cluster, skyJobId, tail)
            : SkyCall<LogTail>.Failed(new SkyFailure(SkyFailureKind.Unknown, "the scripted gateway has no logs")));
    }

    /// <summary>What <c>sky cost-report</c> answers; unset: a SkyPilot without the command (SkyDeck keeps its own spans).</summary>
    public Func<SkyCall<CostReport>>? OnCostReport { get; set; }

    public Task<SkyCall<CostReport>> CostReportAsync(CancellationToken cancellationToken) =>
        Task.FromResult(OnCostReport is { } report ? report() : SkyCall<CostReport>.Ok(CostReport.Unsupported));

    private static async Task<SkyOutcome> NeverAsync(CancellationToken cancellationToken)
    {
        await Task.Delay(Timeout.Infinite, cancellationToken).ConfigureAwait(false);
        throw new UnreachableException();
    }
}
