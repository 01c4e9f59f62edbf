using SkyDeck.Actors.Core;
using SkyDeck.Actors.SkyPilot;
using static SkyDeck.Actors.Tests.Parsing.SkyFixture;

namespace SkyDeck.Actors.Tests.Parsing;

public sealed class SkyLaunchParserTests
{
    [Theory]
    [InlineData("launch-transcript.txt", 1L)]
    [InlineData("launch-transcript-plain.txt", 1L)]
    [InlineData("launch-hint-only.txt", 42L)]
    [InlineData("launch-async.txt", null)]
    [InlineData("launch-no-capacity.txt", null)]
    public void GivenLaunchOutput_WhenParseJobId_ThenTheSubmittedJobId(string fixture, long? expected)
    {
        Assert.Equal(expected, SkyLaunchParser.ParseJobId(Load(fixture)));
    }

    [Theory]
    [InlineData("⚙︎ Job submitted, ID: \u001b[1m7\u001b[0m\n", 7L)]
    [InlineData("Job submitted, ID: 3\n\nJob ID: 4\n", 3L)]
    [InlineData("Managed Job ID: 5\n", null)]
    [InlineData("Job ID: 99999999999999999999999\n", null)]
    [InlineData("", null)]
    public void GivenEdgeCases_WhenParseJobId_ThenSubmittedLineWinsAndOnlyClusterJobIdsCount(string output, long? expected)
    {
        Assert.Equal(expected, SkyLaunchParser.ParseJobId(output));
    }
}
