using SkyDeck.FakeSky;
using SkyDeck.Testing;

namespace SkyDeck.Host.Tests.Support;

/// <summary>
/// A temporary database and fake cloud, and a <c>sky</c> wrapper script that runs the <c>fake-sky</c> executable on
/// that cloud: pointing <c>SKYDECK_SKY_PATH</c> at <see cref="Wrapper"/> exercises the real CLI gateway (argv,
/// processes, output parsing) end to end.
/// </summary>
public sealed class FakeSkyExecutable : IDisposable
{
    public FakeSkyExecutable()
    {
        Wrapper = Path.Combine(Home.Directory, "sky");
        File.WriteAllText(Wrapper, $"#!/bin/sh\n{FakeSkyHome.HomeVariable}='{Home.Directory}' exec '{FakeSkyHome.ExecutablePath}' \"$@\"\n");
        if (!OperatingSystem.IsWindows())
            File.SetUnixFileMode(Wrapper, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    public TempDatabase Database { get; } = new();

    public FakeSkyHome Home { get; } = FakeSkyHome.CreateTemporary();

    /// <summary>The executable to give SkyDeck as <c>SKYDECK_SKY_PATH</c>.</summary>
    public string Wrapper { get; }

    /// <summary>The settings given, plus <c>SKYDECK_SKY_PATH</c> set to the wrapper.</summary>
    public Dictionary<string, string> With(Dictionary<string, string> settings)
    {
        settings["SKYDECK_SKY_PATH"] = Wrapper;
        return settings;
    }

    public void Dispose()
    {
        Database.Dispose();
        try
        {
            Directory.Delete(Home.Directory, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: a fake process may still hold a file.
        }
    }
}
