using System.Diagnostics;
using System.Net;
using SkyDeck.Reliability.Tests.Support;
using SkyDeck.Testing;

namespace SkyDeck.Reliability.Tests.Disk;

/// <summary>
/// The database on a disk that fills up: the real server answers creates with 503 naming the reason, keeps serving
/// what exists, says why in /api/health, and creates again by itself once space is freed — no restart. The disk is a
/// 4 MiB tmpfs mounted over the test's database directory (root only; CI runs as root).
/// </summary>
[Trait("Category", "Slow")]
public sealed class FullDiskTests(ITestOutputHelper output) : IDisposable
{
    private readonly Testbed _bed = new();
    private string? _mounted;

    [Fact]
    public async Task GivenTheDiskFills_WhenCreating_Then503AndReadsStillWork_AndOnceSpaceIsFreedCreatingWorksAgainWithoutARestart()
    {
        var directory = Path.GetDirectoryName(_bed.DatabasePath)!;
        if (!await MountAsync(directory))
        {
            output.WriteLine("not run: mounting a tmpfs needs root");
            return;
        }

        var server = await _bed.StartAsync();
        Assert.True((await server.Api.CreateAsync("before", "STOPPED")).IsSuccess);

        var filler = Path.Combine(directory, "filler");
        await FillAsync(filler);
        var refused = await server.Api.CreateAsync("during", "STOPPED");
        var list = await server.Api.ListAsync();
        var existing = await server.Api.GetAsync("before");
        var health = await server.Api.SendAsync(HttpMethod.Get, "/api/health", null);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.Status);
        Assert.Contains("full", refused.Body.GetProperty("detail").GetString(), StringComparison.OrdinalIgnoreCase);
        Assert.Equal(HttpStatusCode.OK, list.Status);
        Assert.Equal(HttpStatusCode.OK, existing.Status);
        Assert.Equal("degraded", health.Body.GetProperty("status").GetString());
        Assert.False(health.Body.GetProperty("journal").GetProperty("writable").GetBoolean());
        Assert.Contains("full", health.Body.GetProperty("journal").GetProperty("last_error").GetString(), StringComparison.OrdinalIgnoreCase);

        File.Delete(filler);
        var healing = Stopwatch.StartNew();
        await Eventually.Until(async () => (await server.Api.CreateAsync("after", "STOPPED")).IsSuccess, ok => ok, "a create to succeed after space was freed", TimeSpan.FromSeconds(60));
        output.WriteLine($"created again {healing.Elapsed.TotalSeconds:F1} s after space was freed, same server process");

        var healed = await server.Api.SendAsync(HttpMethod.Get, "/api/health", null);
        Assert.True(healed.Body.GetProperty("journal").GetProperty("writable").GetBoolean());
        Assert.Equal(["after", "before"], (await server.Api.ExperimentsAsync()).Keys.Order());
    }

    private static async Task FillAsync(string path)
    {
        var block = new byte[64 * 1024];
        await using var file = new FileStream(path, FileMode.Create, FileAccess.Write);
        try
        {
            while (true) await file.WriteAsync(block);
        }
        catch (IOException)
        {
            // No space left on device: the disk is full.
        }
    }

    private async Task<bool> MountAsync(string directory)
    {
        if (!OperatingSystem.IsLinux() || Environment.UserName != "root") return false;
        using var mount = Process.Start(new ProcessStartInfo("mount", ["-t", "tmpfs", "-o", "size=4m", "tmpfs", directory]) { RedirectStandardError = true })!;
        await mount.WaitForExitAsync();
        if (mount.ExitCode != 0) return false;
        _mounted = directory;
        return true;
    }

    public void Dispose()
    {
        _bed.Current?.Dispose();
        if (_mounted is not null) Process.Start("umount", ["-l", _mounted])!.WaitForExit();
        _bed.Dispose();
    }
}
