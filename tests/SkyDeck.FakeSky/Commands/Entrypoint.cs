using System.Text.RegularExpressions;

namespace SkyDeck.FakeSky.Commands;

/// <summary>
/// The ENTRYPOINT tokens: an inline bash command (tokens joined by single spaces, stored verbatim), a task YAML,
/// or nothing (provision only).
/// </summary>
internal sealed partial record Entrypoint(string Command, string? YamlPath, string? YamlName, bool LooksLikeMissingYaml)
{
    public bool IsEmpty => Command.Length == 0;

    public static Entrypoint From(IReadOnlyList<string> tokens)
    {
        var command = string.Join(' ', tokens);
        var looksLikeYaml = tokens.Count == 1 && (command.EndsWith(".yaml", StringComparison.Ordinal) || command.EndsWith(".yml", StringComparison.Ordinal));
        if (!looksLikeYaml)
        {
            return new Entrypoint(command, null, null, false);
        }

        if (!File.Exists(command))
        {
            return new Entrypoint(command, null, null, LooksLikeMissingYaml: true);
        }

        var name = File.ReadLines(command).Select(line => YamlNameLine().Match(line)).FirstOrDefault(m => m.Success)?.Groups[1].Value;
        return new Entrypoint(command, Path.GetFullPath(command), name, false);
    }

    /// <summary>
    /// SkyPilot asks before treating a missing <c>*.yaml</c> path as a command, and <c>-y</c> does not skip it.
    /// </summary>
    public string MissingYamlQuestion =>
        $"'{Command}' looks like a yaml path but does not exist. It will be treated as a command to be run remotely. Continue?";

    /// <summary><c>Command to run: …</c> or <c>YAML to run: …</c>.</summary>
    public string Announcement => YamlPath is null ? $"Command to run: {Command}" : $"YAML to run: {Command}";

    [GeneratedRegex(@"^name:\s*['""]?([^'""\s#]+)")]
    private static partial Regex YamlNameLine();
}
