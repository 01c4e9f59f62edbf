using System.Globalization;
using SkyDeck.Actors.Hosting;
using SkyDeck.Actors.SkyPilot;

namespace SkyDeck.Host;

/// <summary>
/// Reads SkyDeck's settings: the <c>SkyDeck</c> section of appsettings.json, overridden by the documented
/// environment variables (<c>SKYDECK_DB_PATH</c>, <c>SKYDECK_POLL_INTERVAL</c>, <c>SKYDECK_RECONCILE_INTERVAL</c>,
/// <c>SKYDECK_SKY_PATH</c>, …). A malformed value is an error naming the setting, not a silent default.
/// </summary>
public static class SkyDeckConfiguration
{
    public static SkyDeckOptions Read(IConfiguration configuration, SkyDeckPaths paths)
    {
        var section = configuration.GetSection("SkyDeck");
        string? Get(string env, string key) => configuration[env] is { Length: > 0 } fromEnv ? fromEnv : section[key];

        var defaults = new SkyDeckOptions();
        var sky = new SkyPilotOptions
        {
            Executable = Get("SKYDECK_SKY_PATH", "SkyPath") ?? "sky",
            MaxConcurrentProcesses = Int(Get("SKYDECK_MAX_SKY_PROCESSES", "MaxSkyProcesses"), "SKYDECK_MAX_SKY_PROCESSES", 4, 1, 64),
            LaunchTimeout = Seconds(Get("SKYDECK_LAUNCH_TIMEOUT", "LaunchTimeoutSeconds"), "SKYDECK_LAUNCH_TIMEOUT", defaults.Sky.LaunchTimeout),
            ActionTimeout = Seconds(Get("SKYDECK_ACTION_TIMEOUT", "ActionTimeoutSeconds"), "SKYDECK_ACTION_TIMEOUT", defaults.Sky.ActionTimeout),
            QueryTimeout = Seconds(Get("SKYDECK_QUERY_TIMEOUT", "QueryTimeoutSeconds"), "SKYDECK_QUERY_TIMEOUT", defaults.Sky.QueryTimeout),
        };
        var reconcile = defaults.Reconcile with
        {
            MaxRestarts = Int(Get("SKYDECK_MAX_RESTARTS", "MaxRestarts"), "SKYDECK_MAX_RESTARTS", defaults.Reconcile.MaxRestarts, 0, 1000),
            DefaultAccelerator = Get("SKYDECK_DEFAULT_ACCELERATOR", "DefaultAccelerator") ?? defaults.Reconcile.DefaultAccelerator,
            BackoffBase = Seconds(Get("SKYDECK_BACKOFF_BASE", "BackoffBaseSeconds"), "SKYDECK_BACKOFF_BASE", defaults.Reconcile.BackoffBase),
            BackoffCap = Seconds(Get("SKYDECK_BACKOFF_CAP", "BackoffCapSeconds"), "SKYDECK_BACKOFF_CAP", defaults.Reconcile.BackoffCap),
            ConfirmWindow = Seconds(Get("SKYDECK_CONFIRM_WINDOW", "ConfirmWindowSeconds"), "SKYDECK_CONFIRM_WINDOW", defaults.Reconcile.ConfirmWindow),
            AdoptGrace = Seconds(Get("SKYDECK_ADOPT_GRACE", "AdoptGraceSeconds"), "SKYDECK_ADOPT_GRACE", defaults.Reconcile.AdoptGrace),
        };
        return defaults with
        {
            DatabasePath = Path.GetFullPath(ExpandHome(Get("SKYDECK_DB_PATH", "DatabasePath") ?? paths.DatabaseFile)),
            PollInterval = Seconds(Get("SKYDECK_POLL_INTERVAL", "PollIntervalSeconds"), "SKYDECK_POLL_INTERVAL", defaults.PollInterval),
            ReconcileInterval = Seconds(Get("SKYDECK_RECONCILE_INTERVAL", "ReconcileIntervalSeconds"), "SKYDECK_RECONCILE_INTERVAL", defaults.ReconcileInterval),
            Reconcile = reconcile,
            Sky = sky,
        };
    }

    private static string ExpandHome(string path) =>
        path.StartsWith("~/", StringComparison.Ordinal)
            ? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), path[2..])
            : path;

    private static TimeSpan Seconds(string? text, string name, TimeSpan fallback)
    {
        if (string.IsNullOrWhiteSpace(text)) return fallback;
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) && seconds > 0 && seconds <= 7 * 24 * 3600)
            return TimeSpan.FromSeconds(seconds);
        throw new ConfigurationException($"{name} must be a number of seconds greater than 0 (got '{text}')");
    }

    private static int Int(string? text, string name, int fallback, int min, int max)
    {
        if (string.IsNullOrWhiteSpace(text)) return fallback;
        if (int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max) return value;
        throw new ConfigurationException($"{name} must be a whole number from {min} to {max} (got '{text}')");
    }
}

/// <summary>A setting has a value SkyDeck cannot use; the message names it.</summary>
public sealed class ConfigurationException(string message) : Exception(message);
