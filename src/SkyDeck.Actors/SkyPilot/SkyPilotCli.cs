using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using CliWrap;
using CliWrap.Buffered;
using Microsoft.Extensions.Logging;
using SkyDeck.Actors.Core;
using SkyDeck.Actors.Experiments;
using SkyDeck.Actors.Telemetry;

namespace SkyDeck.Actors.SkyPilot;

/// <summary>
/// The only code that knows <c>sky</c>'s argv. Runs it through CliWrap with argument arrays (never a shell), closed
/// stdin, <c>-y</c>, a timeout per call (hung processes are killed) and a global cap on concurrent processes.
/// </summary>
public sealed class SkyPilotCli : ISkyGateway, IDisposable
{
    private readonly SkyPilotOptions _options;
    private readonly ILogger _logger;
    private readonly TimeProvider _clock;
    private readonly SemaphoreSlim _slots;
    private readonly SemaphoreSlim _probeLock = new(1, 1);
    private readonly SkyDeckMetrics? _metrics;
    private SkyCapabilities? _capabilities;
    private LaunchCapabilities? _launchCapabilities;
    private CostReportCapabilities? _costReport;
    private readonly Lazy<Niced?> _niced;
    private int _running;
    private int _peak;
    private long _calls;

    /// <param name="metrics">Where each process is counted and timed (by verb and outcome), with the queue for slots.</param>
    public SkyPilotCli(SkyPilotOptions options, ILogger<SkyPilotCli> logger, TimeProvider clock, SkyDeckMetrics? metrics = null)
    {
        _options = options;
        _metrics = metrics;
        _logger = logger;
        _clock = clock;
        _slots = new SemaphoreSlim(Math.Max(1, options.MaxConcurrentProcesses));
        _niced = new Lazy<Niced?>(() => Niced.Resolve(options));
    }

    /// <summary>The most <c>sky</c> processes this gateway has had running at once.</summary>
    public int PeakConcurrentProcesses => Volatile.Read(ref _peak);

    public long Calls => Interlocked.Read(ref _calls);

    /// <summary>How long a granted slot waits to be used before it is taken back.</summary>
    public static readonly TimeSpan UnusedSlotTimeout = TimeSpan.FromSeconds(60);

    public ISkySlot? TryTakeSlot() => _slots.Wait(0) ? new Slot(this) : null;

    public async Task<ISkySlot> TakeSlotAsync(CancellationToken cancellationToken)
    {
        if (_slots.Wait(0)) return new Slot(this);
        _metrics?.SkyQueued(1);
        try
        {
            await _slots.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _metrics?.SkyQueued(-1);
        }

        return new Slot(this);
    }

    public async Task<SkyOutcome> ExecuteAsync(SkyCommand command, CancellationToken cancellationToken, ISkySlot? slot = null)
    {
        var (args, timeout) = command switch
        {
            // Only a launch that names a cloud depends on the version, so only that one pays for the probe.
            SkyCommand.Launch l => (LaunchArgs(l, l.Resources.Placement().Cloud is null ? LaunchCapabilities.Newest : await LaunchCapabilitiesAsync(slot, cancellationToken).ConfigureAwait(false)), _options.LaunchTimeout),
            SkyCommand.Cancel c => (["cancel", "-y", c.Cluster, c.SkyJobId.ToString(System.Globalization.CultureInfo.InvariantCulture)], _options.ActionTimeout),
            SkyCommand.Stop s => (["stop", "-y", s.Cluster], _options.ActionTimeout),
            SkyCommand.Down d => (new[] { "down", "-y", d.Cluster }, _options.ActionTimeout),
            _ => throw new ArgumentOutOfRangeException(nameof(command)),
        };
        var run = await RunAsync(args, timeout, cancellationToken, slot).ConfigureAwait(false);
        if (run.Failure is { } failure) return SkyOutcome.Failed(failure.Kind, failure.Reason);
        var output = SkyOutput.StripAnsi(run.StdOut + "\n" + run.StdErr);
        switch (command)
        {
            case SkyCommand.Launch:
                return SkyOutcome.Ok(SkyLaunchParser.ParseJobId(output));
            case SkyCommand.Stop or SkyCommand.Down when output.Contains("Cluster(s) failed", StringComparison.Ordinal) || output.Contains("...failed", StringComparison.Ordinal):
                var classified = SkyFailureClassifier.Classify(1, run.StdOut, run.StdErr);
                return SkyOutcome.Failed(classified.Kind, classified.Reason);
            default:
                return SkyOutcome.Ok();
        }
    }

    public async Task<SkyCall<StatusReport>> StatusAsync(CancellationToken cancellationToken)
    {
        var caps = await CapabilitiesAsync(cancellationToken).ConfigureAwait(false);
        var args = new List<string> { "status" };
        if (caps.JsonOutput) args.AddRange(["-o", "json"]);
        if (caps.NoShowManagedJobs) args.Add("--no-show-managed-jobs");
        if (caps.NoShowServices) args.Add("--no-show-services");
        if (caps.NoShowPools) args.Add("--no-show-pools");
        var run = await RunAsync(args, _options.QueryTimeout, cancellationToken, background: true).ConfigureAwait(false);
        if (run.Failure is { } failure) return SkyCall<StatusReport>.Failed(failure);
        return Parse(() => SkyStatusParser.Parse(run.StdOut, _clock.GetUtcNow()), "sky status");
    }

    public async Task<SkyCall<QueueReport>> QueueAsync(IReadOnlyCollection<string> clusters, CancellationToken cancellationToken)
    {
        var caps = await CapabilitiesAsync(cancellationToken).ConfigureAwait(false);
        var args = new List<string> { "queue" };
        if (caps.JsonOutput) args.AddRange(["-o", "json"]);
        args.AddRange(clusters);
        var run = await RunAsync(args, _options.QueryTimeout, cancellationToken, background: true).ConfigureAwait(false);
        if (run.Failure is { } failure) return SkyCall<QueueReport>.Failed(failure);
        return Parse(() => SkyQueueParser.Parse(run.StdOut + "\n" + run.StdErr, clusters, _clock.GetUtcNow()), "sky queue");
    }

    /// <summary>
    /// <c>sky logs CLUSTER JOB_ID --no-follow --tail N</c>. It exits with the job's JobExitCode: 0 succeeded, 100 failed,
    /// 101 not finished, 103 cancelled all come with the log; 102 is "no such job".
    /// </summary>
    public async Task<SkyCall<LogTail>> LogsAsync(string cluster, long skyJobId, int tail, CancellationToken cancellationToken)
    {
        var args = new[] { "logs", cluster, skyJobId.ToString(CultureInfo.InvariantCulture), "--no-follow", "--tail", Invariant(Math.Max(1, tail)) };
        var run = await RunAsync(args, _options.QueryTimeout, cancellationToken, accept: LogExitCodes).ConfigureAwait(false);
        if (run.ExitCode == JobNotFound)
            return SkyCall<LogTail>.Failed(new SkyFailure(SkyFailureKind.ClusterNotFound, $"SkyPilot has no job {skyJobId} on {cluster}: {SkyOutput.Excerpt(SkyOutput.Lines(run.StdOut + "\n" + run.StdErr))}"));
        if (run.Failure is { } failure) return SkyCall<LogTail>.Failed(failure);
        return SkyCall<LogTail>.Ok(SkyLogsParser.Parse(run.StdOut, tail));
    }

    /// <summary>
    /// <c>sky cost-report --all [-o json]</c>. Whether the command exists and takes <c>-o</c> is asked once from its
    /// <c>--help</c> (<c>-o json</c> since May 2026; the command since 2023): a client that answers Click's
    /// <c>No such command</c> is remembered as having none, and asked no more.
    /// </summary>
    public async Task<SkyCall<CostReport>> CostReportAsync(CancellationToken cancellationToken)
    {
        var caps = await CostReportCapabilitiesAsync(cancellationToken).ConfigureAwait(false);
        if (caps is null) return SkyCall<CostReport>.Ok(CostReport.Unsupported);
        if (caps.Value.Failure is { } probeFailure) return SkyCall<CostReport>.Failed(probeFailure);
        string[] args = caps.Value.Json ? ["cost-report", "--all", "-o", "json"] : ["cost-report", "--all"];
        var run = await RunAsync(args, _options.QueryTimeout, cancellationToken, background: true).ConfigureAwait(false);
        if (run.Failure is { } failure)
        {
            if (!NoSuchCommand(run)) return SkyCall<CostReport>.Failed(failure);
            _costReport = CostReportCapabilities.None;
            return SkyCall<CostReport>.Ok(CostReport.Unsupported);
        }

        return Parse(() => SkyCostReportParser.Parse(run.StdOut, _clock.GetUtcNow()), "sky cost-report");
    }

    /// <summary>Null: no cost-report. A failed probe (timeout, no API server) is not remembered: it is asked again next time.</summary>
    private async Task<(bool Json, SkyFailure? Failure)?> CostReportCapabilitiesAsync(CancellationToken cancellationToken)
    {
        if (_costReport is { } known) return known.Exists ? (known.Json, null) : null;
        await _probeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_costReport is { } again) return again.Exists ? (again.Json, null) : null;
            var run = await RunAsync(["cost-report", "--help"], _options.QueryTimeout, cancellationToken, background: true).ConfigureAwait(false);
            if (run.Failure is { } failure && !NoSuchCommand(run)) return (false, failure);
            var caps = run.Failure is null ? new CostReportCapabilities(true, run.StdOut.Contains("--output", StringComparison.Ordinal)) : CostReportCapabilities.None;
            _logger.LogInformation("sky cost-report: {Exists}, -o json: {Json}", caps.Exists, caps.Json);
            _costReport = caps;
            return caps.Exists ? (caps.Json, null) : null;
        }
        finally
        {
            _probeLock.Release();
        }
    }

    /// <summary>Click's answer to a subcommand this client does not have: <c>Error: No such command 'cost-report'.</c>, exit 2.</summary>
    private static bool NoSuchCommand(ProcessRun run) =>
        run.ExitCode == 2 && (run.StdErr + "\n" + run.StdOut).Contains("No such command", StringComparison.Ordinal);

    private const int JobNotFound = 102;

    /// <summary>JobExitCode values <c>sky logs</c> exits with while printing the log (and 102: no such job).</summary>
    private static readonly IReadOnlySet<int> LogExitCodes = new HashSet<int> { 100, 101, 102, 103 };

    /// <summary>
    /// <c>sky launch</c>'s argv. Where the cluster lives is <c>--infra cloud[/region]</c> from SkyPilot 0.10, and
    /// <c>--cloud C --region R</c> before it; autostop is <c>-i N</c> (plus <c>--down</c>), enforced by the cluster itself.
    /// </summary>
    private static string[] LaunchArgs(SkyCommand.Launch launch, LaunchCapabilities caps)
    {
        var resources = launch.Resources;
        var args = new List<string> { "launch", "-y", "-d", "-c", launch.Cluster, "-n", launch.JobId, "--num-nodes", Invariant(resources.Nodes) };
        if (resources.GpuRequest() is ({ } accelerator, var perNode)) args.AddRange(["--gpus", $"{accelerator}:{perNode.ToString(System.Globalization.CultureInfo.InvariantCulture)}"]);
        var (cloud, region) = resources.Placement();
        if (cloud is not null && caps.Infra) args.AddRange(["--infra", region is null ? cloud : $"{cloud}/{region}"]);
        else if (cloud is not null) args.AddRange(region is null ? ["--cloud", cloud] : ["--cloud", cloud, "--region", region]);
        if (resources.UseSpot) args.Add("--use-spot");
        if (resources.AutostopMinutes > 0)
        {
            args.AddRange(["-i", Invariant(resources.AutostopMinutes)]);
            if (resources.AutostopDown) args.Add("--down");
        }

        args.Add("--");
        args.Add(launch.Command);
        return [.. args];
    }

    private static string Invariant(int value) => value.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private SkyCall<T> Parse<T>(Func<T> parse, string what) where T : class
    {
        try
        {
            return SkyCall<T>.Ok(parse());
        }
        catch (SkyOutputException e)
        {
            _logger.LogWarning("{What} printed output SkyDeck cannot read: {Reason}", what, e.Message);
            return SkyCall<T>.Failed(new SkyFailure(SkyFailureKind.Unknown, $"{what} printed unreadable output: {e.Message}"));
        }
    }

    private async Task<SkyCapabilities> CapabilitiesAsync(CancellationToken cancellationToken)
    {
        if (_capabilities is { } known) return known;
        await _probeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_capabilities is { } again) return again;
            var run = await RunAsync(["status", "--help"], _options.QueryTimeout, cancellationToken, background: true).ConfigureAwait(false);
            if (run.Failure is not null) return SkyCapabilities.Oldest;
            var help = run.StdOut;
            var caps = new SkyCapabilities(
                help.Contains("--output", StringComparison.Ordinal),
                help.Contains("--show-managed-jobs", StringComparison.Ordinal),
                help.Contains("--show-services", StringComparison.Ordinal),
                help.Contains("--show-pools", StringComparison.Ordinal));
            _logger.LogInformation("sky capabilities: {Capabilities}", caps);
            return _capabilities = caps;
        }
        finally
        {
            _probeLock.Release();
        }
    }

    /// <summary>What <c>sky launch --help</c> offers, asked once (a failed probe is asked again next time).</summary>
    /// <summary><paramref name="held"/>: the slot the launch that asks already holds (the probe runs in it, first).</summary>
    private async Task<LaunchCapabilities> LaunchCapabilitiesAsync(ISkySlot? held, CancellationToken cancellationToken)
    {
        if (_launchCapabilities is { } known) return known;
        await _probeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_launchCapabilities is { } again) return again;
            var run = await RunAsync(["launch", "--help"], _options.QueryTimeout, cancellationToken, underHeldSlot: held is not null).ConfigureAwait(false);
            if (run.Failure is not null) return LaunchCapabilities.Newest;
            var caps = new LaunchCapabilities(run.StdOut.Contains("--infra", StringComparison.Ordinal));
            _logger.LogInformation("sky launch capabilities: {Capabilities}", caps);
            return _launchCapabilities = caps;
        }
        finally
        {
            _probeLock.Release();
        }
    }

    /// <summary>
    /// Runs one <c>sky</c> process under the cap: with the caller's granted slot, or a slot taken here. With
    /// <paramref name="underHeldSlot"/> the process runs in a slot the caller holds for a command that has not started
    /// yet (the launch <c>--help</c> probe before that launch): taking a second slot there could deadlock the cap.
    /// A <paramref name="background"/> run (a poll's) starts under <c>nice</c>, see <see cref="SkyPilotOptions.PollNiceness"/>.
    /// </summary>
    private async Task<ProcessRun> RunAsync(IReadOnlyList<string> args, TimeSpan timeout, CancellationToken cancellationToken, ISkySlot? granted = null, bool underHeldSlot = false, IReadOnlySet<int>? accept = null, bool background = false)
    {
        var (executable, argv) = background && _niced.Value is { } niced ? (niced.Nice, niced.Arguments(args)) : (_options.Executable, args);
        using var slot = underHeldSlot ? ISkySlot.Unlimited
            : granted is Slot mine && mine.Use() ? mine
            : await TakeSlotAsync(cancellationToken).ConfigureAwait(false);
        var running = Interlocked.Increment(ref _running);
        _metrics?.SkyRunning(1);
        InterlockedMax(ref _peak, running);
        Interlocked.Increment(ref _calls);
        var started = Stopwatch.GetTimestamp();
        using var timeoutCts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeoutCts.CancelAfter(timeout);
        try
        {
            var result = await Cli.Wrap(executable)
                .WithArguments(argv)
                .WithStandardInputPipe(PipeSource.Null)
                .WithEnvironmentVariables(env =>
                {
                    env.Set("PYTHONUNBUFFERED", "1");
                    foreach (var (name, value) in _options.Environment) env.Set(name, value);
                })
                .WithValidation(CommandResultValidation.None)
                .ExecuteBufferedAsync(Encoding.UTF8, Encoding.UTF8, timeoutCts.Token)
                .ConfigureAwait(false);
            var elapsed = Stopwatch.GetElapsedTime(started);
            _logger.LogDebug("sky {Args} exited {ExitCode} in {Elapsed} ms", string.Join(' ', args), result.ExitCode, elapsed.TotalMilliseconds);
            if (result.ExitCode == 0 || accept?.Contains(result.ExitCode) == true)
            {
                _metrics?.SkyInvoked(args[0], "ok", elapsed);
                return new ProcessRun(result.StandardOutput, result.StandardError, null, result.ExitCode);
            }

            var failure = SkyFailureClassifier.Classify(result.ExitCode, result.StandardOutput, result.StandardError);
            _metrics?.SkyInvoked(args[0], SkyDeckMetrics.Outcome(failure.Kind), elapsed);
            _logger.LogWarning("sky {Command} exited {ExitCode}: {Reason}", args[0], result.ExitCode, failure.Reason);
            return new ProcessRun(result.StandardOutput, result.StandardError, failure, result.ExitCode);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            _logger.LogWarning("sky {Command} did not finish within {Timeout} and was killed", args[0], timeout);
            _metrics?.SkyInvoked(args[0], SkyDeckMetrics.Outcome(SkyFailureKind.Timeout), Stopwatch.GetElapsedTime(started));
            return new ProcessRun("", "", new SkyFailure(SkyFailureKind.Timeout, $"sky {args[0]} did not finish within {timeout.TotalSeconds:0} s and was killed"));
        }
        catch (Win32Exception e)
        {
            // .NET's text for a missing executable (ENOENT) is a misleading Win32 message about credentials: say what happened.
            var reason = e.NativeErrorCode == NoSuchFile || IsMissingPath(_options.Executable)
                ? $"sky not found at {_options.Executable}: install SkyPilot or set SKYDECK_SKY_PATH"
                : IsNotExecutable(_options.Executable)
                    ? $"sky at {_options.Executable} is not executable: make it executable (chmod +x) or set SKYDECK_SKY_PATH"
                    : $"the sky executable '{_options.Executable}' could not be started (error {e.NativeErrorCode}); check it runs from a shell, or set SKYDECK_SKY_PATH";
            _logger.LogError("{Reason}", reason);
            _metrics?.SkyInvoked(args[0], SkyDeckMetrics.Outcome(SkyFailureKind.CliUnavailable), Stopwatch.GetElapsedTime(started));
            return new ProcessRun("", "", new SkyFailure(SkyFailureKind.CliUnavailable, reason));
        }
        finally
        {
            Interlocked.Decrement(ref _running);
            _metrics?.SkyRunning(-1);
        }
    }

    /// <summary>ENOENT (and Windows' ERROR_FILE_NOT_FOUND): the executable does not exist.</summary>
    private const int NoSuchFile = 2;

    private static bool IsMissingPath(string executable) => Path.IsPathRooted(executable) && !File.Exists(executable);

    private static bool IsNotExecutable(string executable) =>
        !OperatingSystem.IsWindows() && Path.IsPathRooted(executable) && File.Exists(executable)
        && (File.GetUnixFileMode(executable) & (UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute)) == 0;

    private static void InterlockedMax(ref int target, int value)
    {
        var current = Volatile.Read(ref target);
        while (value > current)
        {
            var seen = Interlocked.CompareExchange(ref target, value, current);
            if (seen == current) return;
            current = seen;
        }
    }

    public void Dispose()
    {
        _slots.Dispose();
        _probeLock.Dispose();
    }

    private sealed record ProcessRun(string StdOut, string StdErr, SkyFailure? Failure, int ExitCode = -1);

    /// <summary>
    /// How a poll's process is started under <c>nice -n N -- /full/path/to/sky ARGS</c> (an argument array; the whole
    /// process tree inherits the niceness from its first instruction). Null — the process starts directly — when
    /// niceness is 0, on Windows, when there is no <c>nice</c>, or when <c>sky</c> cannot be found: then the direct start
    /// reports the missing executable in the gateway's own words.
    /// </summary>
    private sealed record Niced(string Nice, string Sky, string Niceness)
    {
        public IReadOnlyList<string> Arguments(IReadOnlyList<string> args) => ["-n", Niceness, "--", Sky, .. args];

        public static Niced? Resolve(SkyPilotOptions options)
        {
            if (options.PollNiceness <= 0 || OperatingSystem.IsWindows()) return null;
            var nice = Locate("nice");
            var sky = Locate(options.Executable);
            return nice is null || sky is null ? null : new Niced(nice, sky, Invariant(Math.Min(options.PollNiceness, 19)));
        }

        /// <summary>A path as given (made absolute), or a bare name looked up on PATH as exec would; only an executable file.</summary>
        private static string? Locate(string executable)
        {
            if (executable.Contains(Path.DirectorySeparatorChar, StringComparison.Ordinal))
                return Runnable(executable) ? Path.GetFullPath(executable) : null;
            var path = System.Environment.GetEnvironmentVariable("PATH") ?? "";
            return path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
                .Select(dir => Path.Combine(dir, executable))
                .FirstOrDefault(Runnable);
        }

        private static bool Runnable(string file) => File.Exists(file) && !IsNotExecutable(Path.GetFullPath(file));
    }

    /// <summary>
    /// A held slot of <see cref="_slots"/>, released exactly once: by the run that used it, by Dispose, or — granted
    /// and never used (its caller stopped) — after <see cref="UnusedSlotTimeout"/>.
    /// </summary>
    private sealed class Slot : ISkySlot
    {
        private const int Granted = 0, Used = 1, Released = 2;
        private readonly SkyPilotCli _owner;
        private readonly Timer _expiry;
        private int _state;

        public Slot(SkyPilotCli owner)
        {
            _owner = owner;
            _expiry = new Timer(_ => Expire(), null, UnusedSlotTimeout, Timeout.InfiniteTimeSpan);
        }

        /// <summary>Claims the slot for a run; false if it was already used or released.</summary>
        public bool Use()
        {
            if (Interlocked.CompareExchange(ref _state, Used, Granted) != Granted) return false;
            _expiry.Dispose();
            return true;
        }

        public void Dispose()
        {
            _expiry.Dispose();
            if (Interlocked.Exchange(ref _state, Released) != Released) Release();
        }

        private void Expire()
        {
            if (Interlocked.CompareExchange(ref _state, Released, Granted) != Granted) return;
            _expiry.Dispose();
            _owner._logger.LogWarning("A sky process slot was granted but not used within {Timeout}; released", UnusedSlotTimeout);
            Release();
        }

        /// <summary>A slot can outlive its gateway (shut down meanwhile): then there is nothing left to give it back to.</summary>
        private void Release()
        {
            try
            {
                _owner._slots.Release();
            }
            catch (ObjectDisposedException)
            {
            }
        }
    }

    /// <param name="Infra"><c>--infra</c> exists (SkyPilot 0.10 and later); otherwise <c>--cloud/--region</c>.</param>
    private sealed record LaunchCapabilities(bool Infra)
    {
        public static readonly LaunchCapabilities Newest = new(true);
    }

    /// <param name="Exists">The client has <c>cost-report</c>.</param>
    /// <param name="Json">Its <c>cost-report</c> takes <c>-o json</c> (since PR #9504, May 2026).</param>
    private sealed record CostReportCapabilities(bool Exists, bool Json)
    {
        public static readonly CostReportCapabilities None = new(false, false);
    }

    private sealed record SkyCapabilities(bool JsonOutput, bool NoShowManagedJobs, bool NoShowServices, bool NoShowPools)
    {
        public static readonly SkyCapabilities Oldest = new(false, false, false, false);
    }
}
