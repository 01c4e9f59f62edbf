using System.Globalization;

namespace SkyDeck.FakeSky.Control;

/// <summary>The failures a test can inject per subcommand through <c>control.json</c> → <c>faults</c>.</summary>
public static class FaultKinds
{
    /// <summary>Sleep until killed.</summary>
    public const string Hang = "hang";

    /// <summary><c>exit:N</c> — print <c>sky.exceptions.CommandError: injected failure</c> to stderr and exit N.</summary>
    public const string ExitPrefix = "exit:";

    /// <summary>Print junk that is neither a table nor JSON and exit 0.</summary>
    public const string Garbage = "garbage";

    /// <summary>Do the work but print only the first half of the normal stdout, exit 0.</summary>
    public const string Truncated = "truncated";

    /// <summary><c>queue</c> only: every requested cluster fails with ClusterNotUpError, exit 0.</summary>
    public const string QueueFailed = "queue_failed";

    /// <summary><c>launch</c> only: ResourcesUnavailableError, exit 1.</summary>
    public const string Capacity = "capacity";

    /// <summary><c>launch</c> only: a Click usage error about <c>--gpus</c>, exit 2.</summary>
    public const string Invalid = "invalid";

    /// <summary>The command does not exist in this client (before argv parsing, <c>--help</c> included): Click's <c>No such command</c>, exit 2.</summary>
    public const string Missing = "missing";

    public static string Exit(int code) => ExitPrefix + code.ToString(CultureInfo.InvariantCulture);

    internal static Fault Parse(string command, string text)
    {
        var fault = text switch
        {
            Hang => new Fault(FaultKind.Hang),
            Garbage => new Fault(FaultKind.Garbage),
            Truncated => new Fault(FaultKind.Truncated),
            QueueFailed when command == "queue" => new Fault(FaultKind.QueueFailed),
            Capacity when command == "launch" => new Fault(FaultKind.Capacity),
            Invalid when command == "launch" => new Fault(FaultKind.Invalid),
            Missing => new Fault(FaultKind.Missing),
            _ when text.StartsWith(ExitPrefix, StringComparison.Ordinal)
                && int.TryParse(text.AsSpan(ExitPrefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out var code)
                && code is > 0 and < 256 => new Fault(FaultKind.Exit, code),
            _ => null,
        };
        return fault ?? throw new InvalidDataException(
            $"fault '{text}' is not valid for '{command}' (hang, exit:N, garbage, truncated, missing; queue: queue_failed; launch: capacity, invalid)");
    }
}

internal enum FaultKind
{
    Hang,
    Exit,
    Garbage,
    Truncated,
    QueueFailed,
    Capacity,
    Invalid,
    Missing,
}

internal sealed record Fault(FaultKind Kind, int ExitCode = 1);
