using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace SkyDeck.Host.Tests.Cli;

/// <summary>Every way `start` can fail ends in one sentence on stderr and exit code 1 — never a stack trace.</summary>
public sealed class StartFailureTests : IDisposable
{
    private readonly SkyDeckProgram _skydeck = new();

    [Fact]
    public async Task GivenThePortIsTaken_WhenStart_ThenOneLineNamesThePortAndSuggestsAnother()
    {
        using var squatter = new TcpListener(IPAddress.Loopback, 0);
        squatter.Start();
        var port = ((IPEndPoint)squatter.LocalEndpoint).Port;

        var run = await _skydeck.RunAsync("start", "--port", port.ToString(CultureInfo.InvariantCulture));

        Assert.Equal(1, run.ExitCode);
        var message = SingleErrorLine(run);
        Assert.Contains($"port {port} is already in use", message);
        Assert.Contains("try skydeck start --port ", message);
        Assert.False(File.Exists(_skydeck.PidFile));
    }

    [Theory]
    [InlineData("")]
    [InlineData("sub")]
    public async Task GivenHomeIsARegularFile_WhenStart_ThenOneLineSaysTheDataDirectoryCannotBeUsed(string below)
    {
        var file = Path.Combine(_skydeck.Root, "file-not-dir");
        await File.WriteAllTextAsync(file, "not a directory");
        _skydeck.Home = below.Length == 0 ? file : Path.Combine(file, below);

        var run = await _skydeck.RunAsync("start", "--port", SkyDeckProgram.FreePort().ToString(CultureInfo.InvariantCulture));

        Assert.Equal(1, run.ExitCode);
        var message = SingleErrorLine(run);
        Assert.Contains("cannot use the data directory", message);
        Assert.Contains($"'{file}' is a file", message);
        Assert.Empty(Directory.EnumerateFileSystemEntries(_skydeck.WorkingDirectory)); // no ./.skydeck fallback
    }

    [Fact]
    public async Task GivenTheDatabaseIsGarbage_WhenStart_ThenTheDetachedServersOneLineReasonIsRelayedAndNoServerIsLeft()
    {
        Directory.CreateDirectory(_skydeck.DataDirectory);
        var database = Path.Combine(_skydeck.DataDirectory, "skydeck.db");
        await File.WriteAllBytesAsync(database, [.. Enumerable.Range(0, 8192).Select(i => (byte)(i * 7919 % 251))]);
        string[] args = ["start", "--port", SkyDeckProgram.FreePort().ToString(CultureInfo.InvariantCulture)];

        var run = await _skydeck.RunAsync(args);

        Assert.Equal(1, run.ExitCode);
        var message = SingleErrorLine(run);
        Assert.Contains("database", message);
        Assert.Contains(database, message);
        Assert.False(File.Exists(_skydeck.PidFile));
    }

    [Fact]
    public async Task GivenAMalformedSetting_WhenStartInTheForeground_ThenOneLineNamesTheSetting()
    {
        _skydeck.Environment["SKYDECK_POLL_INTERVAL"] = "soon";

        var run = await _skydeck.RunAsync("start", "--foreground", "--port", SkyDeckProgram.FreePort().ToString(CultureInfo.InvariantCulture));

        Assert.Equal(1, run.ExitCode);
        var message = SingleErrorLine(run);
        Assert.Contains("SKYDECK_POLL_INTERVAL", message);
        Assert.Contains("'soon'", message);
    }

    private static string SingleErrorLine(CliRun run)
    {
        Assert.DoesNotContain("   at ", run.Stderr + run.Stdout);
        Assert.DoesNotContain("Exception", run.Stderr + run.Stdout);
        var lines = run.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var line = Assert.Single(lines);
        Assert.StartsWith("skydeck: ", line);
        return line;
    }

    public void Dispose() => _skydeck.Dispose();
}
