using SkyDeck.Actors.Core;
using SkyDeck.Actors.Experiments;

namespace SkyDeck.Benchmarks.Seeding;

/// <summary>What a seeded database holds: how many experiments, which are live, which wait for a launch.</summary>
/// <param name="Live">Experiments with a RUNNING job on an UP cluster, each after <paramref name="FinishedJobsPerLive"/> finished jobs.</param>
/// <param name="PendingLaunches">Experiments whose last event asks for RUNNING (the reconciler must launch them after a restart).</param>
/// <param name="EventsPerExperiment">Events of every other (finished, torn-down) experiment.</param>
public sealed record FleetPlan(int Experiments, int EventsPerExperiment, int Live = 0, int FinishedJobsPerLive = 0, int PendingLaunches = 0)
{
    public static string IdOf(int index) => $"bench-{index:D5}";

    /// <summary>Live and pending experiments are spread evenly over the fleet (not bunched at the start of the directory).</summary>
    public IEnumerable<SeededExperiment> Generate(DateTimeOffset historyStart)
    {
        var live = Spread(Live, 0);
        var pending = Spread(PendingLaunches, 1);
        for (var i = 0; i < Experiments; i++)
        {
            var id = IdOf(i);
            var start = historyStart.AddSeconds(i * 3);
            var kind = live.Contains(i) ? ExperimentKind.Live : pending.Contains(i) ? ExperimentKind.PendingLaunch : ExperimentKind.Finished;
            var history = kind switch
            {
                ExperimentKind.Live => HistoryBuilder.Live(id, FinishedJobsPerLive, start),
                ExperimentKind.PendingLaunch => HistoryBuilder.PendingLaunch(id, EventsPerExperiment, start),
                _ => HistoryBuilder.Quiescent(id, EventsPerExperiment, start),
            };
            yield return new SeededExperiment(id, kind, history.Events, history.State);
        }
    }

    private HashSet<int> Spread(int count, int offset)
    {
        if (count <= 0) return [];
        var step = Math.Max(1, Experiments / count);
        return [.. Enumerable.Range(0, count).Select(k => Math.Min(Experiments - 1, k * step + offset + step / 2))];
    }
}

public enum ExperimentKind { Finished, Live, PendingLaunch }

public sealed record SeededExperiment(string Id, ExperimentKind Kind, IReadOnlyList<IExperimentEvent> Events, ExperimentState State);
