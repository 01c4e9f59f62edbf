using System.Globalization;
using System.Text.Json;
using SkyDeck.FakeSky.Control;
using SkyDeck.FakeSky.Hosting;

namespace SkyDeck.FakeSky.Commands;

/// <summary>
/// <c>fake-sky ctl …</c>: the test and demo back door. Not part of sky's surface, not logged as an invocation,
/// and never subject to delays or faults.
/// </summary>
internal static class CtlCommand
{
    private const string Usage = """
        Usage: fake-sky ctl COMMAND [ARGS]...

        Commands:
          set-status CLUSTER JOB_ID STATUS   pin a job's status (its remaining script is dropped)
          vanish CLUSTER [UP_SECONDS]        the cluster disappears, as if deleted out of band (its history,
                                             for cost-report, ends UP_SECONDS after its last start, or now)
          fault CMD KIND                     inject a fault: hang, exit:N, garbage, truncated,
                                             missing (No such command), queue_failed (queue),
                                             capacity|invalid (launch)
          clear-fault CMD                    remove one command's fault
          clear-faults                       remove every fault
          delay CMD MS                       sleep MS milliseconds before CMD does anything
          json on|off                        whether -o/--output exists (off = SkyPilot <= 0.11)
          ansi on|off                        colour statuses with ANSI escapes
          script GLOB STATUS...              status script for jobs whose name matches GLOB
          default-script STATUS...           status script for every other job
          output GLOB CODES [LINE...]        a failed job's return codes (comma-separated, e.g. 137,1,137;
                                             '-' for the default [1]) and its log lines, for jobs matching GLOB
          reset                              forget all clusters, records and control settings
          dump                               print state.json
          home                               print the state directory
        """;

    public static int Run(FakeSkyHome home, IReadOnlyList<string> args, TextWriter stdout, TextWriter stderr)
    {
        if (args.Count > 0 && args[0] is "--help" or "-h")
        {
            stdout.WriteLine(Usage);
            return 0;
        }

        try
        {
            return Dispatch(home, args, stdout);
        }
        catch (Exception e) when (e is CtlUsageException or InvalidDataException)
        {
            stderr.WriteLine(Usage);
            stderr.WriteLine($"Error: {e.Message}");
            return 2;
        }
        catch (InvalidOperationException e)
        {
            stderr.WriteLine($"Error: {e.Message}");
            return 1;
        }
    }

    private static int Dispatch(FakeSkyHome home, IReadOnlyList<string> args, TextWriter stdout)
    {
        var verb = args.Count > 0 ? args[0] : throw new CtlUsageException("missing command");
        var rest = args.Skip(1).ToList();
        switch (verb)
        {
            case "set-status":
                Expect(rest, 3);
                home.SetStatus(rest[0], ParseInt(rest[1], "JOB_ID"), rest[2].ToUpperInvariant());
                break;
            case "vanish":
                if (rest.Count is not (1 or 2))
                {
                    throw new CtlUsageException($"expected 1 or 2 argument(s), got {rest.Count}");
                }

                home.Vanish(rest[0], rest.Count == 2 ? TimeSpan.FromSeconds(ParseInt(rest[1], "UP_SECONDS")) : null);
                break;
            case "fault":
                Expect(rest, 2);
                FaultKinds.Parse(KnownCommand(rest[0]), rest[1]);
                home.SetControl(c => c.WithFault(rest[0], rest[1]));
                break;
            case "clear-fault":
                Expect(rest, 1);
                home.SetControl(c => c.WithoutFault(rest[0]));
                break;
            case "clear-faults":
                Expect(rest, 0);
                home.SetControl(c => c.WithoutFaults());
                break;
            case "delay":
                Expect(rest, 2);
                var milliseconds = ParseInt(rest[1], "MS");
                home.SetControl(c => c.WithDelay(KnownCommand(rest[0]), milliseconds));
                break;
            case "json":
                Expect(rest, 1);
                var json = OnOff(rest[0]);
                home.SetControl(c => c with { JsonOutput = json });
                break;
            case "ansi":
                Expect(rest, 1);
                var ansi = OnOff(rest[0]);
                home.SetControl(c => c with { Ansi = ansi });
                break;
            case "script":
                ExpectAtLeast(rest, 2);
                home.SetControl(c => c.WithScript(rest[0], [.. Statuses(rest.Skip(1))]));
                break;
            case "output":
                ExpectAtLeast(rest, 2);
                var codes = rest[1] == "-" ? null : rest[1].Split(',').Select(c => ParseInt(c.Trim(), "CODES")).ToList();
                var lines = rest.Count > 2 ? rest.Skip(2).ToList() : null;
                home.SetControl(c => c.WithOutput(rest[0], codes, lines));
                break;
            case "default-script":
                ExpectAtLeast(rest, 1);
                home.SetControl(c => c with { DefaultScript = Statuses(rest) });
                break;
            case "reset":
                Expect(rest, 0);
                home.Reset();
                break;
            case "dump":
                Expect(rest, 0);
                stdout.WriteLine(JsonSerializer.Serialize(home.ReadState(), FakeSkyJson.Indented));
                break;
            case "home":
                Expect(rest, 0);
                stdout.WriteLine(home.Directory);
                break;
            default:
                throw new CtlUsageException($"no such command '{verb}'");
        }

        return 0;
    }

    private static void Expect(List<string> args, int count)
    {
        if (args.Count != count)
        {
            throw new CtlUsageException($"expected {count} argument(s), got {args.Count}");
        }
    }

    private static void ExpectAtLeast(List<string> args, int count)
    {
        if (args.Count < count)
        {
            throw new CtlUsageException($"expected at least {count} argument(s), got {args.Count}");
        }
    }

    private static int ParseInt(string text, string what) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new CtlUsageException($"{what} must be a non-negative integer, got '{text}'");

    private static bool OnOff(string text) => text switch
    {
        "on" => true,
        "off" => false,
        _ => throw new CtlUsageException($"expected on or off, got '{text}'"),
    };

    private static string KnownCommand(string command) =>
        CommandRegistry.Find(command) is not null ? command : throw new CtlUsageException($"'{command}' is not a sky command the fake implements");

    private static List<string> Statuses(IEnumerable<string> statuses) => [.. statuses.Select(s => s.ToUpperInvariant())];

    private sealed class CtlUsageException(string message) : Exception(message);
}
