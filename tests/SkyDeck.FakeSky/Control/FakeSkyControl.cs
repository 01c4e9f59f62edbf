using System.Collections.Immutable;

namespace SkyDeck.FakeSky.Control;

/// <summary>
/// The contents of <c>control.json</c>, re-read by every fake invocation. Every member is optional in the file;
/// unknown members are rejected so a typo in a test fails loudly instead of being ignored.
/// </summary>
/// <example>
/// <code>
/// {"json_output": true, "ansi": false,
///  "delays_ms": {"launch": 1000}, "faults": {"queue": "garbage"},
///  "scripts": [{"match": "skydeck-exp1-*", "statuses": ["PENDING", "RUNNING", "SUCCEEDED"]}],
///  "default_script": ["PENDING", "RUNNING"]}
/// </code>
/// </example>
public sealed record FakeSkyControl
{
    public static FakeSkyControl Default { get; } = new();

    /// <summary>When false the fake behaves like SkyPilot ≤ 0.11: no <c>-o/--output</c> option anywhere.</summary>
    public bool JsonOutput { get; init; } = true;

    /// <summary>The SkyPilot version to behave as (<c>sky --version</c>). Before 0.10 <c>--infra</c> does not exist (only <c>--cloud/--region/--zone</c>).</summary>
    public string Version { get; init; } = State.FakeIdentity.Version;

    /// <summary>Whether <c>launch</c>/<c>exec</c> know <c>--infra</c> (SkyPilot 0.10 and later).</summary>
    public bool HasInfraOption() => !System.Version.TryParse(Version.Split('-', '+')[0], out var v) || v >= new System.Version(0, 10);

    /// <summary>
    /// Whether <c>cost-report</c> knows <c>-o/--output</c>: PR #9504 added it in May 2026, so the first release with it
    /// is after 0.12 (0.13 assumed); and only with <see cref="JsonOutput"/>.
    /// </summary>
    public bool HasCostReportJson() =>
        JsonOutput && (!System.Version.TryParse(Version.Split('-', '+')[0], out var v) || v >= new System.Version(0, 13));

    /// <summary>Colour statuses and headings with ANSI escapes, as lines relayed through SkyPilot's logger do.</summary>
    public bool Ansi { get; init; }

    /// <summary>Per subcommand (<c>launch</c>, <c>queue</c>…): milliseconds to sleep before doing anything.</summary>
    public IReadOnlyDictionary<string, int> DelaysMs { get; init; } = ImmutableDictionary<string, int>.Empty;

    /// <summary>Per subcommand: a fault kind, see <see cref="FaultKinds"/>.</summary>
    public IReadOnlyDictionary<string, string> Faults { get; init; } = ImmutableDictionary<string, string>.Empty;

    /// <summary>Status scripts chosen by job-name glob at launch; the first match wins.</summary>
    public IReadOnlyList<FakeJobScript> Scripts { get; init; } = [];

    /// <summary>The script of jobs no rule matches.</summary>
    public IReadOnlyList<string> DefaultScript { get; init; } = [.. State.JobProgression.BuiltInScript];

    public FakeSkyControl WithFault(string command, string kind) =>
        this with { Faults = Faults.ToImmutableDictionary().SetItem(command, kind) };

    public FakeSkyControl WithoutFault(string command) =>
        this with { Faults = Faults.ToImmutableDictionary().Remove(command) };

    public FakeSkyControl WithoutFaults() => this with { Faults = ImmutableDictionary<string, string>.Empty };

    public FakeSkyControl WithDelay(string command, int milliseconds) =>
        this with { DelaysMs = DelaysMs.ToImmutableDictionary().SetItem(command, milliseconds) };

    public FakeSkyControl WithScript(string match, params string[] statuses) =>
        this with { Scripts = [.. Scripts, new FakeJobScript(match, statuses)] };

    /// <summary>
    /// Sets the exit codes and log lines of jobs matching <paramref name="match"/>: on the script rule with exactly that
    /// glob, or a new rule (with the default script) when there is none.
    /// </summary>
    public FakeSkyControl WithOutput(string match, IReadOnlyList<int>? exitCodes, IReadOnlyList<string>? logLines)
    {
        var index = Scripts.ToList().FindIndex(s => s.Match == match);
        var rule = index >= 0 ? Scripts[index] with { ExitCodes = exitCodes, LogLines = logLines } : new FakeJobScript(match, DefaultScript, exitCodes, logLines);
        return this with { Scripts = index >= 0 ? [.. Scripts.Select((s, i) => i == index ? rule : s)] : [.. Scripts, rule] };
    }

    /// <summary>The first script rule matching a job name, or null.</summary>
    public FakeJobScript? RuleFor(string jobName) => Scripts.FirstOrDefault(s => Glob.IsMatch(s.Match, jobName));

    /// <summary>The script for a job name: the first matching rule, else <see cref="DefaultScript"/>.</summary>
    public IReadOnlyList<string> ScriptFor(string jobName)
    {
        var rule = Scripts.FirstOrDefault(s => Glob.IsMatch(s.Match, jobName));
        return rule?.Statuses ?? DefaultScript;
    }

    /// <summary>Replaces null members (from code) with defaults and rejects scripts that cannot drive a job.</summary>
    internal FakeSkyControl Normalized()
    {
        var control = this with
        {
            DelaysMs = DelaysMs ?? ImmutableDictionary<string, int>.Empty,
            Faults = Faults ?? ImmutableDictionary<string, string>.Empty,
            Scripts = Scripts ?? [],
            DefaultScript = DefaultScript is { Count: > 0 } ? DefaultScript : [.. State.JobProgression.BuiltInScript],
        };
        foreach (var script in control.Scripts)
        {
            if (string.IsNullOrEmpty(script.Match) || script.Statuses is not { Count: > 0 })
            {
                throw new InvalidDataException("every entry of \"scripts\" needs a \"match\" glob and at least one status");
            }
        }

        return control;
    }
}
