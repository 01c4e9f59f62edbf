using System.Text;
using SkyDeck.Actors.Core;

namespace SkyDeck.Actors.Core;

/// <summary>
/// POSIX <c>sh</c> quoting, the same rule as Python's <c>shlex.quote</c> restricted to ASCII: a non-empty token of
/// <c>[A-Za-z0-9_@%+=:,./-]</c> stays as it is, anything else is wrapped in single quotes with each <c>'</c> written
/// as <c>'"'"'</c>, and the empty token becomes <c>''</c>. A NUL cannot be passed to a process, so a token holding
/// one is rejected with <see cref="ArgumentException"/>.
/// </summary>
public static class ShellQuote
{
    public static string Quote(string token)
    {
        ArgumentNullException.ThrowIfNull(token);
        if (token.Contains('\0', StringComparison.Ordinal))
        {
            throw new ArgumentException("A shell token cannot contain a NUL character.", nameof(token));
        }

        if (token.Length == 0)
        {
            return "''";
        }

        if (token.All(IsSafe))
        {
            return token;
        }

        return new StringBuilder(token.Length + 2)
            .Append('\'')
            .Append(token.Replace("'", "'\"'\"'", StringComparison.Ordinal))
            .Append('\'')
            .ToString();
    }

    public static string Join(IEnumerable<string> tokens)
    {
        ArgumentNullException.ThrowIfNull(tokens);
        return string.Join(' ', tokens.Select(Quote));
    }

    private static bool IsSafe(char c) =>
        c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or (>= '0' and <= '9')
            or '_' or '@' or '%' or '+' or '=' or ':' or ',' or '.' or '/' or '-';
}
