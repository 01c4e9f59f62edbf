using System.Globalization;
using SkyDeck.FakeSky;
using SkyDeck.FakeSky.Control;
using SkyDeck.Testing;

namespace SkyDeck.Reliability.Tests.Support;

/// <summary>
/// What outlives a server process: a temp HOME (so <c>~/.skydeck/</c> with pid file, log and token is private), the
/// SQLite database, the fake cloud (<c>FAKE_SKY_HOME</c>) and the settings. Servers are started and killed on it
/// again and again. Disposing kills the server and every <c>fake-sky</c> process any server left behind.
/// </summary>
public sealed class Testbed : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("skydeck-reliability-").FullName;
    private readonly List<SkyDeckServerProcess> _servers = [];

    public Testbed(IReadOnlyDictionary<string, string>? settings = null)
    {
        Home = Path.Combine(_root, "home");
        Directory.CreateDirectory(Home);
        DatabasePath = Path.Combine(_root, "db", "skydeck.db");
        Directory.CreateDirectory(Path.GetDirectoryName(DatabasePath)!);
        Fake = new FakeSkyHome(Path.Combine(_root, "fake-sky"));
        Environment = new Dictionary<string, string>
        {
            ["HOME"] = Home,
            ["SKYDECK_DB_PATH"] = DatabasePath,
            ["SKYDECK_SKY_PATH"] = FakeSkyHome.ExecutablePath,
            [FakeSkyHome.HomeVariable] = Fake.Directory,
            ["SKYDECK_NO_BROWSER"] = "1",
            ["SKYDECK_POLL_INTERVAL"] = "0.5",
            ["SKYDECK_RECONCILE_INTERVAL"] = "2",
            ["SKYDECK_BACKOFF_BASE"] = "0.5",
            ["SKYDECK_BACKOFF_CAP"] = "2",
            ["SKYDECK_CONFIRM_WINDOW"] = "10",
            // Longer than any fake launch takes: an interrupted launch is adopted, not replaced while it is still running.
            ["SKYDECK_ADOPT_GRACE"] = "10",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string>()) Environment[key] = value;
    }

    public string Home { get; }

    public string DatabasePath { get; }

    public string PidFile => Path.Combine(Home, ".skydeck", "skydeck.pid");

    public string LogFile => Path.Combine(Home, ".skydeck", "skydeck.log");

    public FakeSkyHome Fake { get; }

    public Dictionary<string, string> Environment { get; }

    public SkyDeckServerProcess? Current { get; private set; }

    public void Control(Func<FakeSkyControl, FakeSkyControl> change) => Fake.SetControl(change);

    public async Task<SkyDeckServerProcess> StartAsync(TimeSpan? readyTimeout = null)
    {
        if (Current is { HasExited: false }) throw new InvalidOperationException("a server is already running");
        var server = SkyDeckServerProcess.Start(Environment);
        _servers.Add(server);
        Current = server;
        await server.WaitUntilReadyAsync(readyTimeout ?? TimeSpan.FromSeconds(90));
        return server;
    }

    /// <summary><c>fake-sky</c> processes (from <c>invocations.jsonl</c>) that are still running.</summary>
    public IReadOnlyList<int> LiveFakeSkyProcesses() =>
        [.. Fake.ReadInvocations()
            .Select(i => i.Pid)
            .Distinct()
            .Where(pid => Posix.IsAlive(pid) && Posix.CommandLine(pid).Contains(FakeSkyHome.ExecutableName, StringComparison.Ordinal))];

    /// <summary>Fake processes started before <paramref name="before"/> and still running (a killed server's orphans).</summary>
    public IReadOnlyList<int> LiveFakeSkyProcessesStartedBefore(DateTimeOffset before) =>
        [.. Fake.ReadInvocations()
            .Where(i => i.At < before)
            .Select(i => i.Pid)
            .Distinct()
            .Where(pid => Posix.IsAlive(pid) && Posix.CommandLine(pid).Contains(FakeSkyHome.ExecutableName, StringComparison.Ordinal))];

    public void Dispose()
    {
        foreach (var server in _servers) server.Dispose();
        // Every fake process of this testbed, logged or not yet (a killed server may have just forked one).
        foreach (var pid in SafeLiveFakeSkyProcesses().Concat(Posix.ProcessesWithEnvironment(FakeSkyHome.HomeVariable, Fake.Directory)).Distinct())
            Posix.Signal(pid, Posix.SigKill);
        if (System.Environment.GetEnvironmentVariable("SKYDECK_KEEP_TESTBED") is "1") return;
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Something still writes there (a fake process being reaped); the temp directory is left behind.
        }
    }

    private IReadOnlyList<int> SafeLiveFakeSkyProcesses()
    {
        try
        {
            return LiveFakeSkyProcesses();
        }
        catch (Exception e) when (e is IOException or InvalidDataException or TimeoutException)
        {
            return [];
        }
    }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"testbed {_root}");
}
