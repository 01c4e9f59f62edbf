namespace SkyDeck.FakeSky.Cli;

/// <summary>The result of parsing one subcommand's argv against its <see cref="CommandSpec"/>.</summary>
internal sealed class ParsedArgs(
    IReadOnlyDictionary<string, IReadOnlyList<string>> values,
    IReadOnlyDictionary<string, bool> flags,
    IReadOnlyList<string> positionals,
    bool helpRequested)
{
    public IReadOnlyList<string> Positionals { get; } = positionals;

    public bool HelpRequested { get; } = helpRequested;

    public bool Flag(string key, bool defaultValue = false) =>
        flags.TryGetValue(key, out var value) ? value : defaultValue;

    /// <summary>True when the flag was given in either its on or its off spelling.</summary>
    public bool HasFlag(string key) => flags.ContainsKey(key);

    public string? Value(string key) => values.TryGetValue(key, out var all) ? all[^1] : null;

    public IReadOnlyList<string> Values(string key) => values.TryGetValue(key, out var all) ? all : [];

    /// <summary>Integer options are validated while parsing, so this cannot fail.</summary>
    public int? Integer(string key) => Value(key) is { } text ? int.Parse(text, System.Globalization.CultureInfo.InvariantCulture) : null;
}
