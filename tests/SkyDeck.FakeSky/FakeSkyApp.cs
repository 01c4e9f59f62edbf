using System.Text;
using SkyDeck.FakeSky.Cli;
using SkyDeck.FakeSky.Commands;
using SkyDeck.FakeSky.Control;
using SkyDeck.FakeSky.Hosting;
using SkyDeck.FakeSky.State;

namespace SkyDeck.FakeSky;

/// <summary>
/// The fake's entry point. Order of events for a sky-compatible call:
/// <list type="number">
/// <item>log the invocation to <c>invocations.jsonl</c> and read <c>control.json</c>;</item>
/// <item>parse argv (Click usage errors and <c>--help</c> are answered at once, like the real client does
///   before it talks to the API server);</item>
/// <item>sleep <c>delays_ms[command]</c> without holding any lock;</item>
/// <item>apply <c>faults[command]</c> (hang, exit:N, garbage, invalid short-circuit; truncated wraps the output;
///   capacity and queue_failed are honoured by their commands);</item>
/// <item>run the command.</item>
/// </list>
/// </summary>
internal static class FakeSkyApp
{
    /// <summary>Exit code for the fake's own failures (bad control file, lock timeout), distinct from anything sky returns.</summary>
    public const int InternalErrorExitCode = 70;

    private static readonly TimeSpan HangLimit = TimeSpan.FromMinutes(10);

    public static int Run(IReadOnlyList<string> argv, TextWriter stdout, TextWriter stderr) =>
        Run(() => FakeSkyHome.FromEnvironment(), argv, stdout, stderr);

    /// <summary>Runs one invocation against <paramref name="home"/>; tests use this to set up state without spawning a process.</summary>
    public static int Run(FakeSkyHome home, IReadOnlyList<string> argv, TextWriter stdout, TextWriter stderr) =>
        Run(() => home, argv, stdout, stderr);

    private static int Run(Func<FakeSkyHome> resolveHome, IReadOnlyList<string> argv, TextWriter stdout, TextWriter stderr)
    {
        try
        {
            var home = resolveHome();
            if (argv.Count > 0 && argv[0] == "ctl")
            {
                return CtlCommand.Run(home, [.. argv.Skip(1)], stdout, stderr);
            }

            home.AppendInvocation(argv);
            return RunSky(home, home.ReadControl(), argv, stdout, stderr);
        }
        catch (UsageException e)
        {
            e.WriteTo(stderr);
            return UsageException.ExitCode;
        }
        catch (Exception e) when (e is InvalidDataException or TimeoutException or IOException or UnauthorizedAccessException)
        {
            stderr.WriteLine($"fake-sky: internal error: {e.Message}");
            return InternalErrorExitCode;
        }
    }

    private static int RunSky(FakeSkyHome home, FakeSkyControl control, IReadOnlyList<string> argv, TextWriter stdout, TextWriter stderr)
    {
        var first = argv.Count > 0 ? argv[0] : "--help";
        switch (first)
        {
            case "--version":
                stdout.WriteLine($"skypilot, version {control.Version}");
                return 0;
            case "-h" or "--help":
                stdout.Write(HelpFormatter.RenderGroup(CommandRegistry.All.Select(c => c.CreateSpec(control))));
                return 0;
        }

        var command = first.StartsWith('-') ? null : CommandRegistry.Find(first);
        // A client older than the command: Click does not know it, so even its --help is refused.
        if (command is null || control.Faults.TryGetValue(command.Name, out var missing) && missing == FaultKinds.Missing)
        {
            var message = first.StartsWith('-') ? $"No such option: {first}" : $"No such command '{first}'.";
            throw new UsageException($"{CommandSpec.Program} [OPTIONS] COMMAND [ARGS]...", CommandSpec.Program, message);
        }

        var spec = command.CreateSpec(control);
        var args = ArgParser.Parse(spec, [.. argv.Skip(1)]);
        if (args.HelpRequested)
        {
            stdout.Write(HelpFormatter.Render(spec));
            return 0;
        }

        if (control.DelaysMs.TryGetValue(command.Name, out var delay) && delay > 0)
        {
            Thread.Sleep(delay);
        }

        var fault = control.Faults.TryGetValue(command.Name, out var kind) ? FaultKinds.Parse(command.Name, kind) : null;
        switch (fault?.Kind)
        {
            case FaultKind.Hang:
                // "Forever" for any test; capped so an orphan left by a crashed test run does not live for days.
                Thread.Sleep(HangLimit);
                stderr.WriteLine($"fake-sky: hang fault gave up after {HangLimit.TotalMinutes:0} minutes");
                return InternalErrorExitCode;
            case FaultKind.Exit:
                stderr.WriteLine("sky.exceptions.CommandError: injected failure");
                return fault.ExitCode;
            case FaultKind.Garbage:
                stdout.Write(Garbage());
                return 0;
            case FaultKind.Invalid:
                throw UsageException.For(spec, $"Invalid value for '--gpus': '{args.Value("gpus") ?? "A100:x"}' is not a valid accelerator spec.");
            case FaultKind.Truncated:
                var full = new StringWriter { NewLine = "\n" };
                Execute(command, args, new CommandContext(home, control, spec, argv, null, full, stderr, Clock.Now()));
                stdout.Write(FirstHalf(full.ToString()));
                return 0;
        }

        return Execute(command, args, new CommandContext(home, control, spec, argv, fault, stdout, stderr, Clock.Now()));
    }

    private static int Execute(ISkyCommand command, ParsedArgs args, CommandContext context)
    {
        try
        {
            return command.Execute(args, context);
        }
        finally
        {
            context.Out.Flush();
        }
    }

    /// <summary>Junk with no table header, no <c>{</c> and no <c>[</c>, so no parser can mistake it for data.</summary>
    private static string Garbage()
    {
        const string junk = "#%&*~^!?@$<>;:|=+-_";
        var text = new StringBuilder();
        var lines = Random.Shared.Next(3, 7);
        for (var i = 0; i < lines; i++)
        {
            text.Append("~~ ").Append(Random.Shared.Next().ToString("x8", System.Globalization.CultureInfo.InvariantCulture)).Append(' ');
            for (var j = Random.Shared.Next(10, 40); j > 0; j--)
            {
                text.Append(junk[Random.Shared.Next(junk.Length)]);
            }

            text.Append('\n');
        }

        return text.ToString();
    }

    private static string FirstHalf(string text)
    {
        var half = text.Length / 2;
        if (half > 0 && char.IsHighSurrogate(text[half - 1]))
        {
            half--;
        }

        return text[..half];
    }
}
