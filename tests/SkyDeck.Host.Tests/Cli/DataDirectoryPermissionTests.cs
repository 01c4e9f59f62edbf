using System.Globalization;
using SkyDeck.Actors.Core;
using SkyDeck.Actors.Hosting;

namespace SkyDeck.Host.Tests.Cli;

/// <summary>~/.skydeck holds commands, tokens and the whole history: nobody but its owner may read it.</summary>
public sealed class DataDirectoryPermissionTests : IDisposable
{
    private readonly SkyDeckProgram _skydeck = new();

    [Fact]
    public async Task GivenAWorldReadableDataDirectory_WhenTheServerStarts_ThenTheDirectoryIs0700AndEveryFileIs0600()
    {
        if (OperatingSystem.IsWindows()) return;
        Directory.CreateDirectory(_skydeck.DataDirectory);
        File.SetUnixFileMode(_skydeck.DataDirectory, (UnixFileMode)0b111_101_101);
        var port = SkyDeckProgram.FreePort();

        var start = await _skydeck.RunAsync("start", "--port", port.ToString(CultureInfo.InvariantCulture));
        Assert.True(start.ExitCode == 0, start.ToString());
        try
        {
            using var http = new HttpClient();
            (await http.PostAsync($"http://127.0.0.1:{port}/api/experiments",
                new StringContent("""{"id":"perm","base_command":"lt"}""", System.Text.Encoding.UTF8, "application/json"))).EnsureSuccessStatusCode();

            Assert.Equal(PrivateFiles.DirectoryMode, File.GetUnixFileMode(_skydeck.DataDirectory));
            var files = Directory.GetFiles(_skydeck.DataDirectory);
            foreach (var name in new[] { "skydeck.db", "skydeck.db-wal", "skydeck.db-shm", "skydeck.log", "skydeck.pid" })
                Assert.Contains(Path.Combine(_skydeck.DataDirectory, name), files);
            foreach (var file in files)
                Assert.True(File.GetUnixFileMode(file) == PrivateFiles.FileMode, $"{Path.GetFileName(file)} is {File.GetUnixFileMode(file)}");
        }
        finally
        {
            await _skydeck.RunAsync("stop");
        }
    }

    [Fact]
    public void GivenADatabaseInADirectoryTheUserChose_WhenPrepared_ThenTheFileIsPrivateButTheDirectoryIsLeftAlone()
    {
        if (OperatingSystem.IsWindows()) return;
        var shared = Path.Combine(_skydeck.Root, "shared");
        Directory.CreateDirectory(shared);
        File.SetUnixFileMode(shared, (UnixFileMode)0b111_101_101);
        var db = Path.Combine(shared, "lab.db");

        SqliteDatabase.Prepare(db);

        Assert.Equal(PrivateFiles.FileMode, File.GetUnixFileMode(db));
        Assert.Equal((UnixFileMode)0b111_101_101, File.GetUnixFileMode(shared));
    }

    public void Dispose() => _skydeck.Dispose();
}
