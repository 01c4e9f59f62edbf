using System.Text.RegularExpressions;

namespace SkyDeck.FakeSky.Control;

/// <summary>Shell-style globs (<c>*</c>, <c>?</c>) as used by script rules and <c>sky status/stop/down</c> cluster names.</summary>
internal static class Glob
{
    public static bool IsMatch(string pattern, string text)
    {
        var regex = "^" + Regex.Escape(pattern).Replace(@"\*", ".*", StringComparison.Ordinal).Replace(@"\?", ".", StringComparison.Ordinal) + "$";
        return Regex.IsMatch(text, regex, RegexOptions.CultureInvariant | RegexOptions.Singleline);
    }
}
