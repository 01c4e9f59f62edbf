namespace SkyDeck.FakeSky.Cli;

/// <summary>A positional argument. A variadic argument swallows every remaining positional token.</summary>
internal sealed record ArgumentSpec(string Name, bool Required, bool Variadic = false, bool IsInteger = false)
{
    /// <summary>How the argument appears in the usage line: <c>CLUSTER</c>, <c>[JOB_ID]</c>, <c>[CLUSTERS]...</c>.</summary>
    public string UsageText => (Required ? Name : $"[{Name}]") + (Variadic ? "..." : string.Empty);
}
