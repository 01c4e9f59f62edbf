using SkyDeck.FakeSky.Cli;
using SkyDeck.FakeSky.Control;

namespace SkyDeck.FakeSky.Commands;

/// <summary>Options several subcommands share, spelled as in SkyPilot's <c>flags.py</c>.</summary>
internal static class CommonOptions
{
    public static readonly OptionSpec Yes =
        OptionSpec.Flag("yes", "Skip confirmation prompt.", "-y", "--yes");

    public static readonly OptionSpec Async = OptionSpec.Switch(
        "async", "Run the command asynchronously.", ["--async"], ["--no-async"]);

    public static readonly OptionSpec AllUsers =
        OptionSpec.Flag("all_users", "Include all users.", "-u", "--all-users");

    private static readonly OptionSpec Output = OptionSpec.Choice(
        "output", "Output format. 'json' prints machine-readable JSON.", ["table", "json"], "-o", "--output");

    /// <summary><c>-o/--output</c> exists only on clients new enough to have it (SkyPilot ≥ 0.12).</summary>
    public static IEnumerable<OptionSpec> OutputIfSupported(FakeSkyControl control) =>
        control.JsonOutput ? [Output] : [];

    public static bool WantsJson(ParsedArgs args) => args.Value("output") == "json";
}
