namespace SkyDeck.FakeSky;

/// <summary>What a finished fake process did.</summary>
public sealed record FakeSkyResult(int ExitCode, string StdOut, string StdErr, bool TimedOut)
{
    public override string ToString() =>
        $"exit {ExitCode}{(TimedOut ? " (timed out)" : "")}\n--- stdout ---\n{StdOut}\n--- stderr ---\n{StdErr}";
}
