using System.Text;

namespace SkyDeck.FakeSky.Cli;

/// <summary>Renders Click-style <c>--help</c> pages.</summary>
internal static class HelpFormatter
{
    private const int OptionColumn = 30;

    public static string Render(CommandSpec spec)
    {
        var text = new StringBuilder();
        text.Append("Usage: ").AppendLine(spec.UsageLine);
        text.AppendLine();
        text.Append("  ").AppendLine(spec.Summary);
        text.AppendLine();
        text.AppendLine("Options:");
        foreach (var option in spec.OptionsWithHelp.Where(o => !o.Hidden))
        {
            AppendRow(text, option.HelpInvocation, option.Help);
        }

        return text.ToString();
    }

    public static string RenderGroup(IEnumerable<CommandSpec> commands)
    {
        var text = new StringBuilder();
        text.AppendLine($"Usage: {CommandSpec.Program} [OPTIONS] COMMAND [ARGS]...");
        text.AppendLine();
        text.AppendLine("  SkyPilot CLI (fake-sky test double).");
        text.AppendLine();
        text.AppendLine("Options:");
        AppendRow(text, "--version", "Show the version and exit.");
        AppendRow(text, "-h, --help", "Show this message and exit.");
        text.AppendLine();
        text.AppendLine("Commands:");
        foreach (var command in commands)
        {
            AppendRow(text, command.Name, command.Summary);
        }

        return text.ToString();
    }

    private static void AppendRow(StringBuilder text, string left, string help)
    {
        if (left.Length <= OptionColumn)
        {
            text.Append("  ").Append(left.PadRight(OptionColumn)).Append("  ").AppendLine(help);
            return;
        }

        text.Append("  ").AppendLine(left);
        text.Append(' ', OptionColumn + 4).AppendLine(help);
    }
}
