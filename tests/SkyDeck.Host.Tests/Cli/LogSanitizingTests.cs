using System.Globalization;
using SkyDeck.Testing;

namespace SkyDeck.Host.Tests.Cli;

/// <summary>Garbage from <c>sky</c> (NUL bytes, terminal escapes) reaches <c>skydeck.log</c> escaped, never raw.</summary>
public sealed class LogSanitizingTests : IDisposable
{
    private readonly SkyDeckProgram _skydeck = new();

    [Fact]
    public async Task GivenASkyThatPrintsControlCharacters_WhenItsFailureIsLogged_ThenTheLogHoldsThemEscaped()
    {
        var sky = Path.Combine(_skydeck.Root, "garbage-sky");
        await File.WriteAllTextAsync(sky, "#!/bin/sh\nprintf 'Error: boom\\000\\033[31mred\\n' >&2\nexit 1\n");
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(sky, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        _skydeck.Environment["SKYDECK_SKY_PATH"] = sky;
        _skydeck.Environment["SKYDECK_POLL_INTERVAL"] = "1";
        var log = Path.Combine(_skydeck.DataDirectory, "skydeck.log");

        var start = await _skydeck.RunAsync("start", "--port", SkyDeckProgram.FreePort().ToString(CultureInfo.InvariantCulture));
        Assert.True(start.ExitCode == 0, start.ToString());
        var text = await Eventually.Until(
            () => Task.FromResult(File.Exists(log) ? ReadShared(log) : ""), t => t.Contains("boom", StringComparison.Ordinal), "the sky failure in the log");
        Assert.Equal(0, (await _skydeck.RunAsync("stop")).ExitCode);

        Assert.DoesNotContain('\0', text);
        Assert.DoesNotContain('\u001b', text);
        Assert.True(text.Contains("boom\\u0000", StringComparison.Ordinal), text);
    }

    private static string ReadShared(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        return new StreamReader(stream).ReadToEnd();
    }

    public void Dispose() => _skydeck.Dispose();
}
