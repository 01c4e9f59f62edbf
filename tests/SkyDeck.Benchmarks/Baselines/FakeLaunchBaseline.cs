using System.Diagnostics;
using System.Globalization;
using System.Text;
using CliWrap;
using CliWrap.Buffered;
using SkyDeck.FakeSky;
using SkyDeck.FakeSky.State;

namespace SkyDeck.Benchmarks.Baselines;

/// <summary>
/// The fake <c>sky</c> alone, without SkyDeck: <paramref name="launches"/> <c>sky launch</c> processes (same argv shape
/// and delay as SkyDeck's) through a semaphore of <paramref name="cap"/>, on a fake cloud already holding
/// <paramref name="existingClusters"/> clusters (each launch rewrites the whole state file, so its size matters).
/// What a perfect scheduler at that cap would achieve on this machine, at this moment.
/// </summary>
public static class FakeLaunchBaseline
{
    public static async Task<TimeSpan> MeasureAsync(FakeSkyHome home, int launches, int cap, int delayMs, int existingClusters)
    {
        var state = new FakeSkyState();
        for (var i = 0; i < existingClusters; i++)
            state.Clusters.Add(new FakeCluster { Name = $"baseline-existing-{i}", Status = "UP", Accelerators = "A100:4", InstanceType = "p4d.24xlarge", Cpus = 96, Memory = 1152 });
        await File.WriteAllTextAsync(home.StatePath, System.Text.Json.JsonSerializer.Serialize(state, Seeding.FakeCloudSeeder.Json));
        home.SetControl(c => c.WithDelay("launch", delayMs));

        using var slots = new SemaphoreSlim(cap);
        var started = Stopwatch.GetTimestamp();
        await Task.WhenAll(Enumerable.Range(0, launches).Select(async i =>
        {
            await slots.WaitAsync();
            try
            {
                var name = "baseline-" + i.ToString(CultureInfo.InvariantCulture);
                var result = await Cli.Wrap(FakeSkyHome.ExecutablePath)
                    .WithArguments(["launch", "-y", "-d", "-c", name, "-n", name + "-g1-1", "--num-nodes", "1", "--gpus", "A100:4", "--", "lt run=baseline"])
                    .WithStandardInputPipe(PipeSource.Null)
                    .WithEnvironmentVariables(env =>
                    {
                        env.Set("PYTHONUNBUFFERED", "1");
                        foreach (var (key, value) in home.Environment) env.Set(key, value);
                    })
                    .WithValidation(CommandResultValidation.None)
                    .ExecuteBufferedAsync(Encoding.UTF8, Encoding.UTF8);
                if (result.ExitCode != 0) throw new InvalidOperationException($"baseline launch exited {result.ExitCode}: {result.StandardError}");
            }
            finally
            {
                slots.Release();
            }
        }));
        return Stopwatch.GetElapsedTime(started);
    }
}
