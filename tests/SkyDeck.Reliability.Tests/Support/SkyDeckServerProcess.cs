using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using SkyDeck.Testing;

namespace SkyDeck.Reliability.Tests.Support;

/// <summary>
/// One run of the real server: <c>dotnet skydeck.dll start --foreground --port P</c> from next to the test assembly,
/// with the testbed's HOME, database, fake <c>sky</c> and settings. Its console output is kept for diagnostics.
/// </summary>
public sealed class SkyDeckServerProcess : IDisposable
{
    private const int KeptLines = 400;
    private readonly Process _process;
    private readonly Queue<string> _lines = new();
    private readonly List<string> _matches = [];
    private readonly Task _stdout;
    private readonly Task _stderr;

    private SkyDeckServerProcess(Process process, int port)
    {
        _process = process;
        Port = port;
        Url = $"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}";
        Http = new HttpClient(new SocketsHttpHandler
        {
            MaxConnectionsPerServer = 256,
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            ConnectTimeout = TimeSpan.FromSeconds(10),
        })
        {
            BaseAddress = new Uri(Url),
            Timeout = TimeSpan.FromSeconds(60),
        };
        Http.DefaultRequestHeaders.Add("X-SkyDeck-User", User);
        Api = new SkyDeckApi(Http);
        _stdout = Pump(process.StandardOutput);
        _stderr = Pump(process.StandardError);
    }

    /// <summary>Recorded as <c>who</c> on the events the tests' requests cause (the reconciler's are <c>system</c>).</summary>
    public const string User = "reliability";

    public static string Assembly
    {
        get
        {
            var path = Path.Combine(AppContext.BaseDirectory, "skydeck.dll");
            if (!File.Exists(path)) throw new FileNotFoundException($"the built server is missing at {path}");
            return path;
        }
    }

    public int Pid => _process.Id;

    public int Port { get; }

    public string Url { get; }

    public HttpClient Http { get; }

    public SkyDeckApi Api { get; }

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    /// <summary>The last lines the server printed (stdout and stderr interleaved).</summary>
    public string Output
    {
        get
        {
            lock (_lines) return string.Join('\n', _lines);
        }
    }

    /// <summary>Lines that matched one of the watched phrases, kept however long the run is.</summary>
    public IReadOnlyList<string> Matches
    {
        get
        {
            lock (_lines) return [.. _matches];
        }
    }

    public static SkyDeckServerProcess Start(IReadOnlyDictionary<string, string> environment)
    {
        var port = FreePort();
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = environment["HOME"],
        };
        start.ArgumentList.Add(Assembly);
        foreach (var arg in new[] { "start", "--foreground", "--host", "127.0.0.1", "--port", port.ToString(CultureInfo.InvariantCulture) })
            start.ArgumentList.Add(arg);
        foreach (var key in start.Environment.Keys.Where(k => k.StartsWith("SKYDECK_", StringComparison.Ordinal) || k == "FAKE_SKY_HOME").ToList())
            start.Environment.Remove(key);
        foreach (var (key, value) in environment) start.Environment[key] = value;
        var process = Process.Start(start) ?? throw new InvalidOperationException("could not start dotnet");
        process.StandardInput.Close();
        return new SkyDeckServerProcess(process, port);
    }

    /// <summary>Polls <c>GET /health/ready</c> until it answers 200; fails early with the output if the server exits.</summary>
    public async Task WaitUntilReadyAsync(TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        using var probe = new HttpClient { BaseAddress = new Uri(Url), Timeout = TimeSpan.FromSeconds(5) };
        string last = "no answer yet";
        while (true)
        {
            if (_process.HasExited)
            {
                await Drain();
                throw new InvalidOperationException($"the server exited with {_process.ExitCode} before it was ready:\n{Output}");
            }

            try
            {
                using var response = await probe.GetAsync("/health/ready");
                if (response.StatusCode == HttpStatusCode.OK) return;
                last = $"{(int)response.StatusCode}";
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                last = e.Message;
            }

            if (clock.Elapsed > timeout)
                throw new TimeoutException($"the server did not answer /health/ready within {timeout.TotalSeconds:0} s ({last}):\n{Output}");
            await Task.Delay(100);
        }
    }

    /// <summary>SIGKILL: no shutdown hooks, no flush. Its <c>sky</c> children are left running, as a real crash leaves them.</summary>
    public async Task KillAsync()
    {
        if (!_process.HasExited) _process.Kill(entireProcessTree: false);
        await _process.WaitForExitAsync();
        await Drain();
    }

    /// <summary>SIGTERM, then waits for the exit code.</summary>
    public async Task<int> TerminateAsync(TimeSpan timeout)
    {
        Posix.Signal(_process.Id, Posix.SigTerm);
        using var deadline = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"the server did not exit within {timeout.TotalSeconds:0} s of SIGTERM:\n{Output}");
        }

        await Drain();
        return _process.ExitCode;
    }

    public long? RssKb() => _process.HasExited ? null : Posix.RssKb(_process.Id);

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited) _process.Kill(entireProcessTree: false);
            _process.WaitForExit(10_000);
        }
        catch (InvalidOperationException)
        {
        }

        Http.Dispose();
        _process.Dispose();
    }

    private async Task Drain()
    {
        try
        {
            await Task.WhenAll(_stdout, _stderr).WaitAsync(TimeSpan.FromSeconds(10));
        }
        catch (TimeoutException)
        {
            // A grandchild (an orphaned fake sky) may hold the pipe open; what was read so far is enough.
        }
    }

    private async Task Pump(StreamReader reader)
    {
        try
        {
            while (await reader.ReadLineAsync() is { } line)
            {
                lock (_lines)
                {
                    _lines.Enqueue(line);
                    if (_lines.Count > KeptLines) _lines.Dequeue();
                    if (line.Contains("shutting down", StringComparison.OrdinalIgnoreCase)
                        || line.Contains("[ERR]", StringComparison.Ordinal) || line.Contains("[FTL]", StringComparison.Ordinal))
                        _matches.Add(line);
                }
            }
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException)
        {
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
