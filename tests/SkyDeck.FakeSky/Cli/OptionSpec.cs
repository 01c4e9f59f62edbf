namespace SkyDeck.FakeSky.Cli;

/// <summary>How many values an option takes.</summary>
internal enum OptionArity
{
    /// <summary>A boolean flag (possibly with an "off" spelling such as <c>--no-use-spot</c>).</summary>
    Flag,

    /// <summary>One value; given twice, the last one wins (Click semantics).</summary>
    Single,

    /// <summary>Repeatable; every occurrence is kept (<c>--env A=1 --env B=2</c>).</summary>
    Multiple,
}

/// <summary>A Click-style option declaration: the spellings, the arity and how to validate the value.</summary>
/// <param name="Key">Name under which the parsed value is stored.</param>
/// <param name="Names">Spellings that set the option (or turn the flag on).</param>
internal sealed record OptionSpec(string Key, IReadOnlyList<string> Names, OptionArity Arity, string Help)
{
    /// <summary>Spellings that turn a flag off (<c>--no-use-spot</c>, <c>-no-d</c>).</summary>
    public IReadOnlyList<string> OffNames { get; init; } = [];

    public string Metavar { get; init; } = "TEXT";

    public IReadOnlyList<string>? Choices { get; init; }

    public bool IsInteger { get; init; }

    /// <summary>Accepted but left out of <c>--help</c>, like SkyPilot's deprecated <c>--cloud/--region/--zone</c>.</summary>
    public bool Hidden { get; init; }

    public IEnumerable<string> AllNames => Names.Concat(OffNames);

    /// <summary>How Click names the option in error messages: <c>'-o' / '--output'</c>.</summary>
    public string ErrorName => string.Join(" / ", Names.Select(n => $"'{n}'"));

    /// <summary>The left column of <c>--help</c>: <c>-o, --output [table|json]</c>.</summary>
    public string HelpInvocation
    {
        get
        {
            var names = string.Join(", ", Names);
            if (OffNames.Count > 0)
            {
                names += " / " + string.Join(", ", OffNames);
            }

            return Arity == OptionArity.Flag ? names : $"{names} {Metavar}";
        }
    }

    public static OptionSpec Flag(string key, string help, params string[] names) =>
        new(key, names, OptionArity.Flag, help);

    public static OptionSpec Switch(string key, string help, string[] on, string[] off) =>
        new(key, on, OptionArity.Flag, help) { OffNames = off };

    public static OptionSpec Text(string key, string help, params string[] names) =>
        new(key, names, OptionArity.Single, help);

    public static OptionSpec Integer(string key, string help, params string[] names) =>
        new(key, names, OptionArity.Single, help) { IsInteger = true, Metavar = "INTEGER" };

    public static OptionSpec Choice(string key, string help, string[] choices, params string[] names) =>
        new(key, names, OptionArity.Single, help) { Choices = choices, Metavar = $"[{string.Join('|', choices)}]" };

    public static OptionSpec Many(string key, string help, params string[] names) =>
        new(key, names, OptionArity.Multiple, help);
}
