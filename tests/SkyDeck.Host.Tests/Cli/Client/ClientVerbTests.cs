using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using SkyDeck.Host.Tests.Support;
using SkyDeck.Testing;

namespace SkyDeck.Host.Tests.Cli.Client;

/// <summary>Every client verb against a real server over HTTP: output, --json, filters, confirmation and exit codes.</summary>
public sealed class ClientVerbTests(CliServer server) : IClassFixture<CliServer>
{
    [Fact]
    public async Task GivenExperiments_WhenLs_ThenATableFittedToTheWidthAndJsonAndTheDashboardFilterSelect()
    {
        var prefix = server.NewId("ls");
        await server.CreateAsync($"{prefix}-a", new { gpus = 8, flags = new { lr = 0.01 } });
        await server.CreateAsync($"{prefix}-b", new { gpus = 1, name = "A rather long experiment name that does not fit a narrow terminal", flags = new { lr = 0.5 } });

        var table = await server.RunAsync(["ls"]);
        var narrow = await server.RunAsync(["ls"], columns: 40);
        var json = await server.RunAsync(["ls", "--json", $"id={prefix}*", "gpus>=4"]);
        var byFlag = await server.RunAsync(["ls", prefix, "lr>0.1"]);

        Assert.True(table.ExitCode == 0, table.ToString());
        var lines = table.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("ID", lines[0]);
        Assert.Contains("CURRENT", lines[0]);
        Assert.Contains(lines, l => l.StartsWith($"{prefix}-a ", StringComparison.Ordinal));
        Assert.All(narrow.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries), l => Assert.True(l.Length <= 40, $"'{l}' is wider than 40"));
        Assert.Contains("CURRENT", narrow.Stdout);
        var selected = JsonDocument.Parse(json.Stdout).RootElement.EnumerateArray().Select(e => e.GetProperty("id").GetString()).ToList();
        Assert.Equal([$"{prefix}-a"], selected);
        Assert.Contains($"{prefix}-b", byFlag.Stdout);
        Assert.DoesNotContain($"{prefix}-a ", byFlag.Stdout);
    }

    [Fact]
    public async Task GivenAFilterMatchingNothing_WhenLs_ThenItSaysSoAndExits0()
    {
        var run = await server.RunAsync(["ls", "id=nothing-like-this"]);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("No experiments match", run.Stdout);
    }

    [Fact]
    public async Task GivenAnExperiment_WhenShow_ThenItsStateFlagsAndJsonArePrinted_AndAnUnknownIdExits1()
    {
        var id = server.NewId("show");
        await server.CreateAsync(id, new { flags = new { lr = 0.25 } });

        var shown = await server.RunAsync(["show", id]);
        var json = await server.RunAsync(["show", id, "--json"]);
        var missing = await server.RunAsync(["show", "no-such-experiment"]);

        Assert.True(shown.ExitCode == 0, shown.ToString());
        Assert.Contains($"id:            {id}", shown.Stdout);
        Assert.Contains("lr = 0.25", shown.Stdout);
        Assert.Contains("(desired STOPPED)", shown.Stdout);
        Assert.Equal(id, JsonDocument.Parse(json.Stdout).RootElement.GetProperty("experiment").GetProperty("id").GetString());
        Assert.Equal(1, missing.ExitCode);
        Assert.Contains("not found", missing.Stderr);
    }

    [Fact]
    public async Task GivenOneId_WhenStartThenStop_ThenTheDesiredStateChangesWithoutAskingAndTheReasonIsRecorded()
    {
        var id = server.NewId("start");
        await server.CreateAsync(id);

        var start = await server.RunAsync(["start", id, "--reason", "from the terminal"]);
        var afterStart = await server.GetAsync(id);
        var stop = await server.RunAsync(["stop", id]);
        var afterStop = await server.GetAsync(id);
        var events = await server.RunAsync(["events", id]);

        Assert.True(start.ExitCode == 0, start.ToString());
        Assert.Contains($"{id}: desired RUNNING", start.Stdout);
        Assert.Equal("RUNNING", afterStart.GetProperty("desired_state").GetString());
        Assert.True(stop.ExitCode == 0, stop.ToString());
        Assert.Equal("STOPPED", afterStop.GetProperty("desired_state").GetString());
        Assert.Contains("desired_state_changed", events.Stdout);
        Assert.Contains("from the terminal", events.Stdout);
    }

    [Fact]
    public async Task GivenSeveralIds_WhenStartWithoutYesAndNoAnswer_ThenAbortedWithExit1AndNothingChanges()
    {
        var a = server.NewId("bulk");
        var b = server.NewId("bulk");
        await server.CreateAsync(a);
        await server.CreateAsync(b);

        var declined = await server.RunAsync(["start", a, b]);
        var unchanged = await server.GetAsync(a);
        var confirmed = await server.RunAsync(["start", a, b], stdin: "y\n");
        var started = await server.GetAsync(b);
        var yes = await server.RunAsync(["stop", a, b, "-y"]);

        Assert.Equal(1, declined.ExitCode);
        Assert.Contains("Starting 2 experiments", declined.Stdout);
        Assert.Contains("Aborted!", declined.Stderr);
        Assert.Equal("STOPPED", unchanged.GetProperty("desired_state").GetString());
        Assert.True(confirmed.ExitCode == 0, confirmed.ToString());
        Assert.Equal("RUNNING", started.GetProperty("desired_state").GetString());
        Assert.True(yes.ExitCode == 0, yes.ToString());
        Assert.DoesNotContain("Proceed?", yes.Stdout);
        Assert.Equal("STOPPED", (await server.GetAsync(b)).GetProperty("desired_state").GetString());
    }

    [Fact]
    public async Task GivenAFilter_WhenRestartWithYes_ThenEveryMatchingExperimentRunsAgain()
    {
        var prefix = server.NewId("restart");
        await server.CreateAsync($"{prefix}-x", new { desired_state = "RUNNING" });
        await server.CreateAsync($"{prefix}-y", new { desired_state = "RUNNING" });
        var before = (await server.GetAsync($"{prefix}-x")).GetProperty("run").GetInt32();

        var run = await server.RunAsync(["restart", "--filter", $"id={prefix}-*", "-y"]);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains($"{prefix}-x: restarting", run.Stdout);
        Assert.Contains($"{prefix}-y: restarting", run.Stdout);
        Assert.True((await server.GetAsync($"{prefix}-x")).GetProperty("run").GetInt32() > before);
    }

    [Fact]
    public async Task GivenRm_WhenConfirmedOnStdin_ThenDeleted_AndAMissingIdAmongThemExits1AfterTryingTheRest()
    {
        var id = server.NewId("rm");
        var other = server.NewId("rm");
        await server.CreateAsync(id);
        await server.CreateAsync(other);

        var declined = await server.RunAsync(["rm", id], stdin: "n\n");
        var removed = await server.RunAsync(["rm", id], stdin: "\n");
        var partly = await server.RunAsync(["rm", "no-such-rm", other, "-y"]);

        Assert.Equal(1, declined.ExitCode);
        Assert.Contains("Deleting 1 experiment: " + id, declined.Stdout);
        Assert.True(removed.ExitCode == 0, removed.ToString());
        Assert.True((await server.GetAsync(id)).GetProperty("deleted").GetBoolean());
        Assert.Equal(1, partly.ExitCode);
        Assert.Contains("no-such-rm", partly.Stderr);
        Assert.True((await server.GetAsync(other)).GetProperty("deleted").GetBoolean());
    }

    [Fact]
    public async Task GivenRmWithoutIds_ThenUsageError2()
    {
        var run = await server.RunAsync(["rm"]);

        Assert.Equal(2, run.ExitCode);
    }

    [Fact]
    public async Task GivenIdsAndAServerOption_WhenStop_ThenUsageError2()
    {
        var run = await server.RunAsync(["stop", "some-id", "--force"]);

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("--force", run.Stderr);
    }

    [Fact]
    public async Task GivenTheGlobalLog_WhenEventsFollow_ThenANewChangeIsPrintedAsItHappens_AndCtrlCEndsWith0()
    {
        var id = server.NewId("follow");
        await server.CreateAsync(id);
        var last = await server.RunAsync(["events", "-n", "1", "--json"]);
        Assert.True(last.ExitCode == 0, last.ToString());
        Assert.Single(last.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries));

        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var follow = server.Start(["events", id, "--follow", "-n", "0"], stdout, stderr, ct: stop.Token);
        var feed = server.App.Services.GetRequiredService<SkyDeck.Host.Api.LiveFeed>();
        await Eventually.Until(() => feed.Clients > 0 || follow.IsCompleted, "the follower subscribes to the live stream");
        var response = await server.Client.PostJsonAsync($"/api/experiments/{id}/state", new System.Text.Json.Nodes.JsonObject { ["desired_state"] = "RUNNING", ["reason"] = "follow me" });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await Eventually.Until(() => Printed(stdout).Contains("follow me", StringComparison.Ordinal) || follow.IsCompleted, "the follower prints the change", TimeSpan.FromSeconds(30));
        await stop.CancelAsync();

        Assert.Equal(0, await follow);
        Assert.Contains("desired_state_changed", Printed(stdout));
        Assert.DoesNotContain("experiment_created", Printed(stdout));
    }

    [Fact]
    public async Task GivenAJob_WhenLogsId_ThenItsLogIsShownAndAnUnknownExperimentIsNamedWithExit1()
    {
        var id = server.NewId("logs");
        await server.CreateAsync(id, new { desired_state = "RUNNING" });
        await Eventually.Until(() => server.GetAsync(id), e => e.GetProperty("current_job").ValueKind == JsonValueKind.Object, $"{id} has a job");

        var run = await server.RunAsync(["logs", id, "-n", "20"]);
        var noJob = await server.RunAsync(["logs", "no-such-logs"]);

        Assert.True(run.ExitCode == 0, $"exit {run.ExitCode}: {run.Stderr}");
        Assert.DoesNotContain("does not serve job logs", run.Stderr);
        Assert.Equal(1, noJob.ExitCode);
        Assert.Contains("not found", noJob.Stderr);
    }

    [Fact]
    public async Task GivenNoId_WhenLogs_ThenItIsStillTheServerLog()
    {
        var run = await server.RunAsync(["logs"], withUrl: false);

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("no log yet", run.Stderr);
    }

    [Fact]
    public async Task GivenNoServerRecordedAndNoUrl_WhenLs_ThenExit3WithAHintToStartIt()
    {
        var run = await server.RunAsync(["ls"], withUrl: false);

        Assert.Equal(3, run.ExitCode);
        Assert.Contains("skydeck start", run.Stderr);
    }

    [Fact]
    public async Task GivenAUrlWhereNothingListens_WhenShow_ThenExit3NamingTheUrl()
    {
        var dead = $"http://127.0.0.1:{SkyDeckProgram.FreePort()}";

        var run = await server.RunAsync(["show", "x", "--url", dead], withUrl: false);

        Assert.Equal(3, run.ExitCode);
        Assert.Contains($"cannot reach SkyDeck at {dead}", run.Stderr);
    }

    [Fact]
    public async Task GivenExperiments_WhenCompletingAnId_ThenTheServersIdsWithThatPrefixAreOffered()
    {
        var prefix = server.NewId("complete");
        await server.CreateAsync($"{prefix}-one");
        await server.CreateAsync($"{prefix}-two");
        var root = SkyDeck.Host.Cli.SkyDeckCommandLine.Build(new SkyDeck.Host.Cli.CliConsole(TextWriter.Null, TextWriter.Null, false), server.Paths);

        var show = root.Parse($"show --url {server.Url} {prefix}-").GetCompletions().Select(c => c.Label).ToList();
        var stop = root.Parse($"stop --url {server.Url} {prefix}-t").GetCompletions().Select(c => c.Label).ToList();

        Assert.Equal([$"{prefix}-one", $"{prefix}-two"], show.Where(l => l.StartsWith(prefix, StringComparison.Ordinal)));
        Assert.Contains($"{prefix}-two", stop);
        Assert.DoesNotContain($"{prefix}-one", stop);
    }

    private static string Printed(StringWriter writer) => writer.ToString();
}
