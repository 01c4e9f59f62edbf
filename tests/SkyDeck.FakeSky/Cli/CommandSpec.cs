namespace SkyDeck.FakeSky.Cli;

/// <summary>Everything needed to parse one subcommand's argv and to print its usage and help.</summary>
internal sealed record CommandSpec(
    string Name,
    string Summary,
    IReadOnlyList<OptionSpec> Options,
    IReadOnlyList<ArgumentSpec> Arguments)
{
    public const string Program = "sky";

    public static readonly OptionSpec HelpOption =
        OptionSpec.Flag("help", "Show this message and exit.", "-h", "--help");

    /// <summary><c>sky launch [OPTIONS] [ENTRYPOINT]...</c></summary>
    public string UsageLine =>
        string.Join(' ', new[] { Program, Name, "[OPTIONS]" }.Concat(Arguments.Select(a => a.UsageText)));

    public IEnumerable<OptionSpec> OptionsWithHelp => Options.Append(HelpOption);
}
