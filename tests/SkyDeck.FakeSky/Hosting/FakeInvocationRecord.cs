namespace SkyDeck.FakeSky;

/// <summary>
/// One line of <c>invocations.jsonl</c>: a sky-compatible invocation (ctl calls are not logged), with the niceness the
/// process ran at (Linux; null elsewhere) so tests can see which calls SkyDeck started under <c>nice</c>.
/// </summary>
public sealed record FakeInvocationRecord(DateTimeOffset At, IReadOnlyList<string> Argv, int Pid, int? Nice = null);
