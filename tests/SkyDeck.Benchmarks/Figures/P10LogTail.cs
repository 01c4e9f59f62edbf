using System.Diagnostics;
using System.Text.Json;
using SkyDeck.Benchmarks.Baselines;
using SkyDeck.Benchmarks.Harness;
using SkyDeck.Benchmarks.Server;
using SkyDeck.FakeSky;

namespace SkyDeck.Benchmarks.Figures;

/// <summary>
/// P10: reading a running job's output, <c>GET /api/experiments/{id}/jobs/{job}/logs?tail=100</c> (a <c>sky logs
/// --no-follow --tail 100</c> through the gateway), against running that very command on the fake directly, spawned
/// as the gateway spawns it, in interleaved blocks in the same run: what SkyDeck adds on top of SkyPilot.
/// </summary>
public sealed class P10LogTail : IFigure
{
    private const int Block = 5;
    private const int Tail = 100;

    public string Id => "P10";

    public string Title => "a running job's log tail";

    public async Task RunAsync(FigureContext context, FigureResult result)
    {
        var fake = new FakeSkyHome(context.Workspace.NewDirectory("p10/fake"));
        await using var server = await SkyDeckUnderTest.StartAsync(context.Workspace.NewDirectory("p10/home"), context.Workspace.PathOf(Path.Combine("p10", "skydeck.db")), fake);
        await server.WaitUntilReadyAsync(0, TimeSpan.FromMinutes(2));
        using (var created = await server.Client.PostAsync("/api/experiments", Http.Json("""{"id":"tail","base_command":"python train.py","desired_state":"RUNNING"}""")))
            await created.EnsureSuccessAsync();

        string? job = null, cluster = null;
        long skyJobId = 0;
        await Http.Until(async () =>
        {
            using var detail = await server.Client.GetJsonAsync("/api/experiments/tail");
            if (detail.RootElement.GetProperty("current_job") is not { ValueKind: JsonValueKind.Object } current
                || current.GetProperty("sky_job_id") is not { ValueKind: JsonValueKind.Number } number) return false;
            (job, cluster, skyJobId) = (current.GetProperty("job_id").GetString(), detail.RootElement.GetProperty("cluster").GetProperty("name").GetString(), number.GetInt64());
            return true;
        }, TimeSpan.FromMinutes(2), "the job submitted");
        var path = $"/api/experiments/tail/jobs/{job}/logs?tail={Tail}";
        string[] argv = ["logs", cluster!, skyJobId.ToString(System.Globalization.CultureInfo.InvariantCulture), "--no-follow", "--tail", Tail.ToString(System.Globalization.CultureInfo.InvariantCulture)];

        await Http.Until(async () =>
        {
            using var first = await server.Client.GetJsonAsync(path);
            return first.RootElement.GetProperty("lines").GetArrayLength() > 0;
        }, TimeSpan.FromMinutes(2), "the job's first log lines");
        for (var i = 0; i < Block; i++)
        {
            await GetAsync(server.Client, path);
            await BareAsync(fake, argv);
        }

        var ours = new List<double>();
        var bare = new List<double>();
        while (ours.Count < context.Scale.P10Requests)
        {
            for (var i = 0; i < Block; i++) ours.Add(await GetAsync(server.Client, path));
            for (var i = 0; i < Block; i++) bare.Add(await BareAsync(fake, argv));
        }

        var p50 = Stats.Median(ours);
        var bareP50 = Stats.Median(bare);
        result.Add($"tail of {Tail} lines, p50", p50, "ms", bareP50, $"`sky {string.Join(' ', argv)}` spawned directly", "≤ baseline + 25 ms",
            ResultRow.AtMost(p50, bareP50 + 25));
        result.Add($"tail of {Tail} lines, p99", Stats.Percentile(ours, 99), "ms", Stats.Percentile(bare, 99), "the same command spawned directly", "≤ baseline + 50 ms",
            ResultRow.AtMost(Stats.Percentile(ours, 99), Stats.Percentile(bare, 99) + 50));
        result.Note($"SkyDeck: {Stats.Describe(ours)}; direct: {Stats.Describe(bare)}");
    }

    private static async Task<double> GetAsync(HttpClient client, string path)
    {
        var started = Stopwatch.GetTimestamp();
        using var response = await client.GetAsync(path);
        await response.EnsureSuccessAsync();
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        if (body.RootElement.GetProperty("source").GetString() != "live" || body.RootElement.GetProperty("lines").GetArrayLength() == 0)
            throw new InvalidOperationException($"{path}: not a live tail with lines: {body.RootElement}");
        return Stopwatch.GetElapsedTime(started).TotalMilliseconds;
    }

    private static async Task<double> BareAsync(FakeSkyHome fake, string[] argv)
    {
        var started = Stopwatch.GetTimestamp();
        var run = await ProcessSpawnBaseline.RunAsync(fake, argv);
        // 101: SkyPilot's JobExitCode for a job that has not finished — the log is printed all the same.
        if (run.ExitCode is not (0 or 101) || run.StandardOutput.Length == 0) throw new InvalidOperationException($"fake-sky {string.Join(' ', argv)} exited {run.ExitCode}: {run.StandardError}");
        return Stopwatch.GetElapsedTime(started).TotalMilliseconds;
    }
}
