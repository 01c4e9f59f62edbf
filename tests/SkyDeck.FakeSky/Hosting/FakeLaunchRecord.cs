namespace SkyDeck.FakeSky;

/// <summary>One line of <c>launches.jsonl</c>: a job submitted by <c>sky launch</c> or <c>sky exec</c>.</summary>
/// <param name="Command">The remote command exactly as received.</param>
/// <param name="Subcommand"><c>launch</c> or <c>exec</c>.</param>
public sealed record FakeLaunchRecord(
    DateTimeOffset At,
    string Cluster,
    int JobId,
    string JobName,
    IReadOnlyList<string> Argv,
    string Command,
    string Subcommand,
    string Resources,
    IReadOnlyDictionary<string, string> Env);
