using Akka;
using Akka.Actor;
using Akka.Event;
using SkyDeck.Actors.Core;

namespace SkyDeck.Actors.Experiments;

/// <summary>To the summary store: keep this summary (written behind, within <see cref="SummaryStoreActor.SaveInterval"/>).</summary>
public sealed record StoreSummary(ExperimentSummary Summary);

/// <summary>To the summary store: write what is pending now; replies <see cref="SummariesFlushed"/> once written (or failed).</summary>
public sealed record FlushSummaries
{
    public static readonly FlushSummaries Instance = new();
}

public sealed record SummariesFlushed(int Written, string? Error);

/// <summary>From the summary store to its parent: what was stored at the last shutdown, or why it could not be read.</summary>
public sealed record StoredSummariesLoaded(StoredSummaries? Stored, Exception? Cause);

/// <summary>
/// Keeps the summary read model on disk (<see cref="ISummaryStore"/>) — its one job: loads it once at start for its
/// parent, then writes changed rows behind in batches, at most one write in flight, retrying a failed batch with the
/// next one. <see cref="FlushSummaries"/> (sent by coordinated shutdown before actors stop) writes what is pending.
/// </summary>
public sealed class SummaryStoreActor : ReceiveActor, IWithTimers
{
    public static readonly TimeSpan SaveInterval = TimeSpan.FromSeconds(1);

    private readonly ISummaryStore _store;
    private readonly Dictionary<string, ExperimentSummary> _unsaved = new(StringComparer.Ordinal);
    private readonly List<IActorRef> _flushWaiting = [];
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private bool _saving;

    public SummaryStoreActor(ISummaryStore store)
    {
        _store = store;
        Receive<StoreSummary>(m => _unsaved[m.Summary.Id] = m.Summary);
        Receive<Tick>(_ => Save());
        Receive<FlushSummaries>(_ =>
        {
            _flushWaiting.Add(Sender);
            Save();
            if (!_saving) AnswerFlushes(0, null);
        });
        Receive<Saved>(m =>
        {
            _saving = false;
            if (m.Error is { } error)
            {
                _log.Warning(error, "Saving {0} summaries failed; retrying with the next batch", m.Batch.Count);
                foreach (var summary in m.Batch) _unsaved.TryAdd(summary.Id, summary);
            }

            if (_flushWaiting.Count == 0) return;
            if (m.Error is null && _unsaved.Count > 0) Save();
            else AnswerFlushes(m.Batch.Count, m.Error?.Message);
        });
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(ISummaryStore store) => Akka.Actor.Props.Create(() => new SummaryStoreActor(store));

    protected override void PreStart()
    {
        _store.LoadAsync(CancellationToken.None).PipeTo(
            Context.Parent,
            success: loaded => new StoredSummariesLoaded(loaded, null),
            failure: e => new StoredSummariesLoaded(null, e));
        Timers.StartPeriodicTimer(Tick.Instance, Tick.Instance, SaveInterval);
        RegisterFlushAtShutdown();
    }

    /// <summary>Coordinated shutdown asks for what is pending to be written before actors stop (no blocking PostStop).</summary>
    private void RegisterFlushAtShutdown()
    {
        var self = Self;
        var log = _log;
        CoordinatedShutdown.Get(Context.System).AddTask(CoordinatedShutdown.PhaseBeforeActorSystemTerminate, "skydeck-flush-summaries", async () =>
        {
            try
            {
                var flushed = await self.Ask<SummariesFlushed>(FlushSummaries.Instance, TimeSpan.FromSeconds(10)).ConfigureAwait(false);
                if (flushed.Error is not null)
                    log.Warning("Saving the last summaries failed ({0}); their experiments will be recovered at the next start", flushed.Error);
            }
            catch (Exception e) when (e is AskTimeoutException or TaskCanceledException)
            {
                log.Warning("Saving the last summaries timed out; their experiments will be recovered at the next start");
            }

            return Done.Instance;
        });
    }

    private void Save()
    {
        if (_saving || _unsaved.Count == 0) return;
        IReadOnlyCollection<ExperimentSummary> batch = [.. _unsaved.Values];
        _unsaved.Clear();
        _saving = true;
        _store.SaveAsync(batch, CancellationToken.None).PipeTo(Self, success: () => new Saved(batch, null), failure: e => new Saved(batch, e));
    }

    private void AnswerFlushes(int written, string? error)
    {
        foreach (var waiting in _flushWaiting) waiting.Tell(new SummariesFlushed(written, error));
        _flushWaiting.Clear();
    }

    private sealed record Saved(IReadOnlyCollection<ExperimentSummary> Batch, Exception? Error);

    private sealed class Tick
    {
        public static readonly Tick Instance = new();
    }
}
