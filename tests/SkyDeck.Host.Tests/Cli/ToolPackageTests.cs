using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json;
using SkyDeck.Host.Tests.Support;
using SkyDeck.Testing;

namespace SkyDeck.Host.Tests.Cli;

/// <summary>
/// The README's install, as written: <c>dotnet pack src/SkyDeck.Host -c Release</c> puts the <c>SkyDeck</c> package in
/// <c>./artifacts/packages</c>, and the tool installed from it runs: help, start/stop with the embedded dashboard, and
/// the demo with the fake <c>sky</c> the package carries. Slow (a Release build and a tool install): skip it with
/// <c>--filter "Category!=Slow"</c>.
/// </summary>
[Trait("Category", "Slow")]
public sealed class ToolPackageTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("skydeck-tool-").FullName;

    [Fact]
    public async Task GivenTheReadmesPackCommand_WhenTheToolIsInstalledFromIt_ThenSkydeckRunsWithTheDashboardAndTheDemo()
    {
        var repository = RepositoryRoot();
        var pack = await RunAsync("dotnet", ["pack", "src/SkyDeck.Host", "-c", "Release", "-nologo", "-v", "quiet"], repository);
        Assert.True(pack.ExitCode == 0, pack.ToString());
        var packages = Path.Combine(repository, "artifacts", "packages");
        Assert.NotEmpty(Directory.GetFiles(packages, "SkyDeck.*.nupkg"));

        // A private NuGet cache, so an older package of the same version cached on this machine is never installed instead.
        var tools = Path.Combine(_root, "tools");
        var install = await RunAsync("dotnet", ["tool", "install", "SkyDeck", "--tool-path", tools, "--add-source", packages], _root,
            new() { ["NUGET_PACKAGES"] = Path.Combine(_root, "nuget") });
        Assert.True(install.ExitCode == 0, install.ToString());
        var skydeck = Path.Combine(tools, "skydeck");

        var help = await RunAsync(skydeck, ["--help"], _root);
        Assert.True(help.ExitCode == 0, help.ToString());
        Assert.Contains("SkyDeck", help.Stdout);
        Assert.Contains("--demo", help.Stdout);

        var environment = new Dictionary<string, string?> { ["HOME"] = Path.Combine(_root, "home"), ["SKYDECK_SKY_PATH"] = "/bin/true", ["SKYDECK_NO_BROWSER"] = "1" };
        Directory.CreateDirectory(environment["HOME"]!);
        using var http = new HttpClient(new SocketsHttpHandler { UseProxy = false });

        var port = SkyDeckProgram.FreePort().ToString(CultureInfo.InvariantCulture);
        var start = await RunAsync(skydeck, ["start", "--port", port], _root, environment);
        try
        {
            Assert.True(start.ExitCode == 0, start.ToString());
            using var page = await http.GetAsync($"http://127.0.0.1:{port}/");
            Assert.Equal(HttpStatusCode.OK, page.StatusCode);
            Assert.Contains("<html", await page.Content.ReadAsStringAsync(), StringComparison.OrdinalIgnoreCase);
        }
        finally
        {
            var stop = await RunAsync(skydeck, ["stop"], _root, environment);
            Assert.True(stop.ExitCode == 0, stop.ToString());
        }

        var demoPort = SkyDeckProgram.FreePort().ToString(CultureInfo.InvariantCulture);
        var demo = await RunAsync(skydeck, ["start", "--demo", "--port", demoPort], _root, environment);
        try
        {
            Assert.True(demo.ExitCode == 0, demo.ToString());
            // A successful poll means the fake sky inside the package ran.
            await Eventually.Until(
                async () =>
                {
                    // 200, or 503 with the same body while a poll is slow (degraded): either way the body says how SkyPilot is.
                    using var health = await http.GetAsync($"http://127.0.0.1:{demoPort}/api/health");
                    return JsonDocument.Parse(await health.Content.ReadAsStringAsync()).RootElement.GetProperty("skypilot").GetProperty("status").GetString();
                },
                status => status == "ok",
                "the demo's first successful poll of the packaged fake sky",
                TimeSpan.FromSeconds(60));
        }
        finally
        {
            var stop = await RunAsync(skydeck, ["stop", "--demo"], _root, environment);
            Assert.True(stop.ExitCode == 0, stop.ToString());
        }
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "SkyDeck.sln"))) return dir.FullName;
        }

        throw new InvalidOperationException($"no SkyDeck.sln above {AppContext.BaseDirectory}");
    }

    private static async Task<CliRun> RunAsync(string file, string[] args, string directory, Dictionary<string, string?>? environment = null)
    {
        var start = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false, WorkingDirectory = directory,
        };
        foreach (var arg in args) start.ArgumentList.Add(arg);
        foreach (var key in start.Environment.Keys.Where(k => k.StartsWith("SKYDECK_", StringComparison.Ordinal)).ToList()) start.Environment.Remove(key);
        foreach (var (key, value) in environment ?? []) start.Environment[key] = value;
        using var process = Process.Start(start)!;
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(8));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"{file} {string.Join(' ', args)} did not finish within 8 minutes");
        }

        return new CliRun(process.ExitCode, await stdout, await stderr);
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
            // A server may still be closing its log; the temp directory is left behind.
        }
    }
}
