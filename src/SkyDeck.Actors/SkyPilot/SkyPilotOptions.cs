using SkyDeck.Actors.Core;

namespace SkyDeck.Actors.SkyPilot;

/// <summary>How SkyDeck runs <c>sky</c>.</summary>
public sealed record SkyPilotOptions
{
    /// <summary>The <c>sky</c> executable: a path, or a name looked up on PATH.</summary>
    public string Executable { get; init; } = "sky";

    /// <summary>The most <c>sky</c> processes running at once, across all experiments and the poller.</summary>
    public int MaxConcurrentProcesses { get; init; } = 4;

    /// <summary>
    /// The niceness (0–19) the polls' processes run at (<c>sky status</c>, <c>sky queue</c>, <c>sky cost-report</c> and
    /// their <c>--help</c> probes), through <c>nice -n N</c>, so that a launch, cancel, stop or down a user just asked for
    /// gets the CPU first while a poll's Python starts up beside it. 0 runs them like every other call.
    /// </summary>
    public int PollNiceness { get; init; } = 10;

    public TimeSpan LaunchTimeout { get; init; } = TimeSpan.FromMinutes(30);

    public TimeSpan ActionTimeout { get; init; } = TimeSpan.FromMinutes(5);

    public TimeSpan QueryTimeout { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>Extra environment variables for every <c>sky</c> process (e.g. <c>SKYPILOT_API_SERVER_ENDPOINT</c>).</summary>
    public IReadOnlyDictionary<string, string> Environment { get; init; } = new Dictionary<string, string>();
}
