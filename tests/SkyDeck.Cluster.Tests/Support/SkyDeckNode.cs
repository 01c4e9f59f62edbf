using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using SkyDeck.Testing;

namespace SkyDeck.Cluster.Tests.Support;

/// <summary>
/// One SkyDeck server as a child process: <c>dotnet skydeck.dll start --foreground --port P [arguments]</c> from next to
/// the test assembly, with its own HOME and the given SKYDECK_* settings (nothing inherited). Its output is kept line by line
/// (and written to <c>{name}.log</c> in the run directory) so tests can see which experiments it ran.
/// </summary>
internal sealed class SkyDeckNode : IAsyncDisposable
{
    private readonly ConcurrentQueue<string> _lines = new();
    private readonly StreamWriter _log;
    private readonly Process _process;

    private SkyDeckNode(string name, int httpPort, string directory, IReadOnlyDictionary<string, string> settings, IReadOnlyList<string> arguments)
    {
        Name = name;
        HttpPort = httpPort;
        var home = Path.Combine(directory, name);
        Directory.CreateDirectory(home);
        _log = new StreamWriter(Path.Combine(directory, name + ".log")) { AutoFlush = true };
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = home,
        };
        foreach (var arg in new[] { Path.Combine(AppContext.BaseDirectory, "skydeck.dll"), "start", "--foreground", "--port", httpPort.ToString() }.Concat(arguments))
            start.ArgumentList.Add(arg);
        foreach (var key in start.Environment.Keys.Where(k => k.StartsWith("SKYDECK_", StringComparison.Ordinal) || k == "FAKE_SKY_HOME").ToList())
            start.Environment.Remove(key);
        start.Environment["HOME"] = home;
        start.Environment["SKYDECK_NO_BROWSER"] = "1";
        foreach (var (key, value) in settings) start.Environment[key] = value;
        _process = new Process { StartInfo = start };
        _process.OutputDataReceived += (_, e) => Keep(e.Data);
        _process.ErrorDataReceived += (_, e) => Keep(e.Data);
        _process.Start();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        _process.StandardInput.Close();
        Http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{httpPort}"), Timeout = TimeSpan.FromSeconds(40) };
    }

    public string Name { get; }

    public int HttpPort { get; }

    public HttpClient Http { get; }

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    public IReadOnlyList<string> Lines => [.. _lines];

    public static SkyDeckNode Start(string name, int httpPort, string directory, IReadOnlyDictionary<string, string> settings, params string[] arguments) =>
        new(name, httpPort, directory, settings, arguments);

    /// <summary>A free TCP port on loopback (for HTTP and for remoting).</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Waits until <c>/api/health</c> answers with its health body (in cluster mode: the node has joined and found
    /// the poller): 200, or 503 when the SkyPilot poll is degraded; a 503 without it is the node still starting.</summary>
    public async Task WaitHealthyAsync(TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            if (_process.HasExited) throw new InvalidOperationException($"{Name} exited with {_process.ExitCode}:\n{Tail()}");
            try
            {
                using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
                using var response = await Http.GetAsync("/api/health", cts.Token);
                if (response.StatusCode == HttpStatusCode.OK) return;
                if (response.StatusCode == HttpStatusCode.ServiceUnavailable && (await response.Content.ReadAsStringAsync(cts.Token)).Contains("\"skypilot\"", StringComparison.Ordinal)) return;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                // Not listening yet.
            }

            if (DateTime.UtcNow > deadline) throw new TimeoutException($"{Name} did not become healthy within {timeout}:\n{Tail()}");
            await Task.Delay(500);
        }
    }

    /// <summary>SIGKILL: the process dies at once, as in a crash (its child <c>sky</c> processes live on).</summary>
    public void Kill() => _process.Kill(entireProcessTree: false);

    /// <summary>SIGTERM: a graceful stop (the node leaves the cluster through coordinated shutdown).</summary>
    public void Terminate()
    {
        if (!Posix.Signal(_process.Id, Posix.SigTerm)) throw new InvalidOperationException($"kill -TERM {_process.Id} failed");
    }

    public async Task<bool> WaitForExitAsync(TimeSpan timeout)
    {
        try
        {
            await _process.WaitForExitAsync().WaitAsync(timeout);
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }

    public string Tail(int lines = 40) => string.Join('\n', _lines.TakeLast(lines));

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await WaitForExitAsync(TimeSpan.FromSeconds(10));
        }

        _process.Dispose();
        Http.Dispose();
        await _log.DisposeAsync();
    }

    private void Keep(string? line)
    {
        if (line is null) return;
        _lines.Enqueue(line);
        lock (_log) _log.WriteLine(line);
    }
}
