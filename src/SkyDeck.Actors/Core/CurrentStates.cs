
namespace SkyDeck.Actors.Core;

/// <summary>Pure: the state a user sees, derived from the recorded facts and whether SkyPilot can currently be asked.</summary>
public static class CurrentStates
{
    public static CurrentState Derive(ExperimentState s, ClusterObservation? observation, ReconcileSettings settings)
    {
        if (!s.Exists) return CurrentState.Init;
        var live = s.LiveJobs.ToList();
        var blind = observation is { IsHealthy: false } && live.Any(j => j.Phase == JobPhase.Submitted);
        switch (s.EffectiveDesired)
        {
            case DesiredState.Running:
                if (blind) return CurrentState.Unknown;
                var current = live.LastOrDefault(j => j.Run == s.Run && j.CancelRequestedAt is null);
                if (current is not null)
                    return current.Phase == JobPhase.Requested ? CurrentState.Launching
                        : current.Status == SkyJobStatus.Running ? CurrentState.Running
                        : CurrentState.Pending;
                if (live.Count > 0) return CurrentState.Launching;
                return RunAssessment.Of(s, settings).Status switch
                {
                    RunStatus.Succeeded => CurrentState.Succeeded,
                    RunStatus.Failed => CurrentState.Failed,
                    RunStatus.BackingOff => CurrentState.Retrying,
                    _ => CurrentState.Launching,
                };
            case DesiredState.Stopped:
                if (live.Count > 0 || s.Cluster.MayBeRunning) return CurrentState.Stopping;
                return CurrentState.Stopped;
            default:
                if (live.Count > 0 || s.Cluster.Known && s.Cluster.Status is not null) return CurrentState.Terminating;
                return CurrentState.Terminated;
        }
    }
}
