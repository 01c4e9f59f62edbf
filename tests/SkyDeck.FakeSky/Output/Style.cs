using System.Text.RegularExpressions;
using SkyDeck.FakeSky.State;

namespace SkyDeck.FakeSky.Output;

/// <summary>
/// colorama-style ANSI escapes. Real <c>click.echo</c> strips them when stdout is not a TTY, but lines relayed
/// through SkyPilot's logger keep them, so the fake emits them only when <c>control.json</c> says <c>ansi</c>.
/// </summary>
internal sealed partial class Style(bool enabled)
{
    public const string BoldCode = "\x1b[1m";
    public const string DimCode = "\x1b[2m";
    public const string ResetCode = "\x1b[0m";

    private const string Red = "\x1b[31m";
    private const string Green = "\x1b[32m";
    private const string Yellow = "\x1b[33m";
    private const string Blue = "\x1b[34m";
    private const string Cyan = "\x1b[36m";

    public bool Enabled { get; } = enabled;

    public static string Strip(string text) => AnsiEscape().Replace(text, string.Empty);

    public string Bold(string text) => Wrap(BoldCode, text);

    public string Dim(string text) => Wrap(DimCode, text);

    public string InRed(string text) => Wrap(Red, text);

    public string InGreen(string text) => Wrap(Green, text);

    public string InYellow(string text) => Wrap(Yellow, text);

    public string InCyan(string text) => Wrap(Cyan, text);

    /// <summary><c>JobStatus.colored_str()</c>: blue while waiting, green when running or done, red on failure, yellow when cancelled.</summary>
    public string JobStatus(string status) => status switch
    {
        JobStatuses.Init or JobStatuses.Pending or JobStatuses.SettingUp => Wrap(Blue, status),
        JobStatuses.Running or JobStatuses.Succeeded => Wrap(Green, status),
        JobStatuses.Cancelled => Wrap(Yellow, status),
        _ when JobStatuses.IsFailure(status) => Wrap(Red, status),
        _ => status,
    };

    public string ClusterStatus(string status) => status switch
    {
        ClusterStatuses.Init => Wrap(Blue, status),
        ClusterStatuses.Up => Wrap(Green, status),
        ClusterStatuses.Stopped => Wrap(Yellow, status),
        _ => status,
    };

    private string Wrap(string code, string text) => Enabled ? code + text + ResetCode : text;

    [GeneratedRegex(@"\x1b\[[0-9;]*m")]
    private static partial Regex AnsiEscape();
}
