using System.CommandLine;
using System.Runtime.InteropServices;

namespace SkyDeck.Host.Cli;

/// <summary>The everyday verbs' arguments and options (their work: <see cref="ClientCommands"/>).</summary>
public static partial class SkyDeckCommandLine
{
    private static Command ListCommand(SkyDeckPaths paths, CliConsole console)
    {
        var filter = new Argument<string[]>("filter")
        {
            Description = "The dashboard's filter language: space-separated terms, all must match — text (id, name or run "
                          + "name contains it), key=value, key!=value, key>n, key<n, key>=n, key<=n (a field or a flag, by its "
                          + "full key or last segments; * wildcards), has:flag, -has:flag. Fields: id, name, run, state, desired, "
                          + "nodes, gpus, job, group, cloud, region, accelerator, tag, restart, deleted.",
            Arity = ArgumentArity.ZeroOrMore,
        };
        var all = new Option<bool>("--all", "-a") { Description = "Include deleted experiments." };
        var json = JsonOption("the experiments as a JSON array (the API's fields)");
        var url = UrlOption();
        var command = new Command(
            "ls",
            "List experiments as a table fitted to the terminal (or --json), optionally filtered, e.g. "
            + "skydeck ls 'state=RUNNING gpus>=4 lr<0.01'.\n\n" + ExitCodes.ClientHelpText)
        {
            filter, all, json, url,
        };
        command.SetAction(async (parse, ct) =>
        {
            using var api = ApiClient.Connect(parse.GetValue(url), paths, console);
            return await ClientCommands.ListAsync(api, Joined(parse.GetValue(filter)), parse.GetValue(all), parse.GetValue(json), console, ct);
        });
        return command;
    }

    private static Command ShowCommand(SkyDeckPaths paths, CliConsole console)
    {
        var id = new Argument<string>("id") { Description = "The experiment." };
        var json = JsonOption("the experiment, its current job and recent jobs as JSON");
        var url = UrlOption();
        id.CompletionSources.Add(context => ExperimentIds(paths, context, url));
        var command = new Command("show", "Show one experiment: state, spec, flags, cluster and its recent jobs.\n\n" + ExitCodes.ClientHelpText)
        {
            id, json, url,
        };
        command.SetAction(async (parse, ct) =>
        {
            using var api = ApiClient.Connect(parse.GetValue(url), paths, console);
            return await ClientCommands.ShowAsync(api, parse.GetValue(id)!, parse.GetValue(json), console, ct);
        });
        return command;
    }

    private static Command RemoveCommand(SkyDeckPaths paths, CliConsole console)
    {
        var targets = new ExperimentTargets(ExperimentAction.Remove);
        var command = new Command(
            "rm",
            "Delete experiments: their job is cancelled and their cluster torn down first. Asks for confirmation unless -y. "
            + "A deleted experiment stays in the audit log and can be restored through the API.\n\n" + ExitCodes.ClientHelpText);
        targets.AddTo(command, paths);
        command.SetAction((parse, ct) => targets.Given(parse)
            ? targets.RunAsync(parse, paths, console, ct, null)
            : throw new CliException("name the experiments to delete, or select them with --filter", exitCode: ExitCodes.Usage));
        return command;
    }

    private static Command EventsCommand(SkyDeckPaths paths, CliConsole console)
    {
        var id = new Argument<string?>("id") { Description = "Only this experiment's events.", Arity = ArgumentArity.ZeroOrOne };
        var follow = new Option<bool>("--follow", "-f") { Description = "Keep printing new events as they happen (until Ctrl+C)." };
        var lines = new Option<int>("--lines", "-n") { Description = "How many of the last events to print first.", DefaultValueFactory = _ => 50 };
        lines.Validators.Add(result =>
        {
            if (Number(result) < 0) result.AddError("--lines must be 0 or more");
        });
        var json = JsonOption("one JSON object per event and line (the API's audit entries)");
        var url = UrlOption();
        id.CompletionSources.Add(context => ExperimentIds(paths, context, url));
        var command = new Command(
            "events",
            "The audit log: every recorded change and observation (who, what, why), oldest first — of one experiment or of all, "
            + "including notification deliveries.\n\n" + ExitCodes.ClientHelpText)
        {
            id, follow, lines, json, url,
        };
        command.SetAction(async (parse, ct) =>
        {
            using var stop = Interrupt.On(ct);
            using var api = ApiClient.Connect(parse.GetValue(url), paths, console);
            return await ClientCommands.EventsAsync(api, parse.GetValue(id), parse.GetValue(lines), parse.GetValue(follow), parse.GetValue(json), console, stop.Token);
        });
        return command;
    }

    /// <summary>
    /// Shell completion of experiment ids: asks the server found as the verbs find it (--url, SKYDECK_URL, the pid file),
    /// briefly; nothing when there is none. Completion sources are synchronous, hence the blocking wait.
    /// </summary>
    private static IEnumerable<string> ExperimentIds(SkyDeckPaths paths, System.CommandLine.Completions.CompletionContext context, Option<string> url)
    {
        var prefix = context.WordToComplete;
        try
        {
            var quiet = new CliConsole(TextWriter.Null, TextWriter.Null, IsInteractive: false);
            using var api = new ApiClient(ServerConnection.Resolve(context.ParseResult.GetValue(url), paths, quiet), TimeSpan.FromSeconds(2));
            var list = api.GetJsonAsync("api/experiments", CancellationToken.None).GetAwaiter().GetResult();
            return [.. list.GetProperty("experiments").EnumerateArray()
                .Select(e => ExperimentView.Str(e, "id"))
                .OfType<string>()
                .Where(id => id.StartsWith(prefix, StringComparison.Ordinal))
                .Order(StringComparer.Ordinal)];
        }
        catch (Exception e) when (e is CliException or System.Text.Json.JsonException or InvalidOperationException or KeyNotFoundException)
        {
            return [];
        }
    }

    private static Option<string> UrlOption() => new("--url")
    {
        Description = $"The SkyDeck server to talk to (default: {ServerConnection.UrlVariable}, else the one `skydeck start` started). "
                      + "A token comes from SKYDECK_TOKEN, else ~/.skydeck/token.",
        HelpName = "url",
    };

    private static Option<bool> JsonOption(string what) => new("--json") { Description = $"Print {what}." };

    private static string? Joined(string[]? terms) => terms is { Length: > 0 } ? string.Join(' ', terms) : null;

    /// <summary>The server-management options given on the command line (not defaults), which experiment ids exclude.</summary>
    private static string? ServerOnly(System.CommandLine.ParseResult parse, params Option[] options) =>
        options.FirstOrDefault(o => parse.GetResult(o) is { Implicit: false })?.Name;

    /// <summary>The experiments a verb acts on: ids, <c>--filter</c>, <c>-y</c>, <c>--url</c> (and <c>--reason</c> for start/stop).</summary>
    private sealed class ExperimentTargets(ExperimentAction action)
    {
        private readonly Argument<string[]> _ids = new("id")
        {
            Description = "Experiments to act on (then the command is about experiments, not the server).",
            Arity = ArgumentArity.ZeroOrMore,
        };

        private readonly Option<string> _filter = new("--filter")
        {
            Description = "Also act on every experiment the filter selects (the language of `skydeck ls`).",
            HelpName = "filter",
        };

        private readonly Option<bool> _yes = new("--yes", "-y") { Description = "Do not ask for confirmation (asked for rm, and for several experiments)." };
        private readonly Option<string> _reason = new("--reason") { Description = "Why, recorded on the change in the audit log.", HelpName = "text" };
        private readonly Option<string> _url = UrlOption();

        public void AddTo(Command command, SkyDeckPaths paths)
        {
            _ids.CompletionSources.Add(context => ExperimentIds(paths, context, _url));
            command.Arguments.Add(_ids);
            command.Options.Add(_filter);
            command.Options.Add(_yes);
            if (action is ExperimentAction.Start or ExperimentAction.Stop) command.Options.Add(_reason);
            command.Options.Add(_url);
        }

        public bool Given(System.CommandLine.ParseResult parse) => parse.GetValue(_ids) is { Length: > 0 } || parse.GetValue(_filter) is not null;

        public async Task<int> RunAsync(System.CommandLine.ParseResult parse, SkyDeckPaths paths, CliConsole console, CancellationToken ct, string? serverOption)
        {
            if (serverOption is not null)
                throw new CliException($"{serverOption} is about the server; it cannot be combined with experiment ids or --filter", exitCode: ExitCodes.Usage);
            using var api = ApiClient.Connect(parse.GetValue(_url), paths, console);
            return await ClientCommands.ActAsync(
                api, action, parse.GetValue(_ids) ?? [], parse.GetValue(_filter), parse.GetValue(_yes), parse.GetValue(_reason), console, ct);
        }
    }

    /// <summary>Ctrl+C or SIGTERM ends a follow cleanly (exit 0) instead of killing the process.</summary>
    private sealed class Interrupt : IDisposable
    {
        private readonly CancellationTokenSource _stop;
        private readonly PosixSignalRegistration _interrupt;
        private readonly PosixSignalRegistration _terminate;

        private Interrupt(CancellationToken ct)
        {
            _stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
            _interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Cancel);
            _terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Cancel);
        }

        public CancellationToken Token => _stop.Token;

        public static Interrupt On(CancellationToken ct) => new(ct);

        private void Cancel(PosixSignalContext context)
        {
            context.Cancel = true;
            _stop.Cancel();
        }

        public void Dispose()
        {
            _interrupt.Dispose();
            _terminate.Dispose();
            _stop.Dispose();
        }
    }
}
