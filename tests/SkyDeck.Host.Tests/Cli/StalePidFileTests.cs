using System.Diagnostics;
using System.Text.Json;

namespace SkyDeck.Host.Tests.Cli;

/// <summary>A pid file whose process is gone, or whose pid now belongs to another program, is noticed and removed —
/// and the other program is left alone.</summary>
public sealed class StalePidFileTests : IDisposable
{
    private readonly SkyDeckProgram _skydeck = new();

    [Fact]
    public async Task GivenAPidFileOfAnExitedProcess_WhenStatus_ThenNotRunningAndThePidFileIsRemoved()
    {
        using var exited = Process.Start("true")!;
        await exited.WaitForExitAsync();
        WritePidFile(exited.Id);

        var run = await _skydeck.RunAsync("status");

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("SkyDeck is not running.", run.Stdout);
        Assert.Contains($"removed a stale pid file (process {exited.Id} is no longer running)", run.Stderr);
        Assert.False(File.Exists(_skydeck.PidFile));
    }

    [Fact]
    public async Task GivenAPidFileNamingAnUnrelatedLiveProcess_WhenStop_ThenThatProcessIsNotSignalledAndThePidFileIsRemoved()
    {
        using var sleeper = Process.Start("sleep", "60")!;
        try
        {
            WritePidFile(sleeper.Id);

            var run = await _skydeck.RunAsync("stop");

            Assert.Equal(0, run.ExitCode);
            Assert.Contains("SkyDeck is not running.", run.Stdout);
            Assert.Contains($"pid {sleeper.Id} now belongs to another program", run.Stderr);
            Assert.False(File.Exists(_skydeck.PidFile));
            Assert.False(sleeper.HasExited);
        }
        finally
        {
            sleeper.Kill();
        }
    }

    [Fact]
    public async Task GivenAnUnreadablePidFile_WhenStatus_ThenItIsTreatedAsStale()
    {
        Directory.CreateDirectory(_skydeck.DataDirectory);
        await File.WriteAllTextAsync(_skydeck.PidFile, "{ not json");

        var run = await _skydeck.RunAsync("status");

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("removed a stale pid file", run.Stderr);
        Assert.False(File.Exists(_skydeck.PidFile));
    }

    private void WritePidFile(int pid)
    {
        Directory.CreateDirectory(_skydeck.DataDirectory);
        File.WriteAllText(_skydeck.PidFile, JsonSerializer.Serialize(new
        {
            pid, url = "http://127.0.0.1:8000", host = "127.0.0.1", port = 8000, insecure = false, started_at = DateTimeOffset.UtcNow,
        }));
    }

    public void Dispose() => _skydeck.Dispose();
}
