using SkyDeck.Host.Cli;

namespace SkyDeck.Host.Tests.Cli.Client;

/// <summary>The client's pure parts: the fitted table, the log-tail merge (the filter language is the server's: ExperimentFilterTests).</summary>
public sealed class ClientPartsTests
{
    [Fact]
    public void GivenANarrowWidth_ThenLowPriorityColumnsGoFirstAndLongCellsAreCut()
    {
        TextColumn[] columns = [new("ID", 100, 4), new("NAME", 10, 6), new("STATE", 90, 5), new("NOTE", 1, 4)];
        var rows = new List<string[]> { new[] { "experiment-one", "a very long name indeed", "RUNNING", "some note" } };

        var wide = TextTable.Render(columns, rows, 200).ToList();
        var narrow = TextTable.Render(columns, rows, 40).ToList();
        var narrower = TextTable.Render(columns, rows, 20).ToList();

        Assert.Contains("some note", wide[1]);
        Assert.All(narrow, line => Assert.True(line.Length <= 40, line));
        Assert.Contains("RUNNING", narrow[1]);
        Assert.Contains("experiment-one", narrow[1]);
        Assert.All(narrower, line => Assert.True(line.Length <= 20, line));
        Assert.DoesNotContain("NOTE", narrower[0]);
        Assert.StartsWith("ID", narrower[0]);
    }

    [Theory]
    [InlineData("a b c", "b c d e", "d e")]
    [InlineData("a b c", "a b c", "")]
    [InlineData("a b", "x y", "x y")]
    [InlineData("", "a", "a")]
    public void GivenTwoTails_ThenOnlyTheNewLinesArePrinted(string before, string after, string expected)
    {
        var split = (string s) => s.Length == 0 ? new List<string>() : [.. s.Split(' ')];

        Assert.Equal(split(expected), JobLogCommand.New(split(before), split(after)));
    }
}
