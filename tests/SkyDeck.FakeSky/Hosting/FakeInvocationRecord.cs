namespace SkyDeck.FakeSky;

/// <summary>One line of <c>invocations.jsonl</c>: a sky-compatible invocation (ctl calls are not logged).</summary>
public sealed record FakeInvocationRecord(DateTimeOffset At, IReadOnlyList<string> Argv, int Pid);
