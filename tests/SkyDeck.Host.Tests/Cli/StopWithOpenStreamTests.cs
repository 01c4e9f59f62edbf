using System.Globalization;
using SkyDeck.Host.Tests.Support;

namespace SkyDeck.Host.Tests.Cli;

/// <summary>
/// <c>skydeck stop</c> while a dashboard tab follows <c>/api/stream</c>: the stream must end at shutdown, so the server
/// exits promptly instead of waiting out the 30 s drain for a request that never ends.
/// </summary>
public sealed class StopWithOpenStreamTests : IDisposable
{
    private readonly SkyDeckProgram _skydeck = new();

    [Fact]
    public async Task GivenAnOpenLiveStream_WhenStopping_ThenTheStreamEndsAndStopExits0()
    {
        var port = SkyDeckProgram.FreePort();
        var start = await _skydeck.RunAsync("start", "--port", port.ToString(CultureInfo.InvariantCulture));
        Assert.True(start.ExitCode == 0, start.ToString());
        var server = _skydeck.ReadPidFile()!;

        using var http = new HttpClient(new SocketsHttpHandler { UseProxy = false })
        {
            BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = Timeout.InfiniteTimeSpan,
        };
        await using var stream = await SseStream.OpenAsync(http);
        Assert.Equal("snapshot", (await stream.NextAsync()).Type);

        // Well under the server's 30 s shutdown timeout: before the fix the open stream held it that long.
        var stop = await _skydeck.RunAsync("stop", "--timeout", "20");

        Assert.True(stop.ExitCode == 0, stop.ToString());
        Assert.Contains($"SkyDeck stopped (pid {server.Pid}", stop.Stdout);
        await Assert.ThrowsAnyAsync<Exception>(() => stream.NextAsync(TimeSpan.FromSeconds(10)));
    }

    public void Dispose() => _skydeck.Dispose();
}
