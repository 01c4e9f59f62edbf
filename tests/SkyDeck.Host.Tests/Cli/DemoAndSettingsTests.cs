using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using SkyDeck.Host.Cli;
using SkyDeck.Host.Tests.Support;
using SkyDeck.Testing;

namespace SkyDeck.Host.Tests.Cli;

/// <summary>
/// The README's "try it without a cloud": <c>skydeck start --demo</c> runs against the shipped fake <c>sky</c> in a
/// data directory of its own; and a <c>start</c> that finds a server running with other settings says so.
/// </summary>
public sealed class DemoAndSettingsTests : IDisposable
{
    private readonly SkyDeckProgram _skydeck = new();

    [Fact]
    [Trait("Category", "Slow")]
    public async Task GivenNoCloud_WhenStartingTheDemo_ThenAnExperimentRunsOnTheShippedFakeSkyInTheDemosOwnDirectory()
    {
        var port = SkyDeckProgram.FreePort();
        var start = await _skydeck.RunAsync("start", "--demo", "--port", port.ToString(CultureInfo.InvariantCulture));
        Assert.True(start.ExitCode == 0, start.ToString());
        var demoHome = Path.Combine(_skydeck.DataDirectory, "demo");
        var record = PidFile.Read(Path.Combine(demoHome, "skydeck.pid"));
        Assert.NotNull(record);
        Assert.True(record.Demo);
        Assert.False(File.Exists(_skydeck.PidFile), "the demo must not use the real data directory's pid file");
        Assert.Equal(Path.Combine(demoHome, "skydeck.db"), record.Settings!["SKYDECK_DB_PATH"]);

        try
        {
            using var http = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
            using var created = await http.PostAsJsonAsync("/api/experiments", new Dictionary<string, object>
            {
                ["id"] = "demo_run", ["name"] = "Demo", ["base_command"] = "lt", ["nodes"] = 1, ["gpus"] = 0,
                ["desired_state"] = "RUNNING", ["flags"] = new Dictionary<string, object> { ["seed"] = 1 },
            });
            Assert.True(created.IsSuccessStatusCode, await created.Content.ReadAsStringAsync());

            var running = await Eventually.Until(
                async () => JsonDocument.Parse(await http.GetStringAsync("/api/experiments/demo_run")).RootElement.Clone(),
                e => e.GetProperty("current_state").GetString() == "RUNNING",
                "the demo experiment to run on the fake sky",
                TimeSpan.FromSeconds(60));
            Assert.Equal("skydeck-demo_run", running.GetProperty("cluster").GetProperty("name").GetString());
            Assert.True(Directory.Exists(Path.Combine(demoHome, "fake-sky")), "the fake cloud lives in the demo directory");
        }
        finally
        {
            var stop = await _skydeck.RunAsync("stop", "--demo");
            Assert.True(stop.ExitCode == 0, stop.ToString());
            Assert.Contains($"SkyDeck stopped (pid {record.Pid}", stop.Stdout);
        }
    }

    [Fact]
    public async Task GivenAServerRunning_WhenStartIsAskedForOtherSettings_ThenItSaysWhichDifferAndHowToApplyThem()
    {
        var port = SkyDeckProgram.FreePort().ToString(CultureInfo.InvariantCulture);
        var start = await _skydeck.RunAsync("start", "--port", port);
        Assert.True(start.ExitCode == 0, start.ToString());

        _skydeck.Environment["SKYDECK_SKY_PATH"] = "/opt/elsewhere/sky";
        _skydeck.Environment["SKYDECK_POLL_INTERVAL"] = "2";
        var again = await _skydeck.RunAsync("start", "--port", port);

        Assert.True(again.ExitCode == 0, again.ToString());
        Assert.Contains("already running", again.Stdout);
        Assert.Contains("SKYDECK_SKY_PATH is '/bin/true' there, '/opt/elsewhere/sky' here", again.Stderr);
        Assert.Contains("SKYDECK_POLL_INTERVAL is '30' there, '2' here", again.Stderr);
        Assert.Contains("skydeck restart", again.Stderr);

        _skydeck.Environment["SKYDECK_SKY_PATH"] = "/bin/true";
        _skydeck.Environment.Remove("SKYDECK_POLL_INTERVAL");
        var same = await _skydeck.RunAsync("start", "--port", port);
        Assert.DoesNotContain("other settings", same.Stderr);
        Assert.Equal(0, (await _skydeck.RunAsync("stop")).ExitCode);
    }

    public void Dispose() => _skydeck.Dispose();
}
