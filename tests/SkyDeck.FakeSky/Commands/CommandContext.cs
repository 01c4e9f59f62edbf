using SkyDeck.FakeSky.Cli;
using SkyDeck.FakeSky.Control;
using SkyDeck.FakeSky.Output;

namespace SkyDeck.FakeSky.Commands;

/// <summary>What a command runs against: the home, this invocation's control settings, stdio and the clock.</summary>
internal sealed class CommandContext(
    FakeSkyHome home,
    FakeSkyControl control,
    CommandSpec spec,
    IReadOnlyList<string> argv,
    Fault? fault,
    TextWriter stdout,
    TextWriter stderr,
    double now)
{
    public FakeSkyHome Home { get; } = home;

    public FakeSkyControl Control { get; } = control;

    public CommandSpec Spec { get; } = spec;

    /// <summary>The full argv, subcommand included, as the fake received it.</summary>
    public IReadOnlyList<string> Argv { get; } = argv;

    /// <summary>A command-specific fault still to be honoured (capacity, queue_failed); generic ones are handled earlier.</summary>
    public Fault? Fault { get; } = fault;

    public TextWriter Out { get; } = stdout;

    public TextWriter Err { get; } = stderr;

    /// <summary>Epoch seconds, fixed for the whole invocation.</summary>
    public double Now { get; } = now;

    public Style Style { get; } = new(control.Ansi);

    public string CommandLine => "sky " + string.Join(' ', Argv);

    public UsageException Usage(string message) => UsageException.For(Spec, message);

    /// <summary>
    /// A Click confirmation prompt. The fake never reads stdin: SkyDeck closes it, and on EOF Click raises
    /// Abort, which prints <c>Aborted!</c> to stderr and exits 1. The prompt itself has no trailing newline.
    /// </summary>
    public int AbortAtPrompt(string question)
    {
        Out.Write($"{question} [Y/n]: ");
        Out.Flush();
        Err.WriteLine("Aborted!");
        return 1;
    }

    /// <summary>An exception as SkyPilot prints it without a traceback, e.g. <c>sky.exceptions.ClusterNotUpError: …</c>; exit 1.</summary>
    public int Raise(string exceptionType, string message)
    {
        Err.WriteLine($"sky.exceptions.{exceptionType}: {message}");
        return 1;
    }
}
