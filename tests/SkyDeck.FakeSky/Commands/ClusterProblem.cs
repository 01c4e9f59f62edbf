namespace SkyDeck.FakeSky.Commands;

/// <summary>Why a cluster cannot serve a request, named after SkyPilot's exception types.</summary>
internal sealed record ClusterProblem(string ExceptionType, string Message)
{
    public static ClusterProblem DoesNotExist(string cluster) => new("ClusterDoesNotExist", $"Cluster '{cluster}' does not exist.");

    public static ClusterProblem NotUp(string cluster) => new("ClusterNotUpError", $"Cluster '{cluster}' is not up.");

    /// <summary><c>common_utils.format_exception</c>: <c>ClusterNotUpError: Cluster 'c1' is not up.</c></summary>
    public string Formatted => $"{ExceptionType}: {Message}";
}
