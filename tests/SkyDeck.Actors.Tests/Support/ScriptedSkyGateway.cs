using System.Collections.Concurrent;
using System.Collections.Immutable;
using SkyDeck.Actors.Core;
using SkyDeck.Actors.Experiments;
using SkyDeck.Actors.SkyPilot;

namespace SkyDeck.Actors.Tests.Support;

/// <summary>
/// An in-process <see cref="ISkyGateway"/> for actor tests: records every command, answers from a script, and can
/// hold a call open (a launch "in flight") until the test releases it.
/// </summary>
public sealed class ScriptedSkyGateway : ISkyGateway
{
    private readonly ConcurrentQueue<SkyCommand> _commands = new();
    private long _nextJobId;
    private int _statusCalls;
    private int _queueCalls;

    /// <summary>How to answer a command; default: succeed at once (launches get job ids 1, 2, 3…).</summary>
    public Func<SkyCommand, Task<SkyOutcome>> OnExecute { get; set; }

    public Func<SkyCall<StatusReport>> OnStatus { get; set; } = () => SkyCall<StatusReport>.Ok(new StatusReport([]));

    public Func<IReadOnlyCollection<string>, SkyCall<QueueReport>> OnQueue { get; set; } =
        clusters => SkyCall<QueueReport>.Ok(new QueueReport(clusters.ToImmutableDictionary(c => c, _ => ImmutableArray<ObservedJob>.Empty), ImmutableDictionary<string, string>.Empty));

    public ScriptedSkyGateway() => OnExecute = command => Task.FromResult(SkyOutcome.Ok(command is SkyCommand.Launch ? Interlocked.Increment(ref _nextJobId) : null));

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

    private readonly object _slotGate = new();
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
        return OnExecute(command);
    }

    public Task<SkyCall<StatusReport>> StatusAsync(CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _statusCalls);
        return Task.FromResult(OnStatus());
    }

    public Task<SkyCall<QueueReport>> QueueAsync(IReadOnlyCollection<string> clusters, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _queueCalls);
        return Task.FromResult(OnQueue(clusters));
    }
}
