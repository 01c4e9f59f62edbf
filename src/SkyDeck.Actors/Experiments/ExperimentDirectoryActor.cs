using System.Collections.Immutable;
using Akka.Actor;
using Akka.Event;
using Akka.Persistence;
using SkyDeck.Actors.Core;

namespace SkyDeck.Actors.Experiments;

/// <summary>Directory event: an experiment id was taken (persisted before its first command is forwarded).</summary>
public sealed record ExperimentRegistered(string ExperimentId, DateTimeOffset At) : ISkyDeckJournaled;

/// <summary>
/// Directory event: the directory was started again after a failed write and this write landed, so creates can be taken
/// again (it changes no id; recovery skips it).
/// </summary>
public sealed record DirectoryReopened(DateTimeOffset At) : ISkyDeckJournaled;

/// <summary>Snapshot of the directory.</summary>
public sealed record DirectorySnapshot(ImmutableArray<string> Ids) : ISkyDeckJournaled;


/// <summary>From the directory: every registered id, sent once recovered (again after each restart).</summary>
public sealed record DirectoryRecovered(ImmutableArray<string> Ids);

/// <summary>From the directory: the create's id is on disk; the experiment can be created for <paramref name="ReplyTo"/>.</summary>
public sealed record ExperimentIdRegistered(ExperimentCommands.CreateExperiment Command, IActorRef ReplyTo);

/// <summary>
/// From the directory: an id could not be written (its create was answered "unavailable"). A failed write stops the
/// directory; its parent starts it again.
/// </summary>
public sealed record DirectoryWriteFailed(string Reason, DateTimeOffset At);

/// <summary>From a directory started again after a failure: its <see cref="DirectoryReopened"/> is on disk, the journal takes writes again.</summary>
public sealed record DirectoryWritable
{
    public static readonly DirectoryWritable Instance = new();
}

/// <summary>
/// The journal of which experiment ids exist — one job, one owner. The manager forwards it the create of an unknown id;
/// once the id is on disk it hands the create back to the manager, which starts the experiment. Ids are written in
/// batches: whatever creates arrived while the previous batch was being written go to the journal in one write, so a
/// burst of creates (a sweep's cells) costs a few writes, not one write per experiment. A write that fails (a full
/// disk, a locked database) is answered "unavailable" with the reason for every create of the batch and every create
/// waiting behind it, and nothing is created; a persistent actor then stops, and its parent,
/// <see cref="ExperimentManagerActor"/>, starts it again with backoff, so creating heals by itself once writes succeed.
/// Started again, it first writes a <see cref="DirectoryReopened"/> to learn whether the journal takes writes now, so
/// SkyDeck's health turns good again when the disk is back rather than at the next create.
/// </summary>
public sealed class ExperimentDirectoryActor : ReceivePersistentActor
{
    public const string DirectoryPersistenceId = "experiment-directory";
    private const int SnapshotEvery = 1000;

    private readonly HashSet<string> _ids = new(StringComparer.Ordinal);
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private List<(ExperimentCommands.CreateExperiment Command, IActorRef ReplyTo)> _queued = [];
    private List<(ExperimentCommands.CreateExperiment Command, IActorRef ReplyTo)> _writing = [];
    private readonly DateTimeOffset? _reopenedAt;

    /// <param name="reopenedAt">Set when started again after a failed write: when, for the <see cref="DirectoryReopened"/> it writes first.</param>
    public ExperimentDirectoryActor(DateTimeOffset? reopenedAt)
    {
        _reopenedAt = reopenedAt;
        Recover<SnapshotOffer>(offer =>
        {
            if (offer.Snapshot is DirectorySnapshot snapshot) _ids.UnionWith(snapshot.Ids);
        });
        Recover<ExperimentRegistered>(e => _ids.Add(e.ExperimentId));
        Recover<DirectoryReopened>(_ => { });
        Recover<RecoveryCompleted>(_ =>
        {
            Context.Parent.Tell(new DirectoryRecovered([.. _ids]));
            if (_reopenedAt is { } at) Self.Tell(new DirectoryReopened(at));
        });
        Command<DirectoryReopened>(reopened =>
            PersistAsync(reopened, _ => Context.Parent.Tell(DirectoryWritable.Instance)));

        Command<ExperimentCommands.CreateExperiment>(create =>
        {
            if (_ids.Contains(create.ExperimentId))
            {
                Context.Parent.Tell(new ExperimentIdRegistered(create, Sender));
                return;
            }

            _queued.Add((create, Sender));
            Write();
        });
        Command<SaveSnapshotSuccess>(s => DeleteSnapshots(new SnapshotSelectionCriteria(s.Metadata.SequenceNr - 1)));
        Command<SaveSnapshotFailure>(f => _log.Warning(f.Cause, "Directory snapshot failed; the journal still has every id"));
        Command<DeleteSnapshotsSuccess>(_ => { });
        Command<DeleteSnapshotsFailure>(f => _log.Warning(f.Cause, "Deleting old directory snapshots failed; they only cost disk space"));
    }

    public override string PersistenceId => DirectoryPersistenceId;

    /// <inheritdoc cref="ExperimentDirectoryActor(DateTimeOffset?)"/>
    public static Props Props(DateTimeOffset? reopenedAt = null) => Akka.Actor.Props.Create(() => new ExperimentDirectoryActor(reopenedAt));

    protected override void OnPersistFailure(Exception cause, object @event, long sequenceNr)
    {
        Failed(cause, @event);
        base.OnPersistFailure(cause, @event, sequenceNr);
    }

    protected override void OnPersistRejected(Exception cause, object @event, long sequenceNr)
    {
        Failed(cause, @event);
        base.OnPersistRejected(cause, @event, sequenceNr);
    }

    private void Failed(Exception cause, object @event)
    {
        if (@event is DirectoryReopened reopened) Context.Parent.Tell(new DirectoryWriteFailed(Reason(cause), reopened.At));
        Refuse(cause);
    }

    /// <summary>
    /// One write at a time, of every id queued since the last one began (without the persistence stash, so creates
    /// keep queueing while it is on its way); the creates are handed on once the whole batch is on disk.
    /// </summary>
    private void Write()
    {
        if (_writing.Count > 0 || _queued.Count == 0) return;
        (_writing, _queued) = (_queued, []);
        var at = _writing[^1].Command.At;
        var events = _writing.Select(w => w.Command.ExperimentId).Where(id => !_ids.Contains(id)).Distinct(StringComparer.Ordinal)
            .Select(id => new ExperimentRegistered(id, at)).ToList();
        var left = events.Count;
        if (left == 0)
        {
            Written();
            return;
        }

        PersistAllAsync(events, registered =>
        {
            _ids.Add(registered.ExperimentId);
            if (LastSequenceNr % SnapshotEvery == 0) SaveSnapshot(new DirectorySnapshot([.. _ids]));
            if (--left == 0) Written();
        });
    }

    private void Written()
    {
        var written = _writing;
        _writing = [];
        foreach (var (command, replyTo) in written) Context.Parent.Tell(new ExperimentIdRegistered(command, replyTo));
        Write();
    }

    /// <summary>The creates whose ids could not be written (and those waiting behind them) are answered now: nothing was created, try again.</summary>
    private void Refuse(Exception cause)
    {
        if (_writing.Count == 0 && _queued.Count == 0) return;
        var refused = _writing.Concat(_queued).ToList();
        _writing = [];
        _queued = [];
        var reason = Reason(cause);
        // The manager hears first: whoever reads the refusal and then asks the manager (health, another create) finds
        // the failure already in its mailbox.
        Context.Parent.Tell(new DirectoryWriteFailed(reason, refused[0].Command.At));
        foreach (var (_, replyTo) in refused)
            replyTo.Tell(CommandResult.Unavailable(
                $"experiments cannot be created right now: the experiment directory could not be written ({reason}); nothing was created, try again"));
    }

    private static string Reason(Exception cause)
    {
        var root = cause;
        while (root.InnerException is not null) root = root.InnerException;
        return root.Message;
    }
}
