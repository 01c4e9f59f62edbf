using System.Text.Json;
using SkyDeck.Host.Cli;

namespace SkyDeck.Host.Tests.Cli.Client;

/// <summary>The client's pure parts: the filter language (as filter.js), the fitted table, the log-tail merge.</summary>
public sealed class ClientPartsTests
{
    private static readonly JsonElement Exp = JsonDocument.Parse("""
        {"id": "grid_n2_l4", "name": "Grid 2x4", "run_name": "me.grid", "current_state": "RUNNING", "desired_state": "RUNNING",
         "nodes": 2, "gpus": 8, "tags": ["sweep", "ppo"], "needs_restart": false, "deleted": false, "group": null,
         "current_job": {"status": "RUNNING", "phase": "SUBMITTED"},
         "flags": {"trainer.lr": 0.003, "policy.layers": 4, "trainer.name": "ppo-v2", "debug": true}}
        """).RootElement;

    [Theory]
    [InlineData("", true)]
    [InlineData("grid", true)]
    [InlineData("GRID 2x4", true)]
    [InlineData("nothing", false)]
    [InlineData("state=running", true)]
    [InlineData("state=RUNNING gpus>=8", true)]
    [InlineData("gpus>8", false)]
    [InlineData("lr<0.01", true)]
    [InlineData("trainer.lr=0.003", true)]
    [InlineData("flag.layers=4", true)]
    [InlineData("layers!=4", false)]
    [InlineData("missing!=1", true)]
    [InlineData("name=ppo-*", true)]
    [InlineData("id=grid_*_l4", true)]
    [InlineData("tag=ppo", true)]
    [InlineData("job=RUNNING", true)]
    [InlineData("has:debug", true)]
    [InlineData("-has:debug", false)]
    [InlineData("restart=false deleted=false", true)]
    [InlineData("group=x", false)]
    [InlineData("\"Grid 2x4\"", true)]
    public void GivenAFilter_ThenItSelectsAsTheDashboardDoes(string filter, bool matches) =>
        Assert.Equal(matches, ExperimentFilter.Compile(filter)(Exp));

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
