using System.Globalization;

namespace SkyDeck.Actors.Core;

/// <summary>
/// Which characters user text may hold. Text shown in the table or sent to <c>sky</c> must look like what it is:
/// control characters, invisible format characters (zero-width spaces and joiners, the BOM, soft hyphens) and
/// bidirectional overrides and isolates (U+202A–U+202E, U+2066–U+2069, which can make <c>rm -rf</c> read as
/// something else) are refused, as are line and paragraph separators and lone surrogates.
/// </summary>
public static class SafeText
{
    /// <summary>Null when <paramref name="value"/> is safe, else a sentence naming the first offending character and where it is.</summary>
    public static string? Problem(string value, bool allowNewlines = false)
    {
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (char.IsHighSurrogate(c) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
            {
                if (CharUnicodeInfo.GetUnicodeCategory(value, i) == UnicodeCategory.Format) return Describe(value, i, "an invisible format character");
                i++;
                continue;
            }

            var what = c switch
            {
                '\n' or '\r' or '\t' when allowNewlines => null,
                _ when char.IsSurrogate(c) => "a lone surrogate (not valid Unicode)",
                _ when char.IsControl(c) => "a control character",
                >= '\u202A' and <= '\u202E' or >= '\u2066' and <= '\u2069' or '\u200E' or '\u200F' or '\u061C' => "a bidirectional control character",
                '\u2028' or '\u2029' => "a line or paragraph separator",
                _ when CharUnicodeInfo.GetUnicodeCategory(c) == UnicodeCategory.Format => "an invisible format character",
                _ => null,
            };
            if (what is not null) return Describe(value, i, what);
        }

        return null;
    }

    public static bool IsSafe(string value, bool allowNewlines = false) => Problem(value, allowNewlines) is null;

    private static string Describe(string value, int index, string what)
    {
        var code = char.IsSurrogate(value[index]) && index + 1 < value.Length && char.IsSurrogatePair(value[index], value[index + 1])
            ? char.ConvertToUtf32(value[index], value[index + 1])
            : value[index];
        return string.Create(CultureInfo.InvariantCulture, $"must not contain {what} (U+{code:X4} at position {index + 1})");
    }
}
