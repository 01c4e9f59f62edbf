using System.Collections.Immutable;

namespace SkyDeck.Actors.Core;

/// <summary>
/// Commands ask a sweep to change. <see cref="Preview"/>: decide and answer what would change, persisting nothing.
/// </summary>
public interface ISweepCommand
{
    string SweepId { get; }
    DateTimeOffset At { get; }
    string Who { get; }
    bool Preview { get; }
}

public static class SweepCommands
{
    public sealed record CreateSweep(string SweepId, SweepSpec Spec, DateTimeOffset At, string Who, bool Preview = false) : ISweepCommand;

    /// <summary>
    /// Null fields stay as they are (an empty <paramref name="Budget"/> clears the sweep's budget); <paramref name="Template"/> is merged over the current template. A template field
    /// changes in every cell that does not deviate on it; a cell whose own value differs from what the old template
    /// gave it (as <paramref name="Observed"/> shows it) keeps its value.
    /// </summary>
    public sealed record ChangeSweep(
        string SweepId,
        DateTimeOffset At,
        string Who,
        string? Name = null,
        SpecPatch? Template = null,
        ImmutableArray<SweepAxis>? Axes = null,
        SweepMode? Mode = null,
        DesiredState? Desired = null,
        bool Preview = false,
        ImmutableArray<CellObservation> Observed = default,
        Budget? Budget = null) : ISweepCommand;

    /// <summary>
    /// Stop the sweep if it is to run and its cells' usage (<paramref name="Cells"/>: every cell's jobs and cluster
    /// spans, as the read model shows them) has reached its budget as of <paramref name="At"/> (internal: the sweep
    /// actor sends it to itself when a cell's usage changes or the predicted crossing comes).
    /// </summary>
    public sealed record EnforceSweepBudget(string SweepId, ImmutableArray<UsageLedger> Cells, DateTimeOffset At, string Who = Callers.System, bool Preview = false) : ISweepCommand;

    /// <summary>Re-run the cells that failed, were deleted or were never created, as <paramref name="Observed"/> (the read model) shows them.</summary>
    public sealed record RefillSweep(string SweepId, ImmutableArray<CellObservation> Observed, DateTimeOffset At, string Who, bool Preview = false) : ISweepCommand;

    /// <summary>Restart at most <paramref name="Max"/> cells that run an older spec ("restart to apply").</summary>
    public sealed record RestartSweepCells(string SweepId, ImmutableArray<CellObservation> Observed, int Max, DateTimeOffset At, string Who, bool Preview = false) : ISweepCommand;

    public sealed record DeleteSweep(string SweepId, DateTimeOffset At, string Who, bool Preview = false) : ISweepCommand;

    public sealed record RestoreSweep(string SweepId, DateTimeOffset At, string Who, bool Preview = false) : ISweepCommand;

    /// <summary>The experiments' answers to orders (internal: sent by the sweep actor to itself).</summary>
    public sealed record RecordOrderOutcomes(string SweepId, ImmutableArray<OrderOutcome> Outcomes, DateTimeOffset At, string Who = Callers.System, bool Preview = false) : ISweepCommand;
}

/// <summary>A cell as the experiment read model shows it.</summary>
public sealed record CellObservation(string Id, CurrentState Current, DesiredState Desired, bool Deleted, int Run, bool NeedsRestart, ExperimentSpec? Spec = null)
{
    public static CellObservation From(ExperimentSummary s) => new(s.Id, s.Current, s.Desired, s.Deleted, s.Run, s.NeedsRestart, s.Spec);
}
