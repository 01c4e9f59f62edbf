using System.Collections.Immutable;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace SkyDeck.Actors.Core;

/// <summary>How one cell of a sweep ended: <see cref="None"/> while it may still run.</summary>
public enum CellOutcome { None, Succeeded, Failed, Stopped, Deleted }

/// <summary>
/// Pure: whether a sweep has finished, from its state and its cells' summaries. A cell has ended when it
/// <see cref="CellOutcome.Succeeded"/>, <see cref="CellOutcome.Failed"/> (SkyDeck gave up: FAILED; RETRYING has not
/// ended), is <see cref="CellOutcome.Stopped"/> as its own desired state asks (desired STOPPED or TERMINATED and
/// current STOPPED or TERMINATED), or was <see cref="CellOutcome.Deleted"/> on its own. A sweep has finished when it
/// exists and is not deleted, has no open orders, has at least one active (non-archived) cell, every active cell has
/// its experiment and has ended, and at least one of them ran a job (a sweep created STOPPED has not finished: it
/// never started). <see cref="Round"/> names this finish: the active cells with their run numbers, so the same finish
/// seen again (a restart, a replay) has the same round, and a finish after a refill or a restart (new runs) a new one.
/// </summary>
public sealed record SweepCompletion(bool Finished, ImmutableSortedDictionary<CellOutcome, int> Counts, string Round, DateTimeOffset At)
{
    public static SweepCompletion Of(SweepState sweep, Func<string, ExperimentSummary?> cell)
    {
        var counts = new SortedDictionary<CellOutcome, int>();
        var round = new StringBuilder();
        var finished = sweep is { Exists: true, Deleted: false } && sweep.Pending.IsEmpty;
        var ran = false;
        var at = sweep.UpdatedAt;
        var any = false;
        foreach (var c in sweep.ActiveCells)
        {
            any = true;
            var summary = cell(c.Id);
            var outcome = Outcome(summary);
            if (outcome == CellOutcome.None) finished = false;
            counts[outcome] = counts.GetValueOrDefault(outcome) + 1;
            if (summary is null) continue;
            ran |= summary.JobCount > 0;
            if (summary.UpdatedAt > at) at = summary.UpdatedAt;
            round.Append(c.Id).Append(':').Append(summary.Run.ToString(CultureInfo.InvariantCulture)).Append(summary.Deleted ? "d" : "").Append(';');
        }

        return new SweepCompletion(
            finished && any && ran,
            counts.ToImmutableSortedDictionary(),
            Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(round.ToString())))[..12],
            at);
    }

    public static CellOutcome Outcome(ExperimentSummary? cell) => cell switch
    {
        null => CellOutcome.None,
        { Deleted: true } => CellOutcome.Deleted,
        { Current: CurrentState.Succeeded } => CellOutcome.Succeeded,
        { Current: CurrentState.Failed } => CellOutcome.Failed,
        { Desired: not DesiredState.Running, Current: CurrentState.Stopped or CurrentState.Terminated } => CellOutcome.Stopped,
        _ => CellOutcome.None,
    };

    public int Count(CellOutcome outcome) => Counts.GetValueOrDefault(outcome);

    /// <summary><c>10 succeeded, 2 failed</c>: the outcomes there are, in that order.</summary>
    public string Describe() => string.Join(", ", new[] { CellOutcome.Succeeded, CellOutcome.Failed, CellOutcome.Stopped, CellOutcome.Deleted }
        .Where(o => Count(o) > 0)
        .Select(o => $"{Count(o)} {o.ToString().ToLowerInvariant()}"));
}
