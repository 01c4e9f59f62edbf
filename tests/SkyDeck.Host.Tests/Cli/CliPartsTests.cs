using System.Text;
using SkyDeck.Host.Cli;

namespace SkyDeck.Host.Tests.Cli;

/// <summary>The pure pieces: pid-file parsing, recognising a SkyDeck process, reading rolled logs.</summary>
public sealed class CliPartsTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("skydeck-logs-").FullName;

    private string LogFile => Path.Combine(_dir, "skydeck.log");

    [Theory]
    [InlineData(new[] { "/home/me/.dotnet/tools/skydeck", "start", "--foreground" }, true)]
    [InlineData(new[] { "/usr/share/dotnet/dotnet", "/src/bin/skydeck.dll", "start", "--foreground" }, true)]
    [InlineData(new[] { "dotnet", "exec", "--roll-forward", "Major", "/x/skydeck.dll" }, true)]
    [InlineData(new[] { "sleep", "60" }, false)]
    [InlineData(new[] { "vim", "/root/.skydeck/skydeck.log" }, false)]
    [InlineData(new[] { "dotnet", "/x/other.dll", "skydeck.dll" }, false)]
    public void GivenACommandLine_WhenCheckedForSkyDeck_ThenOnlyTheProgramItselfCounts(string[] argv, bool expected) =>
        Assert.Equal(expected, Posix.IsSkyDeckCommandLine(argv));

    [Fact]
    public void GivenPidFileContents_WhenParsed_ThenJsonBareNumbersAndGarbageAreUnderstood()
    {
        var record = PidFile.Parse("""{"pid": 42, "url": "http://0.0.0.0:9000", "host": "0.0.0.0", "port": 9000, "insecure": true, "started_at": "2026-01-02T03:04:05Z"}""");
        Assert.Equal(42, record.Pid);
        Assert.Equal(9000, record.Port);
        Assert.True(record.Insecure);
        Assert.Equal(new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero), record.StartedAt);
        Assert.Equal(1234, PidFile.Parse("1234\n").Pid);
        Assert.Equal(0, PidFile.Parse("{ oops").Pid);
    }

    [Fact]
    public void GivenAWrittenRecord_WhenReadBack_ThenItRoundTrips()
    {
        var path = Path.Combine(_dir, "skydeck.pid");
        var record = new ServerRecord(7, "http://127.0.0.1:8000", "127.0.0.1", 8000, false, DateTimeOffset.UnixEpoch, "0.1.0");
        PidFile.Write(path, record);
        Assert.Equal(record, PidFile.Read(path));
        PidFile.DeleteIfOwnedBy(path, 8);
        Assert.True(File.Exists(path));
        PidFile.DeleteIfOwnedBy(path, 7);
        Assert.False(File.Exists(path));
    }

    [Fact]
    public void GivenRolledLogFiles_WhenTailed_ThenTheLastLinesComeAcrossFilesInRollOrder()
    {
        Write("skydeck_002.log", "c1", "c2");
        Write("skydeck.log", "a1", "a2");
        Write("skydeck_010.log", "d1");
        Write("skydeck_001.log", "b1", "b2");
        Write("skydeck-other.log", "x");

        Assert.Equal(["skydeck.log", "skydeck_001.log", "skydeck_002.log", "skydeck_010.log"], LogFiles.List(LogFile).Select(Path.GetFileName));
        Assert.Equal(["b2", "c1", "c2", "d1"], LogFiles.Tail(LogFile, 4, LogFiles.End(LogFile)));
        Assert.Equal(["a1", "a2", "b1", "b2", "c1", "c2", "d1"], LogFiles.Tail(LogFile, 100, LogFiles.End(LogFile)));
        Assert.Empty(LogFiles.Tail(LogFile, 0, LogFiles.End(LogFile)));
    }

    [Fact]
    public void GivenALongLog_WhenTailed_ThenOnlyTheEndIsReturnedIntact()
    {
        var lines = Enumerable.Range(0, 20_000).Select(i => $"line {i} ünïcødé {new string('x', i % 50)}").ToArray();
        Write("skydeck.log", lines);

        Assert.Equal(lines[^50..], LogFiles.Tail(LogFile, 50, LogFiles.End(LogFile)));
        Assert.Equal(lines[^5000..], LogFiles.Tail(LogFile, 5000, LogFiles.End(LogFile)));
    }

    [Fact]
    public async Task GivenAFollowedLog_WhenLinesAreAppendedAndSerilogRolls_ThenEveryNewLineIsPrintedOnceInOrder()
    {
        Write("skydeck.log", "old");
        var output = new StringWriter();
        var synchronized = TextWriter.Synchronized(output);
        using var stop = new CancellationTokenSource();
        var follow = LogFiles.FollowAsync(LogFile, LogFiles.End(LogFile), synchronized, TimeSpan.FromMilliseconds(20), stop.Token);

        Append("skydeck.log", "new 1\npartial");
        await Task.Delay(100);
        Append("skydeck.log", " line\n");
        Write("skydeck_001.log", "rolled 1");
        await Task.Delay(100);
        Append("skydeck_001.log", "rolled 2\n");
        await SkyDeck.Testing.Eventually.Until(() =>
        {
            lock (synchronized) return output.ToString().Contains("rolled 2", StringComparison.Ordinal);
        }, "the follower to show the rolled file", TimeSpan.FromSeconds(5));
        await stop.CancelAsync();
        await follow.WaitAsync(TimeSpan.FromSeconds(5));

        Assert.Equal(["new 1", "partial line", "rolled 1", "rolled 2"], output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r')));
    }

    [Theory]
    [InlineData(5, "5s")]
    [InlineData(312, "5m 12s")]
    [InlineData(7500, "2h 5m")]
    [InlineData(277200, "3d 5h")]
    public void GivenADuration_WhenFormatted_ThenItReadsLikeUptime(int seconds, string expected) =>
        Assert.Equal(expected, Duration.Format(TimeSpan.FromSeconds(seconds)));

    private void Write(string name, params string[] lines) =>
        File.WriteAllText(Path.Combine(_dir, name), string.Concat(lines.Select(l => l + "\n")), new UTF8Encoding(false));

    private void Append(string name, string text) => File.AppendAllText(Path.Combine(_dir, name), text);

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
