using static SkyDeck.Actors.Core.ExperimentCommands;

namespace SkyDeck.Actors.Core;

/// <summary>Pure: a command against the current state gives events and a reply. Repeats are no-ops, so retries are safe.</summary>
public static class ExperimentDecider
{
    public static Decision Decide(ExperimentState s, IExperimentCommand command) => command switch
    {
        CreateExperiment c => Create(s, c),
        _ when !s.Exists => Decision.NotFound,
        UpdateSpec c => UpdateSpec(s, c),
        PatchExperiment c => Patch(s, c),
        SetDesiredState c => SetDesired(s, c),
        RestartRun c => Restart(s, c),
        DeleteExperiment c => s.Deleted ? Decision.NoOp : Decision.Accept(new ExperimentDeleted(s.Id, c.At, c.Who)),
        RestoreExperiment c => s.Deleted ? Decision.Accept(new ExperimentRestored(s.Id, c.At, c.Who)) : Decision.NoOp,
        CancelJob c => CancelJob(s, c),
        RecordLaunchOutcome c => LaunchOutcome(s, c),
        RecordActionOutcome c => ActionOutcome(s, c),
        RecordLaunchDispatch c => LaunchDispatch(s, c),
        RecordLogTail c => LogTailRead(s, c),
        RecordClusterLifetime c => ClusterLifetimes.Corrections(s.Id, s.ClusterSpans, c.Intervals, c.At) is { IsEmpty: false } corrections
            ? Decision.Accept([.. corrections])
            : Decision.NoOp,
        _ => Decision.Reply(CommandResult.Rejected($"{command.GetType().Name} is not a command experiments understand")),
    };

    /// <summary>
    /// Why a create is invalid whatever the experiment's state (its id, then its spec), or null. Managers ask it too,
    /// before the id becomes an actor and a persistence id.
    /// </summary>
    public static CommandResult? RejectCreate(CreateExperiment c)
    {
        if (ExperimentId.Validate(c.ExperimentId) is { } idError) return CommandResult.Rejected($"id {idError}", [new FieldError("id", idError)]);
        var errors = c.Spec.Validate();
        return errors.IsEmpty ? null : CommandResult.Rejected("invalid experiment", errors);
    }

    /// <summary>Only a launch still requested (not yet answered) can wait for or get a slot; anything else is a no-op.</summary>
    private static Decision LaunchDispatch(ExperimentState s, RecordLaunchDispatch c) =>
        s.Jobs.FirstOrDefault(j => j.JobId == c.JobId) is { Phase: JobPhase.Requested } job && job.WaitingForSlot != c.Queued
            ? Decision.Accept(c.Queued
                ? new JobLaunchQueued(s.Id, c.JobId, c.At, c.Who)
                : new JobLaunchDispatched(s.Id, c.JobId, c.At, c.Who))
            : Decision.NoOp;

    private static Decision Create(ExperimentState s, CreateExperiment c)
    {
        if (RejectCreate(c) is { } rejected) return Decision.Reply(rejected);
        if (!s.Exists) return Decision.Accept(new ExperimentCreated(c.ExperimentId, c.Spec, c.Desired, c.At, c.Who));
        if (s.Deleted) return Decision.Reply(CommandResult.Conflict($"experiment '{s.Id}' exists but is deleted; restore it or choose another id"));
        return s.Spec == c.Spec && s.Desired == c.Desired
            ? Decision.NoOp
            : Decision.Reply(CommandResult.Conflict($"experiment '{s.Id}' already exists with a different spec or desired state"));
    }

    private static Decision UpdateSpec(ExperimentState s, UpdateSpec c)
    {
        if (s.Deleted) return Decision.Reply(CommandResult.Conflict($"experiment '{s.Id}' is deleted; restore it first"));
        var errors = c.Spec.Validate();
        if (!errors.IsEmpty) return Decision.Reply(CommandResult.Rejected("invalid experiment", errors));
        return c.Spec == s.Spec ? Decision.NoOp : Decision.Accept(new SpecUpdated(s.Id, c.Spec, NextGeneration(s, c.Spec), c.At, c.Who));
    }

    private static Decision Patch(ExperimentState s, PatchExperiment c)
    {
        if (s.Deleted) return Decision.Reply(CommandResult.Conflict($"experiment '{s.Id}' is deleted; restore it first"));
        var spec = c.Patch.ApplyTo(s.Spec!);
        var errors = spec.Validate();
        if (!errors.IsEmpty) return Decision.Reply(CommandResult.Rejected("invalid experiment", errors));
        var events = new List<IExperimentEvent>();
        if (spec != s.Spec) events.Add(new SpecUpdated(s.Id, spec, NextGeneration(s, spec), c.At, c.Who));
        if (c.Desired is { } desired && desired != s.Desired) events.Add(new DesiredStateChanged(s.Id, desired, c.At, c.Who, "patched"));
        return events.Count == 0 ? Decision.NoOp : new Decision([.. events], CommandResult.Accepted);
    }

    /// <summary>A change of the budget alone changes nothing that runs: no new generation, so nothing asks for a restart.</summary>
    private static int NextGeneration(ExperimentState s, ExperimentSpec spec) => spec.SameLaunchAs(s.Spec!) ? s.Generation : s.Generation + 1;

    private static Decision SetDesired(ExperimentState s, SetDesiredState c)
    {
        if (s.Deleted) return Decision.Reply(CommandResult.Conflict($"experiment '{s.Id}' is deleted; restore it first"));
        if (c.Desired != s.Desired) return Decision.Accept(new DesiredStateChanged(s.Id, c.Desired, c.At, c.Who, c.Reason));
        var runIsOver = c.Desired == DesiredState.Running && !s.JobsOfCurrentRun.Any(j => j.IsLive) && s.JobsOfCurrentRun.Any();
        return runIsOver
            ? Decision.Accept(new RunRestarted(s.Id, s.Run + 1, c.At, c.Who, c.Reason ?? "start requested again"))
            : Decision.NoOp;
    }

    /// <summary>A restart asked for while the previous one has launched nothing yet is the same restart: a no-op.</summary>
    private static Decision Restart(ExperimentState s, RestartRun c)
    {
        if (s.Deleted) return Decision.Reply(CommandResult.Conflict($"experiment '{s.Id}' is deleted; restore it first"));
        if (c.IfRun is { } run && run != s.Run) return Decision.NoOp;
        if (s.Desired != DesiredState.Running) return Decision.Accept(new DesiredStateChanged(s.Id, DesiredState.Running, c.At, c.Who, "restart requested"));
        return s.JobsOfCurrentRun.Any()
            ? Decision.Accept(new RunRestarted(s.Id, s.Run + 1, c.At, c.Who, "restart requested"))
            : Decision.NoOp;
    }

    private static Decision CancelJob(ExperimentState s, CancelJob c)
    {
        var job = s.FindJob(c.JobId);
        if (job is null) return Decision.Reply(new CommandResult(ResultCode.NotFound, $"job '{c.JobId}' not found"));
        if (!job.IsLive || job.CancelRequestedAt is not null) return Decision.NoOp;
        return Decision.Accept(new JobCancelRequested(s.Id, job.JobId, c.At, c.Who, "cancel requested"));
    }

    private static Decision LaunchOutcome(ExperimentState s, RecordLaunchOutcome c)
    {
        if (s.FindJob(c.JobId) is not { Phase: JobPhase.Requested }) return Decision.NoOp;
        if (c.Outcome.Succeeded) return Decision.Accept(new JobLaunched(s.Id, c.JobId, c.Outcome.SkyJobId, false, c.At, c.Who));
        var reason = c.Outcome.Reason ?? "sky launch failed";
        return c.Outcome.FailureKind == SkyFailureKind.Timeout
            ? Decision.Accept(new SkyActionFailed(s.Id, SkyActionKind.Launch, c.JobId, SkyFailureKind.Timeout, reason + "; the job is adopted if SkyPilot went on to submit it", c.At, c.Who))
            : Decision.Accept(new JobLaunchFailed(s.Id, c.JobId, c.Outcome.FailureKind, reason, c.At, c.Who));
    }

    /// <summary>Kept once per job; a tail that could not be read is recorded as unavailable (with why), never asked again.</summary>
    private static Decision LogTailRead(ExperimentState s, RecordLogTail c)
    {
        if (s.FindJob(c.JobId) is not { Log: LogKeeping.None }) return Decision.NoOp;
        if (c.Tail is not { } tail)
            return Decision.Accept(new JobLogCaptured(s.Id, c.JobId, [], false, [], null, c.Unavailable ?? "sky logs failed", c.At, c.Who));
        var kept = tail.Bounded(c.MaxLines);
        return Decision.Accept(new JobLogCaptured(s.Id, c.JobId, kept.Lines, kept.Truncated, kept.ExitCodes, kept.ExitCode, null, c.At, c.Who));
    }

    private static Decision ActionOutcome(ExperimentState s, RecordActionOutcome c)
    {
        if (c.Outcome.Succeeded) return Decision.Accept(new SkyActionCompleted(s.Id, c.Action, c.Target, c.At, c.Who));
        var failed = new SkyActionFailed(s.Id, c.Action, c.Target, c.Outcome.FailureKind, c.Outcome.Reason ?? "sky failed", c.At, c.Who);
        // A cancel that finds no cluster has nothing left to cancel: the job went with its cluster.
        return c is { Action: SkyActionKind.Cancel, Outcome.FailureKind: SkyFailureKind.ClusterNotFound } && s.FindJob(c.Target) is { IsLive: true }
            ? Decision.Accept(failed, new JobLost(s.Id, c.Target, $"sky cancel found no cluster ({failed.Reason}): the job is gone with it", c.At, c.Who))
            : Decision.Accept(failed);
    }
}
