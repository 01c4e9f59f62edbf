namespace SkyDeck.FakeSky.Control;

/// <summary>A status script for jobs whose name matches <paramref name="Match"/> (<c>*</c> and <c>?</c> wildcards).</summary>
public sealed record FakeJobScript(string Match, IReadOnlyList<string> Statuses);
