namespace SkyDeck.FakeSky.Control;

/// <summary>
/// The on-disk shape of <c>control.json</c> for reading: every member nullable, so "absent" is distinguishable
/// from "false" (the source generator sets every init-only property, which would wipe the record's defaults).
/// </summary>
internal sealed class ControlFile
{
    public bool? JsonOutput { get; set; }

    public bool? Ansi { get; set; }

    public string? Version { get; set; }

    public Dictionary<string, int>? DelaysMs { get; set; }

    public Dictionary<string, string>? Faults { get; set; }

    public List<FakeJobScript>? Scripts { get; set; }

    public List<string>? DefaultScript { get; set; }

    public FakeSkyControl ToControl()
    {
        var defaults = FakeSkyControl.Default;
        return new FakeSkyControl
        {
            JsonOutput = JsonOutput ?? defaults.JsonOutput,
            Ansi = Ansi ?? defaults.Ansi,
            Version = Version ?? defaults.Version,
            DelaysMs = DelaysMs ?? defaults.DelaysMs,
            Faults = Faults ?? defaults.Faults,
            Scripts = Scripts ?? defaults.Scripts,
            DefaultScript = DefaultScript ?? defaults.DefaultScript,
        };
    }
}
