using SkyDeck.Actors.SkyPilot;

namespace SkyDeck.Actors.Tests.Parsing;

public sealed class SkyLogsParserTests
{
    [Fact]
    public void GivenAFailedJobsLog_WhenParsed_ThenTheProseLineIsDroppedColoursKeptOtherEscapesRemovedAndTheExitCodeRead()
    {
        const string output = "\u001b[33mTailing logs of job 439 on cluster 'c1'...\u001b[0m\n(train, pid=1) step 1\u001b[2K\n(train, pid=1) \u001b[31mboom\u001b[0m\nERROR: Job 439 failed with return code list: [1]\n✓ Job finished (status: FAILED).\n";

        var tail = SkyLogsParser.Parse(output, 100);

        Assert.Equal(["(train, pid=1) step 1", "(train, pid=1) \u001b[31mboom\u001b[0m", "ERROR: Job 439 failed with return code list: [1]", "✓ Job finished (status: FAILED)."], tail.Lines.ToArray());
        Assert.Equal([1], tail.ExitCodes.ToArray());
        Assert.Equal(1, tail.ExitCode);
        Assert.False(tail.Truncated);
    }

    [Theory]
    [InlineData("ERROR: Job 7 failed with return code list: [137, 1, 137 137] (A worker failed with return code 1, SkyPilot cleaned up the processes on other nodes with return code 137)", 1)]
    [InlineData("ERROR: Job 7 failed with return code list: [137, 2, 137]", 2)]
    [InlineData("ERROR: Job 7 failed with return code list: [137, 137]", 137)]
    [InlineData("ERROR: Job 7 failed with return code list: []", null)]
    public void GivenAMultiNodeFailure_WhenParsed_ThenTheFailingWorkersCodeIsTheExitCode(string line, int? expected)
    {
        Assert.Equal(expected, SkyLogsParser.Parse(line, 10).ExitCode);
    }

    [Fact]
    public void GivenMoreLinesThanAsked_WhenParsed_ThenTheLastOnesAreKeptAndMarkedTruncated()
    {
        var output = string.Join("\r\n", Enumerable.Range(1, 50).Select(i => $"line {i}"));

        var tail = SkyLogsParser.Parse(output, 10);

        Assert.Equal(10, tail.Lines.Length);
        Assert.Equal("line 50", tail.Lines[^1]);
        Assert.True(tail.Truncated);
        Assert.Empty(tail.ExitCodes);
    }

    [Fact]
    public void GivenASucceededJob_WhenParsed_ThenNoExitCode()
    {
        var tail = SkyLogsParser.Parse("Tailing logs of job 3 on cluster 'c'...\n(x, pid=2) done.\n✓ Job finished (status: SUCCEEDED).", 1000);

        Assert.Null(tail.ExitCode);
        Assert.Equal(2, tail.Lines.Length);
    }
}
