using System.Collections.Immutable;
using Akka.Actor;
using Akka.Event;
using Akka.Persistence;
using SkyDeck.Actors.Core;

namespace SkyDeck.Actors.Experiments;

/// <summary>Directory event: an experiment id was taken (persisted before its first command is forwarded).</summary>
public sealed record ExperimentRegistered(string ExperimentId, DateTimeOffset At) : ISkyDeckJournaled;

/// <summary>Snapshot of the directory.</summary>
public sealed record DirectorySnapshot(ImmutableArray<string> Ids) : ISkyDeckJournaled;

/// <summary>To the directory: take this id (persist it), then tell the parent.</summary>
public sealed record RegisterExperiment(string ExperimentId, DateTimeOffset At);

/// <summary>From the directory: every registered id, sent once recovered (again after each restart).</summary>
public sealed record DirectoryRecovered(ImmutableArray<string> Ids);

/// <summary>From the directory: the id is on disk.</summary>
public sealed record ExperimentIdRegistered(string ExperimentId);

/// <summary>From the directory: the id could not be written (the directory stops after a failed write and is restarted).</summary>
public sealed record DirectoryWriteFailed(string ExperimentId, string Reason);

/// <summary>
/// The journal of which experiment ids exist — one job, one owner. A persistent actor stops when its journal fails
/// (a full disk, a locked database); its parent, <see cref="ExperimentManagerActor"/>, watches it and starts it again
/// with backoff, so the server heals by itself once writes succeed again.
/// </summary>
public sealed class ExperimentDirectoryActor : ReceivePersistentActor
{
    public const string DirectoryPersistenceId = "experiment-directory";
    private const int SnapshotEvery = 1000;

    private readonly HashSet<string> _ids = new(StringComparer.Ordinal);
    private readonly ILoggingAdapter _log = Context.GetLogger();

    public ExperimentDirectoryActor()
    {
        Recover<SnapshotOffer>(offer =>
        {
            if (offer.Snapshot is DirectorySnapshot snapshot) _ids.UnionWith(snapshot.Ids);
        });
        Recover<ExperimentRegistered>(e => _ids.Add(e.ExperimentId));
        Recover<RecoveryCompleted>(_ => Context.Parent.Tell(new DirectoryRecovered([.. _ids])));

        Command<RegisterExperiment>(m =>
        {
            if (_ids.Contains(m.ExperimentId))
            {
                Context.Parent.Tell(new ExperimentIdRegistered(m.ExperimentId));
                return;
            }

            Persist(new ExperimentRegistered(m.ExperimentId, m.At), registered =>
            {
                _ids.Add(registered.ExperimentId);
                if (LastSequenceNr % SnapshotEvery == 0) SaveSnapshot(new DirectorySnapshot([.. _ids]));
                Context.Parent.Tell(new ExperimentIdRegistered(registered.ExperimentId));
            });
        });
        Command<SaveSnapshotSuccess>(s => DeleteSnapshots(new SnapshotSelectionCriteria(s.Metadata.SequenceNr - 1)));
        Command<SaveSnapshotFailure>(f => _log.Warning(f.Cause, "Directory snapshot failed; the journal still has every id"));
        Command<DeleteSnapshotsSuccess>(_ => { });
        Command<DeleteSnapshotsFailure>(f => _log.Warning(f.Cause, "Deleting old directory snapshots failed; they only cost disk space"));
    }

    public override string PersistenceId => DirectoryPersistenceId;

    public static Props Props() => Akka.Actor.Props.Create(() => new ExperimentDirectoryActor());

    protected override void OnPersistFailure(Exception cause, object @event, long sequenceNr)
    {
        if (@event is ExperimentRegistered registered) Context.Parent.Tell(new DirectoryWriteFailed(registered.ExperimentId, Reason(cause)));
        base.OnPersistFailure(cause, @event, sequenceNr);
    }

    protected override void OnPersistRejected(Exception cause, object @event, long sequenceNr)
    {
        if (@event is ExperimentRegistered registered) Context.Parent.Tell(new DirectoryWriteFailed(registered.ExperimentId, Reason(cause)));
        base.OnPersistRejected(cause, @event, sequenceNr);
    }

    private static string Reason(Exception cause)
    {
        var root = cause;
        while (root.InnerException is not null) root = root.InnerException;
        return root.Message;
    }
}
