using System.Globalization;
using SkyDeck.Host.Cli;

namespace SkyDeck.Host.Tests.Cli;

/// <summary>One server through its whole life, as a user drives it (start/stop cycles are slow, so one test).</summary>
[Trait("Category", "Slow")]
public sealed class ServerLifecycleTests : IDisposable
{
    private readonly SkyDeckProgram _skydeck = new();

    [Fact]
    public async Task GivenNoServer_WhenStartStatusLogsRestartStop_ThenEachReportsTheRealServerAndStopLeavesNothingBehind()
    {
        var port = SkyDeckProgram.FreePort();
        var url = $"http://127.0.0.1:{port}";

        var start = await _skydeck.RunAsync("start", "--port", port.ToString(CultureInfo.InvariantCulture));
        Assert.True(start.ExitCode == 0, start.ToString());
        var first = _skydeck.ReadPidFile();
        Assert.NotNull(first);
        Assert.Contains($"SkyDeck started at {url} (pid {first.Pid})", start.Stdout);
        Assert.Equal(url, first.Url);
        Assert.True(Posix.IsSkyDeck(first.Pid));

        var again = await _skydeck.RunAsync("start", "--port", port.ToString(CultureInfo.InvariantCulture));
        Assert.True(again.ExitCode == 0, again.ToString());
        Assert.Contains($"already running at {url} (pid {first.Pid})", again.Stdout);

        var status = await _skydeck.RunAsync("status");
        Assert.True(status.ExitCode == 0, status.ToString());
        Assert.Contains("SkyDeck is running.", status.Stdout);
        Assert.Contains($"pid:        {first.Pid}", status.Stdout);
        Assert.Contains($"url:        {url}", status.Stdout);
        Assert.Contains("uptime:", status.Stdout);
        Assert.Contains("health:", status.Stdout);
        Assert.DoesNotContain("not answering", status.Stdout);

        // No arguments with the server running: nothing new is started, the dashboard URL is printed (no browser).
        var open = await _skydeck.RunAsync();
        Assert.True(open.ExitCode == 0, open.ToString());
        Assert.Contains($"Dashboard: {url}", open.Stdout);
        Assert.Equal(first.Pid, _skydeck.ReadPidFile()?.Pid);

        var logs = await _skydeck.RunAsync("logs", "-n", "500");
        Assert.True(logs.ExitCode == 0, logs.ToString());
        Assert.Contains($"serving {url} (pid {first.Pid})", logs.Stdout);
        var three = await _skydeck.RunAsync("logs", "-n", "3");
        Assert.Equal(3, three.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);

        // Follow the log while restarting: the new server's first lines arrive through `logs -f`.
        using var follow = _skydeck.Start("logs", "-f", "-n", "0");
        var followed = new List<string>();
        var sawNewServer = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var reader = Task.Run(async () =>
        {
            while (await follow.StandardOutput.ReadLineAsync() is { } line)
            {
                lock (followed) followed.Add(line);
                if (line.Contains("serving", StringComparison.Ordinal) && !line.Contains($"pid {first.Pid})", StringComparison.Ordinal))
                    sawNewServer.TrySetResult(line);
            }
        });

        var restart = await _skydeck.RunAsync("restart");
        Assert.True(restart.ExitCode == 0, restart.ToString());
        var second = _skydeck.ReadPidFile();
        Assert.NotNull(second);
        Assert.NotEqual(first.Pid, second.Pid);
        Assert.Contains($"SkyDeck stopped (pid {first.Pid}", restart.Stdout);
        Assert.Contains($"SkyDeck started at {url} (pid {second.Pid})", restart.Stdout);
        Assert.False(Posix.IsAlive(first.Pid));

        var line = await sawNewServer.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Contains($"(pid {second.Pid})", line);
        Posix.Signal(follow.Id, Posix.SigTerm);
        await follow.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(0, follow.ExitCode);
        await reader;

        var stop = await _skydeck.RunAsync("stop");
        Assert.True(stop.ExitCode == 0, stop.ToString());
        Assert.Contains($"SkyDeck stopped (pid {second.Pid}", stop.Stdout);
        Assert.False(Posix.IsAlive(second.Pid));
        Assert.False(File.Exists(_skydeck.PidFile));

        var after = await _skydeck.RunAsync("status");
        Assert.Equal(1, after.ExitCode);
        Assert.Contains("SkyDeck is not running.", after.Stdout);

        var stopAgain = await _skydeck.RunAsync("stop");
        Assert.Equal(0, stopAgain.ExitCode);
        Assert.Contains("SkyDeck is not running.", stopAgain.Stdout);

        // The log was appended to across the restart, never truncated.
        var all = await _skydeck.RunAsync("logs", "-n", "10000");
        Assert.Contains($"(pid {first.Pid})", all.Stdout);
        Assert.Contains($"(pid {second.Pid})", all.Stdout);
    }

    public void Dispose() => _skydeck.Dispose();
}
