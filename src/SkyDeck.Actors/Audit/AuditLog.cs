using System.Text.Json;
using System.Text.RegularExpressions;
using Akka.Actor;
using Akka.Persistence.Query;
using Akka.Persistence.Sql.Query;
using Akka.Streams;
using Akka.Streams.Dsl;
using SkyDeck.Actors.Core;
using SkyDeck.Actors.Experiments;
using SkyDeck.Actors.Hosting;
using SkyDeck.Actors.Serialization;

namespace SkyDeck.Actors.Audit;

/// <summary>
/// Reads the journal (through Akka.Persistence.Query, never the actors) to answer "what happened": one experiment's
/// events, every event in global order after a cursor, and an experiment as it was at a past moment.
/// </summary>
public sealed partial class AuditLog(ActorSystem system)
{
    private readonly SqlReadJournal _journal = PersistenceQuery.Get(system).ReadJournalFor<SqlReadJournal>(SqlReadJournal.Identifier);
    private readonly IMaterializer _materializer = system.Materializer();

    public async Task<IReadOnlyList<AuditEntry>> ForExperimentAsync(string experimentId, CancellationToken cancellationToken)
    {
        var envelopes = await _journal.CurrentEventsByPersistenceId(Naming.PersistenceId(experimentId), 0, long.MaxValue)
            .RunWith(Sink.Seq<EventEnvelope>(), _materializer)
            .WaitAsync(cancellationToken)
            .ConfigureAwait(false);
        return [.. envelopes.Select(ToEntry).OfType<AuditEntry>()];
    }

    /// <summary>One sweep's events, in order (its cells' own events are each cell's audit log).</summary>
    public async Task<IReadOnlyList<AuditEntry>> ForSweepAsync(string sweepId, CancellationToken cancellationToken)
    {
        var envelopes = await _journal.CurrentEventsByPersistenceId(SweepId.PersistenceId(sweepId), 0, long.MaxValue)
            .RunWith(Sink.Seq<EventEnvelope>(), _materializer)
            .WaitAsync(cancellationToken)
            .ConfigureAwait(false);
        return [.. envelopes.Where(e => e.Event is ISweepEvent).Select(e =>
        {
            var x = (ISweepEvent)e.Event;
            var reason = x switch
            {
                SweepChanged c => c.Reason,
                SweepCellsOrdered o => o.Reason,
                SweepBudgetReached b => b.Reason,
                _ => null,
            };
            // The budget stop reads as the experiment's does: budget_reached.
            var type = x is SweepBudgetReached ? "budget_reached" : Words().Replace(x.GetType().Name, "$1_$2").ToLowerInvariant();
            return new AuditEntry(e.Offset is Sequence s ? s.Value : e.SequenceNr, e.SequenceNr, x.At, x.SweepId, type, x.Who, reason,
                JsonSerializer.SerializeToElement(x, x.GetType(), SkyDeckJson.Options));
        })];
    }

    /// <summary>Up to <paramref name="limit"/> experiment events with a cursor greater than <paramref name="after"/>, oldest first.</summary>
    public async Task<IReadOnlyList<AuditEntry>> AfterAsync(long after, int limit, CancellationToken cancellationToken)
    {
        var envelopes = await _journal.CurrentEventsByTag(ExperimentTagger.Tag, Offset.Sequence(after))
            .Take(limit)
            .RunWith(Sink.Seq<EventEnvelope>(), _materializer)
            .WaitAsync(cancellationToken)
            .ConfigureAwait(false);
        return [.. envelopes.Select(ToEntry).OfType<AuditEntry>()];
    }

    /// <summary>The experiment folded from its events up to and including <paramref name="at"/>; null if it did not exist yet.</summary>
    public async Task<ExperimentDetail?> AsOfAsync(string experimentId, DateTimeOffset at, ReconcileSettings settings, CancellationToken cancellationToken)
    {
        var envelopes = await _journal.CurrentEventsByPersistenceId(Naming.PersistenceId(experimentId), 0, long.MaxValue)
            .RunWith(Sink.Seq<EventEnvelope>(), _materializer)
            .WaitAsync(cancellationToken)
            .ConfigureAwait(false);
        var state = envelopes
            .Select(e => e.Event)
            .OfType<IExperimentEvent>()
            .TakeWhile(e => e.At <= at)
            .Aggregate(ExperimentState.Empty(experimentId), ExperimentState.Evolve);
        return state.Exists
            ? new ExperimentDetail(ExperimentSummary.From(state, null, settings), [.. state.Jobs.Reverse().Select(JobView.From)])
            : null;
    }

    /// <summary>The tail of a finished job's output as SkyDeck kept it (the newest record of it), or null.</summary>
    public async Task<JobLogCaptured?> KeptLogAsync(string experimentId, string jobId, CancellationToken cancellationToken)
    {
        var envelopes = await _journal.CurrentEventsByPersistenceId(Naming.PersistenceId(experimentId), 0, long.MaxValue)
            .RunWith(Sink.Seq<EventEnvelope>(), _materializer)
            .WaitAsync(cancellationToken)
            .ConfigureAwait(false);
        return envelopes.Select(e => e.Event).OfType<JobLogCaptured>().LastOrDefault(e => e.JobId == jobId);
    }

    private static AuditEntry? ToEntry(EventEnvelope envelope)
    {
        var cursor = envelope.Offset is Sequence s ? s.Value : envelope.SequenceNr;
        if (envelope.Event is INotificationEvent n) return NotificationEntry(cursor, envelope.SequenceNr, n);
        if (envelope.Event is not IExperimentEvent e) return null;
        return new AuditEntry(cursor, envelope.SequenceNr, e.At, e.ExperimentId, TypeName(e), e.Who, ReasonOf(e),
            JsonSerializer.SerializeToElement(e, e.GetType(), SkyDeckJson.Options));
    }

    /// <summary>A notification's delivery as the audit log shows it: queued (pending), delivered (sent) or an attempt that failed.</summary>
    private static AuditEntry NotificationEntry(long cursor, long sequence, INotificationEvent n)
    {
        var (experiment, reason) = n switch
        {
            NotificationQueued x => (x.Notification.ExperimentId, $"{x.Notification.Event} to {x.Webhooks.Length} webhook(s), pending: {x.Notification.Text}"),
            NotificationDelivered x => (x.ExperimentId, $"{x.DeliveryId} sent (attempt {x.Attempt}, HTTP {x.StatusCode})"),
            NotificationDeliveryFailed x => (x.ExperimentId, $"{x.DeliveryId} attempt {x.Attempt} failed: {x.Error}; "
                                                            + (x.NextAttemptAt is { } next ? $"pending, next attempt at {next:O}" : "failed, given up")),
            _ => (null, null),
        };
        return new AuditEntry(cursor, sequence, n.At, experiment ?? "", Words().Replace(n.GetType().Name, "$1_$2").ToLowerInvariant(), Callers.System, reason,
            JsonSerializer.SerializeToElement(n, n.GetType(), SkyDeckJson.Options));
    }

    public static string TypeName(IExperimentEvent e) => Words().Replace(e.GetType().Name, "$1_$2").ToLowerInvariant();

    private static string? ReasonOf(IExperimentEvent e) => e switch
    {
        DesiredStateChanged x => x.Reason,
        RunRestarted x => x.Reason,
        JobLaunchRequested x => x.Reason,
        JobLaunchFailed x => $"{x.Kind}: {x.Reason}",
        JobLost x => x.Reason,
        JobRecovered x => x.Reason,
        RetriesStopped x => $"{x.Cause}: {x.Reason}",
        JobLogCaptured x => x.Unavailable ?? $"kept the last {x.Lines.Length} lines{(x.ExitCode is { } code ? $"; exit code {code}" : "")}",
        JobCancelRequested x => x.Reason,
        ClusterActionRequested x => x.Reason,
        SkyActionFailed x => $"{x.Kind}: {x.Reason}",
        BudgetReached x => x.Reason,
        ClusterSpanCorrected x => x.Reason,
        _ => null,
    };

    [GeneratedRegex("([a-z0-9])([A-Z])")]
    private static partial Regex Words();
}
