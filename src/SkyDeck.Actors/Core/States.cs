namespace SkyDeck.Actors.Core;

/// <summary>What the researcher wants.</summary>
public enum DesiredState
{
    /// <summary>A job runs (until it succeeds or exhausts its restarts).</summary>
    Running,
    /// <summary>Cluster kept (stopped, disks persisted), nothing running.</summary>
    Stopped,
    /// <summary>No cluster.</summary>
    Terminated,
}

/// <summary>What SkyDeck sees, transitional states included.</summary>
public enum CurrentState
{
    Init,
    Launching,
    Pending,
    Running,
    Retrying,
    Succeeded,
    Failed,
    Stopping,
    Stopped,
    Terminating,
    Terminated,
    Unknown,
}

public static class StateNames
{
    /// <summary>
    /// The order a list sorts current states in: live ones first (running, then on their way), then unknown, then
    /// the ended ones. The dashboard's state sort and state groups follow it (it gets it from /api/meta).
    /// </summary>
    public static readonly IReadOnlyList<CurrentState> DisplayOrder =
    [
        CurrentState.Running, CurrentState.Pending, CurrentState.Launching, CurrentState.Retrying, CurrentState.Stopping,
        CurrentState.Terminating, CurrentState.Unknown, CurrentState.Failed, CurrentState.Succeeded, CurrentState.Stopped,
        CurrentState.Init, CurrentState.Terminated,
    ];

    public static string ToApi(this DesiredState state) => state.ToString().ToUpperInvariant();

    public static string ToApi(this CurrentState state) => state.ToString().ToUpperInvariant();

    public static DesiredState? ParseDesired(string? text) => text?.Trim().ToUpperInvariant() switch
    {
        "RUNNING" => DesiredState.Running,
        "STOPPED" => DesiredState.Stopped,
        "TERMINATED" => DesiredState.Terminated,
        _ => null,
    };
}
