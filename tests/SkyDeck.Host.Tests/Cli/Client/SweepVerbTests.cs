using System.Text.Json;
using SkyDeck.Testing;

namespace SkyDeck.Host.Tests.Cli.Client;

/// <summary><c>skydeck sweep</c> against a real server over HTTP: create (and preview), ls, show, refill, start/stop/terminate.</summary>
public sealed class SweepVerbTests(CliServer server) : IClassFixture<CliServer>
{
    private string WriteSweep(string id, params int[] seeds)
    {
        var file = Path.Combine(server.Paths.Home, $"{id}.json");
        File.WriteAllText(file, JsonSerializer.Serialize(new
        {
            id,
            name = $"grid {id}",
            template = new { base_command = "lt", gpus = 1, flags = new Dictionary<string, object> { ["trainer.losses.ppo.enabled"] = true } },
            axes = new Dictionary<string, object[]> { ["trainer.lr"] = [0.001, 0.0003], ["seed"] = [.. seeds.Cast<object>()] },
            desired_state = "STOPPED",
            budget = new { usd = 20, gpu_hours = 5 },
        }));
        return file;
    }

    private async Task<JsonElement> SweepAsync(string id) =>
        JsonDocument.Parse(await server.Client.GetStringAsync($"/api/sweeps/{id}")).RootElement;

    [Fact]
    public async Task GivenAFile_WhenCreateWithPreview_ThenTheCellsArePrintedAndNothingIsCreated_AndWithoutPreviewTheSweepExists()
    {
        var id = server.NewId("sw");
        var file = WriteSweep(id, 1, 2);

        var preview = await server.RunAsync(["sweep", "create", file, "--preview"]);
        var absent = await server.Client.GetAsync($"/api/sweeps/{id}");
        var created = await server.RunAsync(["sweep", "create", file]);
        var again = await server.RunAsync(["sweep", "create", file]);

        Assert.True(preview.ExitCode == 0, preview.ToString());
        Assert.Contains($"{id}: would change (preview, nothing changed): 4 create", preview.Stdout);
        Assert.Contains("seed=1 lr=0.001", preview.Stdout);
        Assert.Equal(System.Net.HttpStatusCode.NotFound, absent.StatusCode);
        Assert.True(created.ExitCode == 0, created.ToString());
        Assert.Contains($"{id}: done: 4 create", created.Stdout);
        Assert.Equal(4, (await SweepAsync(id)).GetProperty("cells").GetArrayLength());
        Assert.True(again.ExitCode == 0, again.ToString());
        Assert.Contains("4 unchanged", again.Stdout);
    }

    [Fact]
    public async Task GivenASweep_WhenLsAndShow_ThenItsProgressAndACellsTableFittedToTheWidth_AndAnUnknownIdExits1()
    {
        var id = server.NewId("sw");
        Assert.Equal(0, (await server.RunAsync(["sweep", "create", WriteSweep(id, 1, 2, 3)])).ExitCode);
        await Eventually.Until(() => SweepAsync(id), s => s.GetProperty("progress").GetProperty("created").GetInt32() == 6, $"{id}: six cells");

        var ls = await server.RunAsync(["sweep", "ls"]);
        var show = await server.RunAsync(["sweep", "show", id]);
        var narrow = await server.RunAsync(["sweep", "show", id], columns: 50);
        var json = await server.RunAsync(["sweep", "show", id, "--json"]);
        var missing = await server.RunAsync(["sweep", "show", "no-such-sweep"]);

        Assert.True(ls.ExitCode == 0, ls.ToString());
        Assert.StartsWith("ID", ls.Stdout);
        Assert.Contains(ls.Stdout.Split('\n'), l => l.StartsWith(id + " ", StringComparison.Ordinal) && l.Contains("0 (0%)", StringComparison.Ordinal));
        Assert.True(show.ExitCode == 0, show.ToString());
        Assert.Contains($"id:            {id}", show.Stdout);
        Assert.Contains("cells:         6 (6 created, 0 archived", show.Stdout);
        Assert.Contains("progress:      0 of 6 finished (0%)", show.Stdout);
        Assert.Contains("budget:        $0.00 of $20 · 0 of 5 GPU-h (left: $20.00, 5 GPU-h)", show.Stdout);
        Assert.Contains("cost:          0.00 GPU-h", show.Stdout);
        Assert.Contains("grid: trainer.lr = 0.001, 0.0003; seed = 1, 2, 3", show.Stdout);
        Assert.Contains(show.Stdout.Split('\n'), l => l.StartsWith("CELL", StringComparison.Ordinal) && l.Contains("VALUES", StringComparison.Ordinal));
        Assert.Contains("seed=3 lr=0.0003", show.Stdout);
        Assert.All(narrow.Stdout.Split('\n').SkipWhile(l => !l.StartsWith("CELL", StringComparison.Ordinal)).Where(l => l.Length > 0),
            l => Assert.True(l.Length <= 50, $"'{l}' is wider than 50"));
        Assert.Equal(6, JsonDocument.Parse(json.Stdout).RootElement.GetProperty("cells").GetArrayLength());
        Assert.Equal(1, missing.ExitCode);
        Assert.Contains("not found", missing.Stderr);
    }

    [Fact]
    public async Task GivenASweep_WhenStartStopTerminateAndRefill_ThenEveryCellFollows_AndPreviewChangesNothing()
    {
        var id = server.NewId("sw");
        Assert.Equal(0, (await server.RunAsync(["sweep", "create", WriteSweep(id, 1)])).ExitCode);

        var preview = await server.RunAsync(["sweep", "start", id, "--preview"]);
        Assert.True(preview.ExitCode == 0, preview.ToString());
        Assert.Contains("2 set desired", preview.Stdout);
        Assert.Equal("STOPPED", (await SweepAsync(id)).GetProperty("desired_state").GetString());

        var start = await server.RunAsync(["sweep", "start", id]);
        Assert.True(start.ExitCode == 0, start.ToString());
        Assert.Equal("RUNNING", (await SweepAsync(id)).GetProperty("desired_state").GetString());
        var stop = await server.RunAsync(["sweep", "stop", id]);
        Assert.Equal("STOPPED", (await SweepAsync(id)).GetProperty("desired_state").GetString());
        var terminate = await server.RunAsync(["sweep", "terminate", id]);
        Assert.True(stop.ExitCode == 0 && terminate.ExitCode == 0, stop + terminate.ToString());
        Assert.Equal("TERMINATED", (await SweepAsync(id)).GetProperty("desired_state").GetString());
        await Eventually.Until(() => SweepAsync(id), s => s.GetProperty("progress").GetProperty("open_orders").GetInt32() == 0, $"{id}: orders done");

        var refill = await server.RunAsync(["sweep", "refill", id, "--preview"]);
        Assert.True(refill.ExitCode == 0, refill.ToString());
        Assert.Contains($"{id}: would change (preview, nothing changed)", refill.Stdout);
        var unknown = await server.RunAsync(["sweep", "refill", "no-such-sweep"]);
        Assert.Equal(1, unknown.ExitCode);
        Assert.Contains("no-such-sweep", unknown.Stderr);
    }

    [Fact]
    public async Task GivenAMissingOrInvalidFile_WhenCreate_ThenUsageError2()
    {
        var bad = Path.Combine(server.Paths.Home, "bad.json");
        await File.WriteAllTextAsync(bad, "{ not json");

        var missing = await server.RunAsync(["sweep", "create", Path.Combine(server.Paths.Home, "none.json")]);
        var invalid = await server.RunAsync(["sweep", "create", bad]);

        Assert.Equal(2, missing.ExitCode);
        Assert.Contains("cannot read", missing.Stderr);
        Assert.Equal(2, invalid.ExitCode);
        Assert.Contains("is not JSON", invalid.Stderr);
    }
}
