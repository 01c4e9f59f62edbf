using SkyDeck.FakeSky.Cli;
using SkyDeck.FakeSky.Control;

namespace SkyDeck.FakeSky.Commands;

/// <summary>One sky-compatible subcommand.</summary>
internal interface ISkyCommand
{
    string Name { get; }

    /// <summary>The option set can depend on the control file (no <c>-o/--output</c> when <c>json_output</c> is off).</summary>
    CommandSpec CreateSpec(FakeSkyControl control);

    /// <summary>Runs after parsing, the injected delay and the generic faults; returns the exit code.</summary>
    int Execute(ParsedArgs args, CommandContext context);
}
