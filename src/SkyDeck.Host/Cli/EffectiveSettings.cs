using System.Globalization;
using SkyDeck.Actors.Core;
using SkyDeck.Actors.Hosting;

namespace SkyDeck.Host.Cli;

/// <summary>
/// The settings a server runs with, by their documented names, as recorded in the pid file; and the ones a
/// <c>skydeck start</c> in this environment would give it, so that finding a server already running with others is
/// said rather than silently ignored.
/// </summary>
internal static class EffectiveSettings
{
    public static IReadOnlyDictionary<string, string> Of(SkyDeckOptions options) => new SortedDictionary<string, string>(StringComparer.Ordinal)
    {
        ["SKYDECK_SKY_PATH"] = options.Sky.Executable,
        ["SKYDECK_POLL_INTERVAL"] = options.PollInterval.TotalSeconds.ToString(CultureInfo.InvariantCulture),
        ["SKYDECK_RECONCILE_INTERVAL"] = options.ReconcileInterval.TotalSeconds.ToString(CultureInfo.InvariantCulture),
        ["SKYDECK_MAX_SKY_PROCESSES"] = options.Sky.MaxConcurrentProcesses.ToString(CultureInfo.InvariantCulture),
        ["SKYDECK_POLL_NICE"] = options.Sky.PollNiceness.ToString(CultureInfo.InvariantCulture),
        ["SKYDECK_DB_PATH"] = options.Cluster is null ? options.DatabasePath : "(cluster: PostgreSQL)",
    };

    /// <summary>What this environment asks for: the same sources the server reads (appsettings.json, ~/.skydeck/appsettings.json, SKYDECK_*).</summary>
    public static IReadOnlyDictionary<string, string> Requested(SkyDeckPaths paths)
    {
        var configuration = new ConfigurationBuilder()
            .AddJsonFile(Path.Combine(AppContext.BaseDirectory, "appsettings.json"), optional: true, reloadOnChange: false)
            .AddJsonFile(Path.Combine(paths.Home, "appsettings.json"), optional: true, reloadOnChange: false)
            .AddEnvironmentVariables()
            .Build();
        return Of(SkyDeckConfiguration.Read(configuration, paths));
    }

    /// <summary>"NAME is 'x' there, 'y' asked for" for every setting that differs; empty when the record has none.</summary>
    public static IReadOnlyList<string> Differences(ServerRecord running, IReadOnlyDictionary<string, string> requested) =>
        running.Settings is not { } actual
            ? []
            : [.. requested
                .Where(r => actual.TryGetValue(r.Key, out var value) && value != r.Value)
                .Select(r => $"{r.Key} is '{actual[r.Key]}' there, '{r.Value}' here")];
}
