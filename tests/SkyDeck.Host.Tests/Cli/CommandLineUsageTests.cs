using SkyDeck.Host.Cli;

namespace SkyDeck.Host.Tests.Cli;

/// <summary>Help and usage errors: every command documents itself and its exit codes; bad usage exits 2.</summary>
public sealed class CommandLineUsageTests : IDisposable
{
    private readonly SkyDeckProgram _skydeck = new();

    [Fact]
    public async Task GivenTheBuiltProgram_WhenHelp_ThenItIsCalledSkydeckAndDocumentsItsCommandsAndExitCodes()
    {
        var run = await _skydeck.RunAsync("--help");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("skydeck [command] [options]", run.Stdout);
        foreach (var command in new[] { "start", "stop", "restart", "status", "logs" }) Assert.Contains($"  {command} ", run.Stdout);
        Assert.Contains("Exit codes: 0", run.Stdout);
        Assert.False(Directory.Exists(_skydeck.DataDirectory));
    }

    [Theory]
    [InlineData("start", "--host", "--port", "--foreground", "--insecure", "--filter", "--yes", "--url")]
    [InlineData("stop", "--force", "--timeout", "--filter", "-y")]
    [InlineData("restart", "--host", "--port", "--insecure", "--timeout", "--filter")]
    [InlineData("status")]
    [InlineData("logs", "--follow", "-f", "--lines", "-n", "--job", "--url")]
    [InlineData("ls", "--json", "--all", "--url")]
    [InlineData("show", "--json")]
    [InlineData("rm", "--filter", "--yes")]
    [InlineData("events", "--follow", "--lines", "--json")]
    public async Task GivenACommand_WhenHelp_ThenItsUsageOptionsAndExitCodesArePrinted(string command, params string[] options)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();

        var code = await SkyDeckCommandLine.InvokeAsync([command, "--help"], stdout, stderr);

        Assert.Equal(0, code);
        var help = stdout.ToString();
        Assert.Matches($@" {command} (\[?<[a-z]+>(\.\.\.)?\]? )*\[options\]", help);
        foreach (var option in options) Assert.Contains(option, help);
        Assert.Contains("Exit codes: 0", help);
        Assert.DoesNotContain("--detached", help);
        Assert.Empty(stderr.ToString());
    }

    [Theory]
    [InlineData("start", "--port", "0")]
    [InlineData("start", "--port", "http")]
    [InlineData("logs", "-n", "-1")]
    [InlineData("stop", "--timeout", "0")]
    [InlineData("launch")]
    [InlineData("status", "--verbose")]
    public async Task GivenBadUsage_WhenInvoked_ThenExitCodeIs2WithTheErrorOnStderr(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();

        var code = await SkyDeckCommandLine.InvokeAsync(args, stdout, stderr);

        Assert.Equal(2, code);
        Assert.NotEmpty(stderr.ToString().Trim());
    }

    public void Dispose() => _skydeck.Dispose();
}
