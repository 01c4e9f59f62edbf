using System.Collections.Immutable;
using Akka.Actor;
using Akka.Event;
using SkyDeck.Actors.Core;
using SkyDeck.Actors.Experiments;
using SkyDeck.Actors.Telemetry;

namespace SkyDeck.Actors.SkyPilot;

/// <summary>Ask the poller to poll now (replies nothing).</summary>
public sealed record PollNow
{
    public static readonly PollNow Instance = new();
}

/// <summary>Ask the poller how polling is going; replies <see cref="PollerStatus"/>.</summary>
public sealed record GetPollerStatus
{
    public static readonly GetPollerStatus Instance = new();
}

/// <summary>The poller's health: the last successful poll is what staleness is measured from.</summary>
public sealed record PollerStatus(
    DateTimeOffset? LastAttemptAt,
    DateTimeOffset? LastSuccessAt,
    string? LastError,
    DateTimeOffset? LastErrorAt,
    int Clusters,
    int LiveClusters,
    long Polls,
    long Failures,
    int ConsecutiveFailures,
    TimeSpan Interval);

/// <summary>
/// Polls SkyPilot on a timer and on demand, with as few <c>sky</c> calls as possible: one <c>sky status</c> for
/// cluster states, then one <c>sky queue c1 c2 …</c> for the SkyDeck clusters that are UP. Results go to the
/// manager as one snapshot. A cluster whose queue could not be read is unknown, never failed. On the first poll and
/// every <c>costReportEvery</c> polls after it, the same pass also reads <c>sky cost-report</c> (one more process, in
/// the same sequence, so under the same cap) and sends what it found to the manager; a SkyPilot without that command
/// is not asked again.
/// </summary>
public sealed class QueuePollerActor : ReceiveActor, IWithTimers
{
    private readonly ISkyGateway _sky;
    private readonly IActorRef _manager;
    private readonly TimeSpan _interval;
    private readonly TimeProvider _clock;
    private readonly SkyDeckMetrics? _metrics;
    private readonly int _costReportEvery;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly CancellationTokenSource _shutdown = new();
    private bool _polling;
    private bool _pollAgain;
    private PollerStatus _status;
    private long _passes;
    private bool _noCostReport;

    /// <param name="costReportEvery">Read <c>sky cost-report</c> on the first poll and every this many after it (0: never).</param>
    public QueuePollerActor(ISkyGateway sky, IActorRef manager, TimeSpan interval, TimeProvider clock, SkyDeckMetrics? metrics = null, int costReportEvery = 0)
    {
        _costReportEvery = costReportEvery;
        _metrics = metrics;
        _sky = sky;
        _manager = manager;
        _interval = interval;
        _clock = clock;
        _status = new PollerStatus(null, null, null, null, 0, 0, 0, 0, 0, interval);

        Receive<PollNow>(_ => PollSoon());
        Receive<Tick>(_ => Poll());
        Receive<PollFinished>(Finished);
        Receive<GetPollerStatus>(_ => Sender.Tell(_status));
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public static readonly TimeSpan MinSpacing = TimeSpan.FromSeconds(1);

    public static Props Props(ISkyGateway sky, IActorRef manager, TimeSpan interval, TimeProvider clock, SkyDeckMetrics? metrics = null, int costReportEvery = 0) =>
        Akka.Actor.Props.Create(() => new QueuePollerActor(sky, manager, interval, clock, metrics, costReportEvery));

    protected override void PreStart() => Self.Tell(Tick.Instance);

    protected override void PostStop()
    {
        _shutdown.Cancel();
        _shutdown.Dispose();
    }

    /// <summary>Many experiments may ask at once: coalesce, and keep at least <see cref="MinSpacing"/> between polls.</summary>
    private void PollSoon()
    {
        if (_polling)
        {
            _pollAgain = true;
            return;
        }

        var since = _status.LastAttemptAt is { } last ? _clock.GetUtcNow() - last : TimeSpan.MaxValue;
        if (since >= MinSpacing) Poll();
        else Timers.StartSingleTimer(Tick.Instance, Tick.Instance, MinSpacing - since);
    }

    private void Poll()
    {
        if (_polling)
        {
            _pollAgain = true;
            return;
        }

        _polling = true;
        var at = _clock.GetUtcNow();
        _status = _status with { LastAttemptAt = at };
        var readCosts = _costReportEvery > 0 && !_noCostReport && _passes++ % _costReportEvery == 0;
        PollAsync(_sky, at, readCosts, _shutdown.Token).PipeTo(Self, failure: e => new PollFinished(new PollCompleted(at, null, e.GetBaseException().Message), 0));
    }

    private static async Task<PollFinished> PollAsync(ISkyGateway sky, DateTimeOffset at, bool readCosts, CancellationToken cancellationToken)
    {
        var status = await sky.StatusAsync(cancellationToken).ConfigureAwait(false);
        if (status.Report is not { } report)
            return new PollFinished(new PollCompleted(at, null, $"sky status failed ({status.Failure!.Kind}): {status.Failure.Reason}"), 0);

        var up = PollFanOut.ClustersToQueue(report);
        QueueReport? queue = null;
        string? queueError = null;
        if (up.Count > 0)
        {
            var call = await sky.QueueAsync(up, cancellationToken).ConfigureAwait(false);
            queue = call.Report;
            if (call.Failure is { } failure) queueError = $"sky queue failed ({failure.Kind}): {failure.Reason}";
            else if (queue!.Failed.Count > 0)
                queueError = $"job queue unavailable for {queue.Failed.Count} of {up.Count} clusters, e.g. {queue.Failed.First().Key}: {queue.Failed.First().Value}";
        }

        // After the status (so a span its poll closes is closed before the correction is weighed); a failure here is
        // the cost-report's own, and leaves the poll a success.
        var costs = readCosts ? await sky.CostReportAsync(cancellationToken).ConfigureAwait(false) : null;
        return new PollFinished(PollFanOut.Observe(report, queue, queueError, at), up.Count, costs);
    }

    private void CostsRead(SkyCall<CostReport> costs, DateTimeOffset at)
    {
        if (costs.Report is { Supported: false })
        {
            _noCostReport = true;
            _log.Info("This SkyPilot has no sky cost-report: cluster overhead stays as SkyDeck records it from cluster status changes");
        }
        else if (costs.Report is { } report) _manager.Tell(new CostReportRead(at, report));
        else _log.Warning("sky cost-report failed ({0}): {1}; cluster spans stay as recorded until the next read", costs.Failure!.Kind, costs.Failure.Reason);
    }

    private void Finished(PollFinished finished)
    {
        var poll = finished.Result;
        _polling = false;
        var ok = poll.Clusters is not null;
        _status = ok
            ? _status with
            {
                LastSuccessAt = poll.At, Polls = _status.Polls + 1, ConsecutiveFailures = 0,
                Clusters = poll.Clusters!.Count, LiveClusters = finished.LiveClusters,
                LastError = poll.Error ?? _status.LastError, LastErrorAt = poll.Error is null ? _status.LastErrorAt : poll.At,
            }
            : _status with
            {
                Polls = _status.Polls + 1, Failures = _status.Failures + 1, ConsecutiveFailures = _status.ConsecutiveFailures + 1,
                LastError = poll.Error, LastErrorAt = poll.At,
            };
        if (!ok) _log.Warning("SkyPilot poll failed: {0}", poll.Error);
        _metrics?.PollFinished(ok, _clock.GetUtcNow() - poll.At, poll.At);
        _manager.Tell(poll);
        if (finished.Costs is { } costs) CostsRead(costs, poll.At);
        Context.System.EventStream.Publish(new Notifications.SkyPilotPolled(poll.At, ok, poll.Error));

        if (_pollAgain)
        {
            _pollAgain = false;
            Poll();
            return;
        }

        Timers.StartSingleTimer(Tick.Instance, Tick.Instance, _interval);
    }

    private sealed record PollFinished(PollCompleted Result, int LiveClusters, SkyCall<CostReport>? Costs = null);

    private sealed class Tick
    {
        public static readonly Tick Instance = new();
    }
}
