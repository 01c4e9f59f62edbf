using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using SkyDeck.Benchmarks.Harness;
using SkyDeck.Benchmarks.Server;
using SkyDeck.FakeSky;

namespace SkyDeck.Benchmarks.Figures;

/// <summary>
/// P7: one sweep of <see cref="Scale.P6Starts"/> cells (a grid of N/10 learning rates × 10 seeds, desired RUNNING)
/// against creating the same experiments one request at a time, on the same server in the same run: the time until every
/// cell is acknowledged (the sweep says every create order was answered; one at a time: the last POST answered) and
/// until every launch is requested (every experiment lists a current job).
/// </summary>
public sealed class P7SweepCreate : IFigure
{
    public string Id => "P7";

    public string Title => "a sweep against one create per request";

    public async Task RunAsync(FigureContext context, FigureResult result)
    {
        var cells = context.Scale.P6Starts;
        var rates = Math.Max(1, cells / 10);
        var fake = new FakeSkyHome(context.Workspace.NewDirectory("p7/fake"));
        await using var server = await SkyDeckUnderTest.StartAsync(context.Workspace.NewDirectory("p7/home"), context.Workspace.PathOf(Path.Combine("p7", "skydeck.db")), fake);
        await server.WaitUntilReadyAsync(0, TimeSpan.FromMinutes(2));

        var template = new JsonObject { ["base_command"] = "lt", ["gpus"] = 1, ["flags"] = new JsonObject { ["trainer.losses.ppo.enabled"] = true } };
        var body = new JsonObject
        {
            ["id"] = "bench", ["template"] = template, ["desired_state"] = "RUNNING",
            ["axes"] = new JsonObject
            {
                ["trainer.lr"] = new JsonArray([.. Enumerable.Range(1, rates).Select(i => (JsonNode)JsonValue.Create(i / 100000.0))]),
                ["seed"] = new JsonArray([.. Enumerable.Range(1, cells / rates).Select(i => (JsonNode)JsonValue.Create(i))]),
            },
        };

        context.Log($"sweep of {rates * (cells / rates)} cells");
        var started = Stopwatch.GetTimestamp();
        using (var created = await server.Client.PostAsync("/api/sweeps", Http.Json(body.ToJsonString()))) await created.EnsureSuccessAsync();
        var sweepAnswered = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        var sweepAcked = await WaitAsync(async () =>
        {
            // The list (counts, no cells) rather than the sweep with its 1,000 cells: polling must not be the load it measures.
            using var list = await server.Client.GetJsonAsync("/api/sweeps");
            var progress = list.RootElement.GetProperty("sweeps").EnumerateArray().Single(s => s.GetProperty("id").GetString() == "bench").GetProperty("progress");
            return progress.GetProperty("open_orders").GetInt32() == 0 && progress.GetProperty("created").GetInt32() == rates * (cells / rates);
        }, started, "every cell acknowledged");
        var sweepLaunches = await WaitAsync(() => AllLaunchesRequested(server.Client, "/api/experiments?sweep=bench", rates * (cells / rates)), started, "every sweep launch requested");
        var sweepFlags = await FlagsAsync(server.Client, "/api/experiments?sweep=bench");
        var sweepIds = sweepFlags.Keys.ToList();

        context.Log($"the same {sweepIds.Count} experiments, one POST at a time");
        started = Stopwatch.GetTimestamp();
        foreach (var (id, i) in sweepIds.Select((id, i) => (id, i)))
        {
            var one = template.DeepClone().AsObject();
            one["id"] = $"one{i}";
            one["desired_state"] = "RUNNING";
            one["flags"] = JsonNode.Parse(sweepFlags[id]);
            using var response = await server.Client.PostAsync("/api/experiments", Http.Json(one.ToJsonString()));
            await response.EnsureSuccessAsync();
        }

        var singlesAcked = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        var singlesLaunches = await WaitAsync(async () =>
        {
            using var list = await server.Client.GetJsonAsync("/api/experiments");
            return list.RootElement.GetProperty("experiments").EnumerateArray()
                .Count(e => e.GetProperty("id").GetString()!.StartsWith("one", StringComparison.Ordinal) && e.GetProperty("current_job").ValueKind == JsonValueKind.Object) == sweepIds.Count;
        }, started, "every single launch requested");

        result.Add($"sweep of {sweepIds.Count:N0}: all cells acknowledged", sweepAcked, "ms", singlesAcked, $"{sweepIds.Count:N0} POSTs one at a time", "< baseline", ResultRow.AtMost(sweepAcked, singlesAcked));
        result.Add($"sweep of {sweepIds.Count:N0}: all launches requested", sweepLaunches, "ms", singlesLaunches, $"{sweepIds.Count:N0} POSTs one at a time", "< baseline", ResultRow.AtMost(sweepLaunches, singlesLaunches));
        result.Note($"the sweep's POST answered (intent on disk) after {sweepAnswered:0} ms; cells are created 64 orders at a time.");
    }

    private static async Task<bool> AllLaunchesRequested(HttpClient client, string path, int count)
    {
        using var list = await client.GetJsonAsync(path);
        var rows = list.RootElement.GetProperty("experiments");
        return rows.GetArrayLength() == count && rows.EnumerateArray().All(e => e.GetProperty("current_job").ValueKind == JsonValueKind.Object);
    }

    private static async Task<Dictionary<string, string>> FlagsAsync(HttpClient client, string path)
    {
        using var list = await client.GetJsonAsync(path);
        return list.RootElement.GetProperty("experiments").EnumerateArray().ToDictionary(e => e.GetProperty("id").GetString()!, e => e.GetProperty("flags").GetRawText());
    }

    private static async Task<double> WaitAsync(Func<Task<bool>> done, long started, string what)
    {
        await Http.Until(done, TimeSpan.FromMinutes(10), what, 50);
        return Stopwatch.GetElapsedTime(started).TotalMilliseconds;
    }
}
