using System.Collections.Immutable;
using System.Diagnostics.Metrics;
using SkyDeck.Actors.Core;
using SkyDeck.Actors.Telemetry;
using SkyDeck.Host.Api;

namespace SkyDeck.Host.Telemetry;

/// <summary>
/// Gauges of what the server holds: experiments by desired and current state, live jobs (from the manager's read model,
/// the table the list endpoint serves — no experiment actor is asked), and open live-stream subscribers. The counts are
/// taken once per scrape (<see cref="RefreshAsync"/>, at most once a second), never on a request path.
/// </summary>
public sealed class ServerGauges
{
    private static readonly TimeSpan MinRefresh = TimeSpan.FromSeconds(1);

    private readonly Experiments _experiments;
    private readonly SemaphoreSlim _refreshing = new(1, 1);
    private volatile Counts _counts = new([], 0, DateTimeOffset.MinValue);

    public ServerGauges(SkyDeckMetrics metrics, Experiments experiments, LiveFeed feed)
    {
        _experiments = experiments;
        metrics.Meter.CreateObservableGauge<int>("skydeck.experiments", () => _counts.ByState.AsEnumerable(), "{experiment}",
            "Experiments (not deleted) by desired_state and current_state");
        metrics.Meter.CreateObservableGauge<int>("skydeck.jobs.live", () => _counts.LiveJobs, "{job}",
            "Jobs launching, pending or running (at most one per experiment)");
        metrics.Meter.CreateObservableGauge<int>("skydeck.stream.subscribers", () => feed.Clients, "{subscriber}",
            "Open GET /api/stream connections (dashboard tabs)");
    }

    /// <summary>A job counts as live from its launch request until SkyPilot reports it ended.</summary>
    public static bool HasLiveJob(ExperimentSummary s) =>
        s.CurrentJob is { } j && (j.Phase == JobPhase.Requested || j.Phase == JobPhase.Submitted && j.Status is null || j.Status is { } status && !status.IsTerminal());

    /// <summary>Recounts from the read model; a manager that does not answer leaves the last counts in place.</summary>
    public async Task RefreshAsync(CancellationToken cancellationToken)
    {
        if (_experiments.Now - _counts.At < MinRefresh) return;
        await _refreshing.WaitAsync(cancellationToken);
        try
        {
            if (_experiments.Now - _counts.At < MinRefresh) return;
            var list = await _experiments.ListAsync(cancellationToken);
            var live = list.Where(s => !s.Deleted).ToList();
            // Every combination, zeros included: a series that vanished would read as "no data", not as none.
            var counts = live.CountBy(s => (s.Desired, s.Current)).ToDictionary();
            var byState = (
                from desired in Enum.GetValues<DesiredState>()
                from current in Enum.GetValues<CurrentState>()
                select new Measurement<int>(counts.GetValueOrDefault((desired, current)), new("desired_state", desired.ToApi()), new("current_state", current.ToApi())))
                .ToImmutableArray();
            _counts = new Counts(byState, live.Count(HasLiveJob), _experiments.Now);
        }
        catch (Exception e) when (e is Akka.Actor.AskTimeoutException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            // The scrape still answers, with the previous counts.
        }
        finally
        {
            _refreshing.Release();
        }
    }

    private sealed record Counts(ImmutableArray<Measurement<int>> ByState, int LiveJobs, DateTimeOffset At);
}
