using System.Diagnostics;
using System.Text;
using CsCheck;
using SkyDeck.Actors.Core;
using SkyDeck.Actors.SkyPilot;

namespace SkyDeck.Actors.Tests.Parsing;

public sealed class ShellQuoteTests
{
    private const string Safe = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_@%+=:,./-";

    private static readonly Gen<string> Piece = Gen.OneOf(
        Gen.Char[Safe].Select(c => c.ToString()),
        Gen.Char[" \t\n\r'\"$`\\;&|<>(){}[]*?!#~^"].Select(c => c.ToString()),
        Gen.OneOfConst("é", "漢字", "🚀", "\u00A0", "$(echo pwned)", "`id`", "'\"'\"'", "--", "-n", "${HOME}", "\\'", "''", "\x01"),
        Gen.Char['\u0001', '\uD7FF'].Select(c => c.ToString()));

    private static readonly Gen<string> Token = Piece.Array[0, 8].Select(string.Concat);

    [Theory]
    [InlineData("", "''")]
    [InlineData("sky-exp1-g2", "sky-exp1-g2")]
    [InlineData("KEY=value", "KEY=value")]
    [InlineData("s3://bucket/path,x:y@z%1+2", "s3://bucket/path,x:y@z%1+2")]
    [InlineData("hello world", "'hello world'")]
    [InlineData("it's", "'it'\"'\"'s'")]
    [InlineData("$HOME", "'$HOME'")]
    [InlineData("~", "'~'")]
    [InlineData("é", "'é'")]
    public void GivenAToken_WhenQuoted_ThenPosixQuoting(string token, string expected)
    {
        Assert.Equal(expected, ShellQuote.Quote(token));
    }

    [Fact]
    public void GivenTokens_WhenJoined_ThenQuotedAndSpaceSeparated()
    {
        Assert.Equal("sky launch -c 'my cluster' -- 'python train.py --lr 0.1'",
            ShellQuote.Join(["sky", "launch", "-c", "my cluster", "--", "python train.py --lr 0.1"]));
    }

    [Fact]
    public void GivenATokenWithNul_WhenQuoted_ThenArgumentException()
    {
        Assert.Throws<ArgumentException>(() => ShellQuote.Quote("a\0b"));
    }

    [Fact]
    public void GivenArbitraryTokens_WhenQuoted_ThenNoMetacharacterIsOutsideQuotesAndItUnquotesBack()
    {
        Token.Sample(token =>
        {
            var quoted = ShellQuote.Quote(token);
            Assert.Equal(token, Unquote(quoted));
            if (token.Length > 0 && token.All(Safe.Contains))
            {
                Assert.Equal(token, quoted);
            }
        }, iter: 5_000);
    }

    [Fact]
    public void GivenArbitraryTokens_WhenJoinedAndParsedByBinSh_ThenTheShellSeesTheOriginalArguments()
    {
        Token.Array[1, 6].Sample(tokens =>
        {
            Assert.Equal(tokens, RunPrintf(ShellQuote.Join(tokens)));
        }, iter: 150, threads: 1);
    }

    private static string[] RunPrintf(string quotedArguments)
    {
        var start = new ProcessStartInfo("/bin/sh")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            StandardOutputEncoding = new UTF8Encoding(false),
            UseShellExecute = false,
        };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add("printf '%s\\0' " + quotedArguments);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEnd();
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, error);
        return output.Split('\0')[..^1];
    }

    private static string Unquote(string quoted)
    {
        var result = new StringBuilder();
        var i = 0;
        while (i < quoted.Length)
        {
            var c = quoted[i];
            if (c == '\'')
            {
                var close = quoted.IndexOf('\'', i + 1);
                Assert.True(close > i, $"unterminated single quote in {quoted}");
                result.Append(quoted, i + 1, close - i - 1);
                i = close + 1;
            }
            else if (c == '"')
            {
                Assert.True(quoted.Length > i + 2 && quoted[i + 1] == '\'' && quoted[i + 2] == '"', $"unexpected double quote in {quoted}");
                result.Append('\'');
                i += 3;
            }
            else
            {
                Assert.True(Safe.Contains(c), $"unquoted metacharacter {(int)c:x4} in {quoted}");
                result.Append(c);
                i++;
            }
        }

        return result.ToString();
    }
}
