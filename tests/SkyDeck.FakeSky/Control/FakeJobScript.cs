namespace SkyDeck.FakeSky.Control;

/// <summary>
/// A status script for jobs whose name matches <paramref name="Match"/> (<c>*</c> and <c>?</c> wildcards).
/// <paramref name="ExitCodes"/>: what a failed job's <c>failed with return code list</c> says (one per node; default
/// <c>[1]</c>); <paramref name="LogLines"/>: the program's own output, printed by <c>sky logs</c> instead of made-up lines.
/// </summary>
public sealed record FakeJobScript(string Match, IReadOnlyList<string> Statuses, IReadOnlyList<int>? ExitCodes = null, IReadOnlyList<string>? LogLines = null);
