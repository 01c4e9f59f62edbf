using System.CommandLine;
using System.CommandLine.Invocation;
using System.CommandLine.Parsing;
using SkyDeck.Actors.Core;
using SkyDeck.Actors.Hosting;

namespace SkyDeck.Host.Cli;

/// <summary>
/// The <c>skydeck</c> command: with no arguments it makes sure the server runs and opens the dashboard;
/// <c>start</c>, <c>stop</c>, <c>restart</c>, <c>status</c> and <c>logs</c> manage the background server. Given
/// experiment ids (or <c>--filter</c>), <c>start</c>, <c>stop</c>, <c>restart</c> and <c>logs</c> act on experiments
/// instead, like <c>ls</c>, <c>show</c>, <c>rm</c> and <c>events</c>, through the running server's REST API
/// (<see cref="ClientCommandLine"/>).
/// </summary>
public static partial class SkyDeckCommandLine
{
    public static Task<int> InvokeAsync(string[] args) => InvokeAsync(args, CliConsole.System(), DefaultPaths());

    /// <summary>For tests: output goes to the given writers and no browser is opened.</summary>
    public static Task<int> InvokeAsync(string[] args, TextWriter stdout, TextWriter stderr) =>
        InvokeAsync(args, new CliConsole(stdout, stderr, IsInteractive: false), DefaultPaths());

    /// <summary>
    /// <c>~/.skydeck</c> from HOME as given. Unlike <see cref="SkyDeckPaths.Default"/>, a HOME that does not exist (or is
    /// a file) is kept, so the user is told about it, instead of becoming "" and a <c>.skydeck</c> in the current directory.
    /// </summary>
    internal static SkyDeckPaths DefaultPaths()
    {
        var home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile, Environment.SpecialFolderOption.DoNotVerify);
        return string.IsNullOrEmpty(home) ? SkyDeckPaths.Default() : new SkyDeckPaths(Path.Combine(home, ".skydeck"));
    }

    internal static async Task<int> InvokeAsync(string[] args, CliConsole console, SkyDeckPaths paths, CancellationToken ct = default)
    {
        // --demo changes where everything lives (and the environment the server inherits), so it is applied before
        // the commands are built; the option itself is declared on the root for help and parsing.
        var demo = Demo.Requested(args);
        if (demo)
        {
            paths = Demo.Paths(paths);
            try
            {
                Demo.Prepare(paths);
            }
            catch (CliException e)
            {
                console.Error.WriteLine($"skydeck: {e.Message}");
                return ExitCodes.Error;
            }
        }

        var parse = Build(console, paths, demo).Parse(args);
        var invocation = new InvocationConfiguration
        {
            Output = console.Out,
            Error = console.Error,
            // The foreground server handles SIGTERM itself and needs up to 30 s to drain; System.CommandLine's
            // handler would end the process after 2 s. `logs -f` handles Ctrl+C on its own.
            ProcessTerminationTimeout = null,
            EnableDefaultExceptionHandler = false,
        };
        try
        {
            var code = await parse.InvokeAsync(invocation, ct);
            return parse.Action is ParseErrorAction ? ExitCodes.Usage : code;
        }
        catch (Exception e) when (e is CliException or ConfigurationException or DatabaseUnavailableException)
        {
            console.Error.WriteLine($"skydeck: {e.Message}");
            return e is CliException cli ? cli.ExitCode : ExitCodes.Error;
        }
        catch (Exception e)
        {
            console.Error.WriteLine($"skydeck: unexpected error: {e.Message}");
            if (Environment.GetEnvironmentVariable("SKYDECK_DEBUG") is "1") console.Error.WriteLine(e);
            else console.Error.WriteLine("skydeck: set SKYDECK_DEBUG=1 for details");
            return ExitCodes.Error;
        }
    }

    internal static RootCommand Build(CliConsole console, SkyDeckPaths paths, bool demo = false)
    {
        var root = new RootCommand(
            "SkyDeck: a desired-state control plane for ML experiments on SkyPilot.\n\n"
            + "Without a command: starts the server in the background if it is not running, then opens the dashboard in "
            + "your browser ($BROWSER, open or xdg-open). The URL is printed instead when stdout is not a terminal, "
            + "when SKYDECK_NO_BROWSER=1, or when no browser can be started.\n\n"
            + $"Files: {paths.PidFile} (pid, URL, start time), {paths.LogFile} (rolled to skydeck_001.log … at 10 MB, "
            + $"five kept), {paths.DatabaseFile} (override with SKYDECK_DB_PATH).\n\n"
            + ExitCodes.HelpText);
        root.Options.Add(new Option<bool>(Demo.Option)
        {
            Description = "The demo: SkyDeck against the fake `sky` it ships with (no cloud, jobs move on every poll), with its "
                          + $"own data directory ({Demo.Paths(paths).Home} when not given) and port {Demo.DefaultPort}, beside any real "
                          + "server. Give it to every command: skydeck start --demo, skydeck stop --demo, …",
            Recursive = true,
        });
        var defaultPort = demo ? Demo.DefaultPort : ServerSettings.DefaultPort;
        root.SetAction((_, ct) => Commands.OpenDashboardAsync(new ServerSettings(Port: defaultPort, Demo: demo), paths, console, ct));
        root.Subcommands.Add(StartCommand(paths, console, demo));
        root.Subcommands.Add(StopCommand(paths, console));
        root.Subcommands.Add(RestartCommand(paths, console, demo));
        root.Subcommands.Add(StatusCommand(paths, console));
        root.Subcommands.Add(LogsCommand(paths, console));
        root.Subcommands.Add(ListCommand(paths, console));
        root.Subcommands.Add(ShowCommand(paths, console));
        root.Subcommands.Add(RemoveCommand(paths, console));
        root.Subcommands.Add(EventsCommand(paths, console));
        root.Subcommands.Add(SweepCommand(paths, console));
        return root;
    }

    private static Command StartCommand(SkyDeckPaths paths, CliConsole console, bool demo)
    {
        var host = HostOption();
        host.DefaultValueFactory = _ => ServerSettings.DefaultHost;
        var port = PortOption<int>();
        port.DefaultValueFactory = _ => demo ? Demo.DefaultPort : ServerSettings.DefaultPort;
        var insecure = InsecureOption();
        var foreground = new Option<bool>("--foreground")
        {
            Description = "Run the server in this process (logs to the console and the log file) until Ctrl+C or SIGTERM.",
        };
        var detached = new Option<bool>("--detached") { Hidden = true };
        var (cluster, seedNodes, db, remotePort) = ClusterOptions();
        var targets = new ExperimentTargets(ExperimentAction.Start);
        var command = new Command(
            "start",
            "Start the server in the background and wait until it answers; prints its URL and pid. Says so and exits 0 "
            + "when it is already running. Fails with one message when the port is taken, the data directory is not "
            + "writable, the database is damaged or a setting is invalid.\n\n"
            + "With experiment ids (or --filter): set those experiments' desired state to RUNNING instead.\n\n" + ExitCodes.HelpText)
        {
            host, port, insecure, foreground, detached, cluster, seedNodes, db, remotePort,
        };
        targets.AddTo(command, paths);
        command.SetAction(async (parse, ct) =>
        {
            if (targets.Given(parse))
                return await targets.RunAsync(parse, paths, console, ct, ServerOnly(parse, host, port, insecure, foreground, cluster, seedNodes, db, remotePort));
            // Passed on as the documented settings: the foreground server reads them from the environment, and a
            // server started in the background inherits it.
            if (parse.GetValue(cluster)) Environment.SetEnvironmentVariable("SKYDECK_CLUSTER", "true");
            if (parse.GetValue(seedNodes) is { } seeds) Environment.SetEnvironmentVariable("SKYDECK_SEED_NODES", seeds);
            if (parse.GetValue(db) is { } database) Environment.SetEnvironmentVariable("SKYDECK_DB", database);
            if (parse.GetValue(remotePort) is { } remote) Environment.SetEnvironmentVariable("SKYDECK_REMOTE_PORT", remote.ToString(System.Globalization.CultureInfo.InvariantCulture));
            var settings = new ServerSettings(parse.GetValue(host)!, parse.GetValue(port), parse.GetValue(insecure), Demo: demo);
            if (parse.GetValue(foreground)) return await ServerControl.RunInForegroundAsync(settings, parse.GetValue(detached), paths, console);
            return await Commands.StartAsync(settings, paths, console, ct);
        });
        return command;
    }

    private static (Option<bool> Cluster, Option<string> SeedNodes, Option<string> Db, Option<int?> RemotePort) ClusterOptions()
    {
        var cluster = new Option<bool>("--cluster")
        {
            Description = "Run as a node of a SkyDeck cluster on PostgreSQL (SKYDECK_CLUSTER); needs --seed-nodes and --db.",
        };
        var seedNodes = new Option<string>("--seed-nodes")
        {
            Description = "Comma-separated akka.tcp://skydeck@host:port addresses of the nodes to join; the first one starts the cluster (SKYDECK_SEED_NODES).",
            HelpName = "addresses",
        };
        var db = new Option<string>("--db")
        {
            Description = "The PostgreSQL connection string every node shares, e.g. 'Host=db;Database=skydeck;Username=skydeck;Password=…' (SKYDECK_DB).",
            HelpName = "connection-string",
        };
        var remotePort = new Option<int?>("--remote-port")
        {
            Description = "TCP port this node listens on for the other nodes (SKYDECK_REMOTE_PORT; default 4053).",
            HelpName = "port",
        };
        remotePort.Validators.Add(result =>
        {
            if (Number(result) is { } p and (< 1 or > 65535)) result.AddError($"--remote-port must be from 1 to 65535 (got {p})");
        });
        return (cluster, seedNodes, db, remotePort);
    }

    private static Command StopCommand(SkyDeckPaths paths, CliConsole console)
    {
        var force = new Option<bool>("--force")
        {
            Description = "Kill the server at once (SIGKILL) instead of letting it finish in-flight writes.",
        };
        var timeout = TimeoutOption();
        var targets = new ExperimentTargets(ExperimentAction.Stop);
        var command = new Command(
            "stop",
            "Stop the server gracefully (SIGTERM) and wait until it has exited, so journal writes are flushed. "
            + "A stale pid file is removed. Exits 0 when the server is not running.\n\n"
            + "With experiment ids (or --filter): set those experiments' desired state to STOPPED instead (the job is "
            + "cancelled, the cluster stopped and kept).\n\n" + ExitCodes.HelpText)
        {
            force, timeout,
        };
        targets.AddTo(command, paths);
        command.SetAction((parse, ct) => targets.Given(parse)
            ? targets.RunAsync(parse, paths, console, ct, ServerOnly(parse, force, timeout))
            : Commands.StopAsync(parse.GetValue(force), TimeSpan.FromSeconds(parse.GetValue(timeout)), paths, console, ct));
        return command;
    }

    private static Command RestartCommand(SkyDeckPaths paths, CliConsole console, bool demo)
    {
        var host = HostOption();
        host.Description += " Default: the running server's host, else 127.0.0.1.";
        var port = PortOption<int?>();
        port.Description += " Default: the running server's port, else 8000.";
        var insecure = InsecureOption();
        var timeout = TimeoutOption();
        var targets = new ExperimentTargets(ExperimentAction.Restart);
        var command = new Command(
            "restart",
            "Stop the server (waiting until it has exited and its port is free), then start it again in the background "
            + "with the same host, port and --insecure unless given.\n\n"
            + "With experiment ids (or --filter): run those experiments again with their current spec instead.\n\n" + ExitCodes.HelpText)
        {
            host, port, insecure, timeout,
        };
        targets.AddTo(command, paths);
        command.SetAction((parse, ct) => targets.Given(parse)
            ? targets.RunAsync(parse, paths, console, ct, ServerOnly(parse, host, port, insecure, timeout))
            : Commands.RestartAsync(
            parse.GetValue(host), parse.GetValue(port), parse.GetValue(insecure), demo, TimeSpan.FromSeconds(parse.GetValue(timeout)), paths, console, ct));
        return command;
    }

    private static Command StatusCommand(SkyDeckPaths paths, CliConsole console)
    {
        var command = new Command(
            "status",
            "Show whether the server is running: pid, URL, uptime, and from /api/health the last SkyPilot poll, the "
            + "last SkyPilot error and experiment counts. A stale pid file is removed.\n\n"
            + "Exit codes: 0 running and answering, 1 not running or not answering, 2 usage error.");
        command.SetAction((_, ct) => Commands.StatusAsync(paths, console, ct));
        return command;
    }

    private static Command LogsCommand(SkyDeckPaths paths, CliConsole console)
    {
        var follow = new Option<bool>("--follow", "-f") { Description = "Keep printing new lines as they are written (across log rolls) until Ctrl+C." };
        var lines = new Option<int>("--lines", "-n") { Description = "How many of the last lines to print first.", DefaultValueFactory = _ => 50 };
        lines.Validators.Add(result =>
        {
            if (Number(result) < 0) result.AddError("--lines must be 0 or more");
        });
        var id = new Argument<string?>("id") { Description = "An experiment: show its job's output instead of the server log.", Arity = ArgumentArity.ZeroOrOne };
        var job = new Option<string>("--job") { Description = "With an experiment id: this job (a job_id from `skydeck show`) instead of the current one.", HelpName = "job-id" };
        var url = UrlOption();
        var command = new Command(
            "logs",
            $"Without an id: print the last lines of the server log ({paths.LogFile} and its rolled files, oldest first).\n\n"
            + "With an experiment id: print the last lines of its current job's output (or --job's), from the running "
            + "server; -f asks again every 2 s until the job has ended.\n\n" + ExitCodes.ClientHelpText)
        {
            id, follow, lines, job, url,
        };
        command.SetAction(async (parse, ct) =>
        {
            if (parse.GetValue(id) is not { } experiment)
            {
                if (parse.GetValue(job) is not null) throw new CliException("--job needs an experiment id: skydeck logs ID --job JOB_ID", exitCode: ExitCodes.Usage);
                return await Commands.LogsAsync(parse.GetValue(lines), parse.GetValue(follow), paths, console, ct);
            }

            using var stop = Interrupt.On(ct);
            using var api = ApiClient.Connect(parse.GetValue(url), paths, console);
            return await JobLogCommand.RunAsync(api, experiment, parse.GetValue(job), parse.GetValue(lines), parse.GetValue(follow), console, stop.Token);
        });
        return command;
    }

    private static Option<string> HostOption()
    {
        var host = new Option<string>("--host")
        {
            Description = "Address to listen on. Anything but loopback makes SkyDeck reachable from the network and requires an access token (SKYDECK_TOKEN, or one generated into ~/.skydeck/token) unless --insecure.",
            HelpName = "address",
        };
        host.Validators.Add(result =>
        {
            if (result.Tokens.Count > 0 && string.IsNullOrWhiteSpace(result.Tokens[^1].Value)) result.AddError("--host must not be empty");
        });
        return host;
    }

    private static Option<T> PortOption<T>()
    {
        var port = new Option<T>("--port", "-p") { Description = "TCP port to listen on.", HelpName = "port" };
        port.Validators.Add(result =>
        {
            if (Number(result) is { } p and (< 1 or > 65535)) result.AddError($"--port must be from 1 to 65535 (got {p})");
        });
        return port;
    }

    private static Option<bool> InsecureOption() => new("--insecure")
    {
        Description = "Beyond loopback, serve without requiring a token (a warning is printed). Do this only on a trusted network.",
    };

    private static Option<int> TimeoutOption()
    {
        var timeout = new Option<int>("--timeout")
        {
            Description = "Seconds to wait for the server to exit.",
            DefaultValueFactory = _ => (int)ServerControl.DefaultStopTimeout.TotalSeconds,
            HelpName = "seconds",
        };
        timeout.Validators.Add(result =>
        {
            if (Number(result) < 1) result.AddError("--timeout must be at least 1 second");
        });
        return timeout;
    }

    /// <summary>The option's number as typed; null when absent or not a number (System.CommandLine reports that itself,
    /// and reading the converted value of an unparsable token from a validator throws).</summary>
    private static int? Number(OptionResult result) =>
        result.Tokens.Count > 0 && int.TryParse(result.Tokens[^1].Value, System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out var value)
            ? value
            : null;
}
