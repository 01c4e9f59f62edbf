namespace SkyDeck.Actors.Core;

/// <summary>Why a <c>sky</c> call failed, as far as its exit code and output tell.</summary>
public enum SkyFailureKind
{
    NoCapacity,
    InvalidRequest,
    CliUnavailable,
    Timeout,
    ClusterNotFound,
    Unknown,
    /// <summary><c>sky stop</c> skipped the cluster: its cloud cannot stop it (spot on AWS; Kubernetes, Lambda, RunPod…). Only <c>sky down</c> releases it.</summary>
    StopUnsupported,
    /// <summary><c>sky launch</c> on an existing cluster asked for other resources (<c>ResourcesMismatchError</c>): the cluster must be torn down first.</summary>
    ResourcesMismatch,
}
