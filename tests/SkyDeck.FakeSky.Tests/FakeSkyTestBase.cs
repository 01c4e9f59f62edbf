using System.Text.Json;

namespace SkyDeck.FakeSky.Tests;

/// <summary>Gives every test its own empty FAKE_SKY_HOME and removes it afterwards.</summary>
public abstract class FakeSkyTestBase : IDisposable
{
    protected FakeSkyHome Home { get; } = FakeSkyHome.CreateTemporary();

    protected Task<FakeSkyResult> Sky(params string[] args) => Home.RunAsync(args);

    /// <summary>
    /// Launches a detached job and asserts that it worked. This runs the fake's code in-process: tests use it to
    /// arrange state, and spawning a process per arrangement would double the suite's run time on two cores.
    /// What the executable itself does is asserted through <see cref="Sky"/>.
    /// </summary>
    protected Task<FakeSkyResult> LaunchAsync(string cluster, string jobName, params string[] command)
    {
        var result = InProcess(["launch", "-y", "-d", "-c", cluster, "-n", jobName, "--", .. (command.Length > 0 ? command : ["echo", "hi"])]);
        Assert.True(result.ExitCode == 0, result.ToString());
        return Task.FromResult(result);
    }

    private FakeSkyResult InProcess(string[] argv)
    {
        var stdout = new StringWriter { NewLine = "\n" };
        var stderr = new StringWriter { NewLine = "\n" };
        var exitCode = FakeSkyApp.Run(Home, argv, stdout, stderr);
        return new FakeSkyResult(exitCode, stdout.ToString(), stderr.ToString(), TimedOut: false);
    }

    /// <summary>Parses stdout from its first <c>{</c> or <c>[</c>, as SkyDeck's robust parser must.</summary>
    protected static JsonElement JsonAfterProse(string stdout)
    {
        var start = stdout.IndexOfAny(['{', '[']);
        Assert.True(start >= 0, $"no JSON in:\n{stdout}");
        return JsonDocument.Parse(stdout[start..]).RootElement.Clone();
    }

    protected static string[] Lines(string text) => text.Split('\n');

    public void Dispose()
    {
        try
        {
            Directory.Delete(Home.Directory, recursive: true);
        }
        catch (IOException)
        {
            // A killed fake may still be releasing a file; a stray temp dir is harmless.
        }

        GC.SuppressFinalize(this);
    }
}
