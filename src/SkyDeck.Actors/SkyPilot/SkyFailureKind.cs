namespace SkyDeck.Actors.SkyPilot;

/// <summary>Why a <c>sky</c> call failed, as far as its exit code and output tell.</summary>
public enum SkyFailureKind
{
    NoCapacity,
    InvalidRequest,
    CliUnavailable,
    Timeout,
    ClusterNotFound,
    Unknown,
}
