using Akka.Actor;
using Akka.Cluster.Tools.PublishSubscribe;
using SkyDeck.Actors.Core;
using SkyDeck.Actors.Experiments;

namespace SkyDeck.Actors.Notifications;

/// <summary>
/// Turns what happens into notifications without the experiments knowing: it follows the manager's summary changes
/// (as the live feed does) and the poller's results (on the event stream), asks the pure
/// <see cref="NotificationRules"/> what is worth telling, and hands that to the outbox. The baseline is the table
/// when it starts, so a restart does not announce old news. Sweeps too: it follows the sweep manager's sweeps and, on
/// every change of a sweep or one of its cells, asks <see cref="SweepCompletion"/> whether the sweep has finished; its
/// baseline is every sweep as it stands once both lists are in. The sweep manager keeps its subscribers in memory, and
/// after a journal failure it is started afresh without them; so the subscription is renewed every
/// <see cref="ResubscribeInterval"/> (a no-op while it holds), and a list that arrives after the baseline is read as
/// changes, so a sweep that finished in the gap is still announced. In cluster mode it is a singleton and the poller
/// may run on another node: given the distributed pub-sub mediator, it follows the polls on
/// <see cref="SkyPilotPolled.Topic"/> (each node's relay publishes its poller's results there) instead of the event stream.
/// </summary>
public sealed class NotifierActor : ReceiveActor, IWithTimers
{
    public static readonly TimeSpan ResubscribeInterval = TimeSpan.FromSeconds(30);

    private readonly IActorRef _manager;
    private readonly IActorRef? _sweepManager;
    private readonly IActorRef _outbox;
    private readonly IActorRef? _mediator;
    private readonly Dictionary<string, ExperimentSummary> _last = new(StringComparer.Ordinal);
    private readonly Dictionary<string, SweepState> _sweeps = new(StringComparer.Ordinal);
    private readonly Dictionary<string, SweepCompletion> _completions = new(StringComparer.Ordinal);
    private bool _experimentsListed;
    private bool _sweepsListed;
    private SkyPilotWatch _watch = SkyPilotWatch.Healthy;

    public NotifierActor(IActorRef manager, IActorRef outbox, TimeSpan unreachableAfter, IActorRef? sweepManager = null, IActorRef? mediator = null)
    {
        _manager = manager;
        _outbox = outbox;
        _sweepManager = sweepManager;
        _mediator = mediator;
        _sweepsListed = sweepManager is null;
        Receive<ExperimentList>(list =>
        {
            foreach (var summary in list.Experiments) _last.TryAdd(summary.Id, summary);
            _experimentsListed = true;
            Baseline();
        });
        Receive<SweepList>(list =>
        {
            if (_sweepsListed && _experimentsListed)
            {
                foreach (var sweep in list.Sweeps)
                {
                    _sweeps.TryGetValue(sweep.Id, out var before);
                    _sweeps[sweep.Id] = sweep;
                    SweepStateChanged(before, sweep);
                    SweepChanged(sweep.Id);
                }

                return;
            }

            foreach (var sweep in list.Sweeps) _sweeps.TryAdd(sweep.Id, sweep);
            _sweepsListed = true;
            Baseline();
        });
        Receive<Resubscribe>(_ => _sweepManager?.Tell(new SubscribeToSweeps(Self)));
        Receive<SummaryChanged>(changed =>
        {
            var after = changed.Summary;
            _last.TryGetValue(after.Id, out var before);
            _last[after.Id] = after;
            foreach (var notification in NotificationRules.ForChange(before, after)) outbox.Tell(new Notify(notification));
            if (after.Spec.Sweep is { } sweep) SweepChanged(sweep);
        });
        Receive<SweepSummaryChanged>(changed =>
        {
            _sweeps.TryGetValue(changed.Sweep.Id, out var before);
            _sweeps[changed.Sweep.Id] = changed.Sweep;
            SweepStateChanged(before, changed.Sweep);
            SweepChanged(changed.Sweep.Id);
        });
        Receive<SkyPilotPolled>(poll =>
        {
            (_watch, var notifications) = NotificationRules.ForPoll(_watch, poll.Succeeded, poll.Error, poll.At, unreachableAfter);
            foreach (var notification in notifications) outbox.Tell(new Notify(notification));
        });
        Receive<SubscribeAck>(_ => { });
        Receive<UnsubscribeAck>(_ => { });
    }

    public static Props Props(IActorRef manager, IActorRef outbox, TimeSpan unreachableAfter, IActorRef? sweepManager = null, IActorRef? mediator = null) =>
        Akka.Actor.Props.Create(() => new NotifierActor(manager, outbox, unreachableAfter, sweepManager, mediator));

    /// <summary>Once both lists are in, every sweep's completion as it stands is the baseline (told nothing).</summary>
    private void Baseline()
    {
        if (!_experimentsListed || !_sweepsListed) return;
        foreach (var sweep in _sweeps.Values)
            _completions.TryAdd(sweep.Id, SweepCompletion.Of(sweep, _last.GetValueOrDefault));
    }

    /// <summary>What a change of the sweep itself is worth telling (its budget stop); nothing before the baseline.</summary>
    private void SweepStateChanged(SweepState? before, SweepState after)
    {
        if (!_experimentsListed || !_sweepsListed) return;
        foreach (var notification in NotificationRules.ForSweepChange(before, after)) _outbox.Tell(new Notify(notification));
    }

    private void SweepChanged(string id)
    {
        if (!_experimentsListed || !_sweepsListed || !_sweeps.TryGetValue(id, out var sweep)) return;
        _completions.TryGetValue(id, out var before);
        var after = SweepCompletion.Of(sweep, _last.GetValueOrDefault);
        _completions[id] = after;
        foreach (var notification in NotificationRules.ForSweep(sweep, before, after)) _outbox.Tell(new Notify(notification));
    }

    protected override void PreStart()
    {
        _manager.Tell(new SubscribeToSummaries(Self));
        _manager.Tell(ListExperiments.Instance);
        _sweepManager?.Tell(new SubscribeToSweeps(Self));
        if (_sweepManager is not null) Timers.StartPeriodicTimer(Resubscribe.Instance, Resubscribe.Instance, ResubscribeInterval);
        if (_mediator is null) Context.System.EventStream.Subscribe(Self, typeof(SkyPilotPolled));
        else _mediator.Tell(new Subscribe(SkyPilotPolled.Topic, Self));
    }

    public ITimerScheduler Timers { get; set; } = null!;

    private sealed class Resubscribe
    {
        public static readonly Resubscribe Instance = new();
    }

    protected override void PostStop()
    {
        _manager.Tell(new UnsubscribeFromSummaries(Self));
        if (_mediator is null) Context.System.EventStream.Unsubscribe(Self);
        else _mediator.Tell(new Unsubscribe(SkyPilotPolled.Topic, Self));
    }
}
