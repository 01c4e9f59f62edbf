using System.Text.RegularExpressions;

namespace SkyDeck.Actors.Core;

/// <summary>
/// Experiment ids are SkyPilot-valid names because they become cluster and job names
/// (<c>skydeck-{id}</c>, <c>skydeck-{id}-g{generation}-{n}</c>).
/// </summary>
public static partial class ExperimentId
{
    public const int MaxLength = 48;

    /// <summary>Taken by SkyDeck itself: <c>experiment-directory</c> is the persistence id of the experiment directory.</summary>
    public const string Reserved = "directory";

    /// <summary>SkyPilot warns that a cluster name with one of these endings "looks like a file path" (any case).</summary>
    public static readonly IReadOnlyList<string> FileLikeSuffixes = [".yaml", ".yml", ".json"];

    /// <summary>The pattern an id matches, unanchored: the same text in .NET and ECMAScript (the dashboard gets it from /api/meta).</summary>
    public const string PatternBody = "[a-zA-Z]([-_.a-zA-Z0-9]*[a-zA-Z0-9])?";

    [GeneratedRegex("^" + PatternBody + @"\z", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();

    /// <summary>Null when valid, else a sentence saying what is wrong.</summary>
    public static string? Validate(string? id)
    {
        if (string.IsNullOrEmpty(id)) return "is required";
        if (id.Length > MaxLength) return $"must be at most {MaxLength} characters (got {id.Length})";
        if (!Pattern().IsMatch(id))
            return "must start with a letter, end with a letter or digit, and contain only letters, digits, '-', '_' and '.'";
        if (id == Reserved) return $"'{Reserved}' is reserved by SkyDeck; choose another id";
        if (FileLikeSuffixes.FirstOrDefault(suffix => id.EndsWith(suffix, StringComparison.OrdinalIgnoreCase)) is { } suffix)
            return $"must not end in '{suffix}': SkyPilot takes a cluster name ending in .yaml, .yml or .json for a file path";
        return null;
    }

    public static bool IsValid(string? id) => Validate(id) is null;
}
