using System.Diagnostics;
using System.Text;
using System.Text.Json;
using SkyDeck.FakeSky.Control;
using SkyDeck.FakeSky.Hosting;
using SkyDeck.FakeSky.State;

namespace SkyDeck.FakeSky;

/// <summary>
/// A fake-sky state directory (<c>FAKE_SKY_HOME</c>) and everything tests do with it in-process: steer the fake
/// through <c>control.json</c>, read what it recorded, change the fake cloud behind SkyDeck's back, and run the
/// <c>fake-sky</c> executable. The fake processes use this same class, so both sides share one locking protocol.
/// </summary>
/// <remarks>
/// Files: <c>state.json</c> (the fake cloud), <c>control.json</c> (optional knobs), <c>invocations.jsonl</c>,
/// <c>launches.jsonl</c>, and <c>lock</c>. Every read-modify-write holds an exclusive lock on <c>lock</c>;
/// whole-file writes go through a temp file and a rename so readers never see half a file.
/// </remarks>
public sealed class FakeSkyHome
{
    public const string HomeVariable = "FAKE_SKY_HOME";

    public const string ExecutableName = "fake-sky";

    public FakeSkyHome(string directory)
    {
        Directory = Path.GetFullPath(directory);
        System.IO.Directory.CreateDirectory(Directory);
    }

    public string Directory { get; }

    public string StatePath => Path.Combine(Directory, "state.json");

    public string ControlPath => Path.Combine(Directory, "control.json");

    public string InvocationsPath => Path.Combine(Directory, "invocations.jsonl");

    public string LaunchesPath => Path.Combine(Directory, "launches.jsonl");

    private string LockPath => Path.Combine(Directory, "lock");

    /// <summary>
    /// The runnable <c>fake-sky</c> apphost next to this assembly. A project that ProjectReferences
    /// SkyDeck.FakeSky gets the apphost, <c>fake-sky.dll</c>, <c>.runtimeconfig.json</c> and <c>.deps.json</c>
    /// copied into its own output directory, so this path works from a test's bin folder as well.
    /// </summary>
    public static string ExecutablePath { get; } = Path.Combine(
        AssemblyDirectory(),
        OperatingSystem.IsWindows() ? ExecutableName + ".exe" : ExecutableName);

    /// <summary>The environment a fake process needs to use this home.</summary>
    public IReadOnlyDictionary<string, string> Environment => new Dictionary<string, string> { [HomeVariable] = Directory };

    /// <summary>A fresh, empty home under the system temp directory.</summary>
    public static FakeSkyHome CreateTemporary() =>
        new(Path.Combine(Path.GetTempPath(), "fake-sky-" + Guid.NewGuid().ToString("N")[..12]));

    /// <summary><c>$FAKE_SKY_HOME</c>, else <c>~/.fake-sky</c>.</summary>
    public static FakeSkyHome FromEnvironment()
    {
        var configured = System.Environment.GetEnvironmentVariable(HomeVariable);
        return new FakeSkyHome(string.IsNullOrWhiteSpace(configured)
            ? Path.Combine(System.Environment.GetFolderPath(System.Environment.SpecialFolder.UserProfile), ".fake-sky")
            : configured);
    }

    public FakeSkyControl ReadControl()
    {
        if (!File.Exists(ControlPath))
        {
            return FakeSkyControl.Default;
        }

        try
        {
            var file = JsonSerializer.Deserialize<ControlFile>(File.ReadAllText(ControlPath), FakeSkyJson.Strict);
            return (file?.ToControl() ?? FakeSkyControl.Default).Normalized();
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{ControlPath} is not valid: {e.Message}", e);
        }
    }

    public void WriteControl(FakeSkyControl control) => SetControl(_ => control);

    /// <summary>Read-modify-write of <c>control.json</c> under the lock; returns what was written.</summary>
    public FakeSkyControl SetControl(Func<FakeSkyControl, FakeSkyControl> change)
    {
        using var _ = FileLock.Acquire(LockPath);
        var updated = change(ReadControl()).Normalized();
        WriteAtomically(ControlPath, JsonSerializer.Serialize(updated, FakeSkyJson.Indented));
        return updated;
    }

    /// <summary>A snapshot of the fake cloud.</summary>
    public FakeSkyState ReadState()
    {
        using var _ = FileLock.Acquire(LockPath);
        return LoadState();
    }

    /// <summary>Pins a job's status (the rest of its script is dropped); throws if the cluster or job does not exist.</summary>
    public void SetStatus(string cluster, int jobId, string status) => Update(state =>
    {
        var job = state.FindCluster(cluster)?.FindJob(jobId)
            ?? throw new InvalidOperationException($"no job {jobId} on cluster '{cluster}'");
        JobProgression.Pin(job, status, Clock.Now());
        return 0;
    });

    /// <summary>
    /// Makes a cluster disappear as if it was preempted or deleted out of band; throws if it does not exist. Its history
    /// (what <c>sky cost-report</c> shows) ends now, or <paramref name="upFor"/> after its last (re)start: torn down
    /// back then, and nobody looked since.
    /// </summary>
    public void Vanish(string cluster, TimeSpan? upFor = null) => Update(state =>
    {
        var gone = state.FindCluster(cluster) ?? throw new InvalidOperationException($"no cluster '{cluster}'");
        var now = Clock.Now();
        var started = gone.UsageIntervals.LastOrDefault()?.Start ?? gone.LaunchedAt;
        state.Terminate(gone, upFor is { } up ? Math.Min(now, started + up.TotalSeconds) : now);
        return 0;
    });

    /// <summary>Forgets every cluster, job, record and control setting.</summary>
    public void Reset()
    {
        using var _ = FileLock.Acquire(LockPath);
        foreach (var path in new[] { StatePath, ControlPath, InvocationsPath, LaunchesPath })
        {
            File.Delete(path);
        }
    }

    public IReadOnlyList<FakeLaunchRecord> ReadLaunches() => ReadLines<FakeLaunchRecord>(LaunchesPath);

    public IReadOnlyList<FakeInvocationRecord> ReadInvocations() => ReadLines<FakeInvocationRecord>(InvocationsPath);

    /// <summary>A start info for the fake executable with this home, redirected stdio and the given argv.</summary>
    public ProcessStartInfo CreateStartInfo(IEnumerable<string> args)
    {
        var info = new ProcessStartInfo(ExecutablePath)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        info.Environment[HomeVariable] = Directory;
        return info;
    }

    public Task<FakeSkyResult> RunAsync(params string[] args) => RunAsync(args, timeout: null);

    /// <summary>
    /// Runs the fake with stdin closed (as SkyDeck does). On timeout or cancellation the process tree is killed
    /// and the result says <see cref="FakeSkyResult.TimedOut"/> (the task completes normally, it does not throw).
    /// </summary>
    public async Task<FakeSkyResult> RunAsync(IEnumerable<string> args, TimeSpan? timeout, CancellationToken cancellationToken = default)
    {
        using var process = Process.Start(CreateStartInfo(args))
            ?? throw new InvalidOperationException($"could not start {ExecutablePath}");
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
        var stderr = process.StandardError.ReadToEndAsync(CancellationToken.None);

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout ?? TimeSpan.FromSeconds(30));
        var timedOut = false;
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            timedOut = true;
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(CancellationToken.None);
        }

        return new FakeSkyResult(process.ExitCode, await stdout, await stderr, timedOut);
    }

    /// <summary>Read-modify-write of the fake cloud under the lock.</summary>
    internal T Update<T>(Func<FakeSkyState, T> change)
    {
        using var _ = FileLock.Acquire(LockPath);
        var state = LoadState();
        var result = change(state);
        WriteAtomically(StatePath, JsonSerializer.Serialize(state, FakeSkyJson.Indented));
        return result;
    }

    internal void AppendInvocation(IReadOnlyList<string> argv) =>
        AppendLine(InvocationsPath, new FakeInvocationRecord(DateTimeOffset.UtcNow, argv, System.Environment.ProcessId, OwnNiceness()));

    /// <summary>Field 19 of <c>/proc/self/stat</c> (after the parenthesised command name, which may contain spaces).</summary>
    private static int? OwnNiceness()
    {
        try
        {
            var stat = File.ReadAllText("/proc/self/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return int.Parse(fields[16], System.Globalization.CultureInfo.InvariantCulture);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException or ArgumentOutOfRangeException)
        {
            return null;
        }
    }

    internal void AppendLaunch(FakeLaunchRecord record) => AppendLine(LaunchesPath, record);

    private void AppendLine<T>(string path, T record)
    {
        var line = JsonSerializer.Serialize(record, FakeSkyJson.Line) + "\n";
        using var _ = FileLock.Acquire(LockPath);
        File.AppendAllText(path, line);
    }

    private FakeSkyState LoadState() =>
        File.Exists(StatePath)
            ? JsonSerializer.Deserialize<FakeSkyState>(File.ReadAllText(StatePath), FakeSkyJson.Indented) ?? new FakeSkyState()
            : new FakeSkyState();

    private IReadOnlyList<T> ReadLines<T>(string path)
    {
        if (!File.Exists(path))
        {
            return [];
        }

        string[] lines;
        using (FileLock.Acquire(LockPath))
        {
            lines = File.ReadAllLines(path);
        }

        return [.. lines
            .Where(line => line.Length > 0)
            .Select(line => JsonSerializer.Deserialize<T>(line, FakeSkyJson.Line)
                ?? throw new InvalidDataException($"null record in {path}"))];
    }

    private static void WriteAtomically(string path, string content)
    {
        var temp = $"{path}.{System.Environment.ProcessId}.tmp";
        File.WriteAllText(temp, content);
        File.Move(temp, path, overwrite: true);
    }

    private static string AssemblyDirectory()
    {
        var location = typeof(FakeSkyHome).Assembly.Location;
        return string.IsNullOrEmpty(location) ? AppContext.BaseDirectory : Path.GetDirectoryName(location)!;
    }
}
