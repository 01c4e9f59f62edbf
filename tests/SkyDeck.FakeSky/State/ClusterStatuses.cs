namespace SkyDeck.FakeSky.State;

/// <summary>SkyPilot's cluster statuses (<c>sky.utils.status_lib.ClusterStatus</c>) that the fake uses.</summary>
public static class ClusterStatuses
{
    public const string Init = "INIT";
    public const string Up = "UP";
    public const string Stopped = "STOPPED";
}
