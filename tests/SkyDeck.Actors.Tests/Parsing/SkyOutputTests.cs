using SkyDeck.Actors.Core;
using SkyDeck.Actors.SkyPilot;
using static SkyDeck.Actors.Tests.Parsing.SkyFixture;

namespace SkyDeck.Actors.Tests.Parsing;

public sealed class SkyOutputTests
{
    [Theory]
    [InlineData("\u001b[32mUP\u001b[0m", "UP")]
    [InlineData("\u001b[36m\u001b[1mClusters\u001b[0m", "Clusters")]
    [InlineData("\u001b[?25l\u001b[2K⠸ spin\u001b[?25h", "⠸ spin")]
    [InlineData("\u001b]8;;https://x\u001b\\link\u001b]8;;\u001b\\", "link")]
    [InlineData("\u001b(Bplain\u001b[m", "plain")]
    [InlineData("a\r\nb\rc", "a\nb\nc")]
    public void GivenEscapesAndCarriageReturns_WhenStripAnsi_ThenOnlyTextAndNewlinesRemain(string raw, string expected)
    {
        Assert.Equal(expected, SkyOutput.StripAnsi(raw));
    }

    [Fact]
    public void GivenProseAroundATable_WhenReadTable_ThenRowsAreSlicedByHeaderOffsetsUntilTheBlankLine()
    {
        var lines = SkyOutput.Lines(
            "Enabled Infra: aws\n\nNAME  INFRA            STATUS  AUTOSTOP\n" +
            "a     AWS (us-east-1)  UP      10m (down)\nbb    Kubernetes       INIT\n\n" +
            "NAME  STATUS\nnot  me\n");

        var header = SkyOutput.FindHeader(lines, 0, lines.Length, "NAME", "STATUS");
        var (rows, end) = SkyOutput.ReadTable(lines, header, lines.Length);

        Assert.Equal(2, header);
        Assert.Equal(5, end);
        Assert.Equal(["AWS (us-east-1)", "Kubernetes"], rows.Select(r => r["INFRA"]));
        Assert.Equal(["10m (down)", ""], rows.Select(r => r["AUTOSTOP"]));
        Assert.Equal(["UP", "INIT"], rows.Select(r => r["STATUS"]));
    }

    [Fact]
    public void GivenAProseLineRightAfterTheRows_WhenReadTable_ThenTheTableStopsThere()
    {
        var lines = SkyOutput.Lines("ID  NAME  STATUS\n1   a     RUNNING\nNote: Job queues are not supported on clusters: x\n");

        var (rows, end) = SkyOutput.ReadTable(lines, 0, lines.Length);

        Assert.Single(rows);
        Assert.Equal(2, end);
    }

    [Fact]
    public void GivenNoMatchingHeader_WhenFindHeader_ThenMinusOne()
    {
        Assert.Equal(-1, SkyOutput.FindHeader(SkyOutput.Lines(Load("queue-garbage.txt")), 0, 10, "ID", "STATUS"));
    }

    [Theory]
    [InlineData("a few secs ago", -5)]
    [InlineData("34 secs ago", -34)]
    [InlineData("1 min ago", -60)]
    [InlineData("5 mins ago", -300)]
    [InlineData("an hour ago", -3600)]
    [InlineData("1 hr ago", -3600)]
    [InlineData("2 hrs ago", -7200)]
    [InlineData("1 day ago", -86400)]
    [InlineData("2 weeks ago", -1209600)]
    [InlineData("< 1 second", 0)]
    [InlineData("in 2 mins", 120)]
    public void GivenSkyRelativeTime_WhenParsed_ThenOffsetFromNow(string text, int seconds)
    {
        Assert.Equal(Now.AddSeconds(seconds), SkyOutput.ParseRelativeTime(text, Now));
    }

    [Theory]
    [InlineData("-")]
    [InlineData("")]
    [InlineData("yesterday-ish")]
    public void GivenMissingOrUnknownRelativeTime_WhenParsed_ThenNull(string text)
    {
        Assert.Null(SkyOutput.ParseRelativeTime(text, Now));
    }

    [Theory]
    [InlineData("4m 29s", 269)]
    [InlineData("1h 2m 23s", 3743)]
    [InlineData("3s", 3)]
    [InlineData("1d 21h 11m 4s", 162664)]
    [InlineData("< 1s", 0)]
    public void GivenSkyDuration_WhenParsed_ThenTimeSpan(string text, int seconds)
    {
        Assert.Equal(TimeSpan.FromSeconds(seconds), SkyOutput.ParseDuration(text));
    }

    [Theory]
    [InlineData("-")]
    [InlineData("")]
    [InlineData("4m x 29s")]
    [InlineData("soon")]
    public void GivenMissingOrUnknownDuration_WhenParsed_ThenNull(string text)
    {
        Assert.Null(SkyOutput.ParseDuration(text));
    }
}
