using System.Text.Json;
using SkyDeck.Host.Cli;

namespace SkyDeck.Host.Tests.Cli.Client;

/// <summary>The client's pure parts: the fitted table, the show view, the log-tail merge (the filter language is the server's: ExperimentFilterTests).</summary>
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

    [Fact]
    public void GivenARunThatWasPreemptedTwiceThenGaveUp_WhenShown_ThenTheStripCausesRetryPolicyCostCountedOnAndBudgetArePrinted()
    {
        using var status = JsonDocument.Parse("""
            {"experiment": {"id": "bert_ft", "current_state": "FAILED", "desired_state": "RUNNING", "nodes": 1, "gpus": 4,
              "attempts": [{"attempt": 1, "outcome": "preempted", "exit_code": null}, {"attempt": 2, "outcome": "preempted", "exit_code": null},
                           {"attempt": 3, "outcome": "user_error", "exit_code": 1}],
              "restarts_used": 1, "max_restarts": 0,
              "retry": {"max_restarts_on_errors": 0, "recover_on_exit_codes": [137], "on_preemption": "always"},
              "cost": {"gpu_hours": 0.166406, "overhead_gpu_hours": 0.087729, "usd": 0.682266, "unpriced_gpu_hours": 0, "gpus_accruing": 4, "usd_per_hour": 16.4, "as_of": "1970-01-01T00:00:00Z"},
              "budget": {"gpu_hours": 12.5, "usd": 50}, "budget_reached": true},
             "recent_jobs": [{"job_id": "bert_ft-g1-3", "sky_job_id": 1, "status": "FAILED", "cause": "user error (exit 1)", "duration_seconds": 4.5,
                              "cost": {"gpu_hours": 0.005054}, "reason": "SkyPilot reported FAILED"}]}
            """);
        var output = new StringWriter();

        ExperimentView.Show(status.RootElement, DateTimeOffset.UnixEpoch.AddMinutes(15), output); // counted on 15 min past as_of

        var text = output.ToString();
        Assert.Contains("attempts:      ✗pre ✗pre ✗exit 1 · 1 restart used of 0", text);
        Assert.Contains("retry:         0 restarts on errors, exit codes 137 always retried, on preemption always", text);
        Assert.Contains("cost:          1.17 GPU-h · $4.78 (overhead 0.09 GPU-h: cluster time outside jobs) · accruing 4 GPUs, $16.40/h", text);
        Assert.Contains("budget:        12.5 GPU-h or $50.00 — reached, so SkyDeck stopped it", text);
        Assert.Matches(@"bert_ft-g1-3\s+1\s+FAILED\s+user error \(exit 1\)\s+-\s+4s\s+0\.01\s+SkyPilot reported FAILED", text);
    }
}
