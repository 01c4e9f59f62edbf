using System.Diagnostics;
using System.Text;
using CliWrap;
using CliWrap.Buffered;
using SkyDeck.FakeSky;

namespace SkyDeck.Benchmarks.Baselines;

/// <summary>One bare spawn: from just before CliWrap starts the process to the fake's own <c>at</c> stamp, and to exit.</summary>
public sealed record SpawnSample(double ToFakeStampMs, double RoundTripMs);

/// <summary>
/// The cost of starting the fake <c>sky</c> at all: <c>fake-sky --version</c>, spawned exactly as <see cref="Actors.SkyPilot.SkyPilotCli"/>
/// spawns (CliWrap, argv array, closed stdin, buffered output), one at a time. Every SkyDeck latency that ends at
/// "the process started" contains one of these.
/// </summary>
public static class ProcessSpawnBaseline
{
    public static async Task<IReadOnlyList<SpawnSample>> MeasureAsync(FakeSkyHome home, int count)
    {
        var samples = new List<SpawnSample>(count);
        var before = home.ReadInvocations().Count;
        var starts = new List<(DateTimeOffset Utc, long Ticks, double RoundTripMs)>(count);
        for (var i = 0; i < count; i++)
        {
            var utc = DateTimeOffset.UtcNow;
            var ticks = Stopwatch.GetTimestamp();
            var result = await RunAsync(home, ["--version"]);
            if (result.ExitCode != 0) throw new InvalidOperationException($"fake-sky --version exited {result.ExitCode}: {result.StandardError}");
            starts.Add((utc, ticks, Stopwatch.GetElapsedTime(ticks).TotalMilliseconds));
        }

        var stamps = home.ReadInvocations().Skip(before).Where(r => r.Argv is ["--version"]).ToList();
        if (stamps.Count != count) throw new InvalidOperationException($"expected {count} --version records in invocations.jsonl, found {stamps.Count}");
        for (var i = 0; i < count; i++)
            samples.Add(new SpawnSample((stamps[i].At - starts[i].Utc).TotalMilliseconds, starts[i].RoundTripMs));
        return samples;
    }

    /// <summary>Runs the fake <c>sky</c> with <paramref name="argv"/> exactly as the gateway runs <c>sky</c>: CliWrap, an argv array, closed stdin, buffered output.</summary>
    public static Task<BufferedCommandResult> RunAsync(FakeSkyHome home, IReadOnlyList<string> argv) =>
        Cli.Wrap(FakeSkyHome.ExecutablePath)
            .WithArguments(argv)
            .WithStandardInputPipe(PipeSource.Null)
            .WithEnvironmentVariables(env =>
            {
                env.Set("PYTHONUNBUFFERED", "1");
                foreach (var (name, value) in home.Environment) env.Set(name, value);
            })
            .WithValidation(CommandResultValidation.None)
            .ExecuteBufferedAsync(Encoding.UTF8, Encoding.UTF8);
}
