using System.Globalization;
using SkyDeck.Actors.Cluster;
using SkyDeck.Actors.Core;
using SkyDeck.Actors.Experiments;
using SkyDeck.Actors.Hosting;
using SkyDeck.Actors.SkyPilot;

namespace SkyDeck.Host;

/// <summary>
/// Reads SkyDeck's settings: the <c>SkyDeck</c> section of appsettings.json, overridden by the documented
/// environment variables (<c>SKYDECK_DB_PATH</c>, <c>SKYDECK_POLL_INTERVAL</c>, <c>SKYDECK_RECONCILE_INTERVAL</c>,
/// <c>SKYDECK_SKY_PATH</c>, …; cluster mode: <c>SKYDECK_CLUSTER</c>, <c>SKYDECK_SEED_NODES</c>, <c>SKYDECK_DB</c>,
/// <c>SKYDECK_REMOTE_HOST</c>, <c>SKYDECK_REMOTE_PORT</c>). A malformed value is an error naming the setting, not a silent default.
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
            PollNiceness = Int(Get("SKYDECK_POLL_NICE", "PollNiceness"), "SKYDECK_POLL_NICE", defaults.Sky.PollNiceness, 0, 19),
            LaunchTimeout = Seconds(Get("SKYDECK_LAUNCH_TIMEOUT", "LaunchTimeoutSeconds"), "SKYDECK_LAUNCH_TIMEOUT", defaults.Sky.LaunchTimeout),
            ActionTimeout = Seconds(Get("SKYDECK_ACTION_TIMEOUT", "ActionTimeoutSeconds"), "SKYDECK_ACTION_TIMEOUT", defaults.Sky.ActionTimeout),
            QueryTimeout = Seconds(Get("SKYDECK_QUERY_TIMEOUT", "QueryTimeoutSeconds"), "SKYDECK_QUERY_TIMEOUT", defaults.Sky.QueryTimeout),
        };
        var reconcile = defaults.Reconcile with
        {
            MaxRestarts = Int(Get("SKYDECK_MAX_RESTARTS", "MaxRestarts"), "SKYDECK_MAX_RESTARTS", defaults.Reconcile.MaxRestarts, 0, 1000),
            DefaultAccelerator = Get("SKYDECK_DEFAULT_ACCELERATOR", "DefaultAccelerator") ?? defaults.Reconcile.DefaultAccelerator,
            AutostopMinutes = Int(Get("SKYDECK_AUTOSTOP", "AutostopMinutes"), "SKYDECK_AUTOSTOP", defaults.Reconcile.AutostopMinutes, 0, ExperimentSpec.MaxAutostopMinutes),
            BackoffBase = Seconds(Get("SKYDECK_BACKOFF_BASE", "BackoffBaseSeconds"), "SKYDECK_BACKOFF_BASE", defaults.Reconcile.BackoffBase),
            BackoffCap = Seconds(Get("SKYDECK_BACKOFF_CAP", "BackoffCapSeconds"), "SKYDECK_BACKOFF_CAP", defaults.Reconcile.BackoffCap),
            ConfirmWindow = Seconds(Get("SKYDECK_CONFIRM_WINDOW", "ConfirmWindowSeconds"), "SKYDECK_CONFIRM_WINDOW", defaults.Reconcile.ConfirmWindow),
            AdoptGrace = Seconds(Get("SKYDECK_ADOPT_GRACE", "AdoptGraceSeconds"), "SKYDECK_ADOPT_GRACE", defaults.Reconcile.AdoptGrace),
            Prices = ReadPrices(configuration, section),
            CrashLoopFailures = Int(Get("SKYDECK_CRASH_LOOP_FAILURES", "CrashLoopFailures"), "SKYDECK_CRASH_LOOP_FAILURES", defaults.Reconcile.CrashLoopFailures, 0, 1000),
            CrashLoopMinutes = Int(Get("SKYDECK_CRASH_LOOP_MINUTES", "CrashLoopMinutes"), "SKYDECK_CRASH_LOOP_MINUTES", defaults.Reconcile.CrashLoopMinutes, 1, 7 * 24 * 60),
            LogTailLines = Int(Get("SKYDECK_LOG_TAIL", "LogTailLines"), "SKYDECK_LOG_TAIL", ReconcileSettings.DefaultLogTailLines, 0, LogTail.MaxKeptLines),
        };
        return defaults with
        {
            Cluster = ReadCluster(Get, section),
            DatabasePath = Path.GetFullPath(ExpandHome(Get("SKYDECK_DB_PATH", "DatabasePath") ?? paths.DatabaseFile)),
            PollInterval = Seconds(Get("SKYDECK_POLL_INTERVAL", "PollIntervalSeconds"), "SKYDECK_POLL_INTERVAL", defaults.PollInterval),
            ReconcileInterval = Seconds(Get("SKYDECK_RECONCILE_INTERVAL", "ReconcileIntervalSeconds"), "SKYDECK_RECONCILE_INTERVAL", defaults.ReconcileInterval),
            CostReportEvery = Int(Get("SKYDECK_COST_REPORT_EVERY", "CostReportEvery"), "SKYDECK_COST_REPORT_EVERY", defaults.CostReportEvery, 0, 100_000),
            PassivateAfter = TimeSpan.FromSeconds(Int(Get("SKYDECK_PASSIVATE_AFTER", "PassivateAfterSeconds"), "SKYDECK_PASSIVATE_AFTER", (int)defaults.PassivateAfter.TotalSeconds, 0, 7 * 24 * 3600)),
            Reconcile = reconcile,
            Sky = sky,
            MaxSweepCells = Int(Get("SKYDECK_MAX_SWEEP_CELLS", "MaxSweepCells"), "SKYDECK_MAX_SWEEP_CELLS", defaults.MaxSweepCells, 1, 100_000),
            Notifications = ReadNotifications(Get, section),
        };
    }

    /// <summary>
    /// <c>SkyDeck:Webhooks</c>: a list of <c>{ "Url": …, "Events": [ … ], "Secret": … }</c> (in the environment
    /// <c>SkyDeck__Webhooks__0__Url</c>, …; Events also as one comma-separated string). Events: names from
    /// <see cref="NotificationEvents.All"/>, <c>*</c>, or a prefix like <c>experiment.*</c>; none given: all.
    /// </summary>
    private static Actors.Notifications.NotificationOptions ReadNotifications(Func<string, string, string?> get, IConfigurationSection section)
    {
        var webhooks = new List<Webhook>();
        foreach (var (entry, index) in section.GetSection("Webhooks").GetChildren().Select((c, i) => (c, i)))
        {
            var name = $"SkyDeck:Webhooks:{entry.Key}";
            var url = entry["Url"]?.Trim();
            if (string.IsNullOrEmpty(url) || !Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
                throw new ConfigurationException($"{name}:Url must be an http(s) URL (got '{url}')");
            var events = entry["Events"] is { Length: > 0 } joined
                ? joined.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                : [.. entry.GetSection("Events").GetChildren().Select(c => c.Value?.Trim()).OfType<string>().Where(v => v.Length > 0)];
            foreach (var e in events)
            {
                var known = e == "*" || NotificationEvents.All.Contains(e) || e.EndsWith(".*", StringComparison.Ordinal) && NotificationEvents.All.Any(a => a.StartsWith(e[..^1], StringComparison.Ordinal));
                if (!known) throw new ConfigurationException($"{name}:Events: '{e}' is not an event; use {string.Join(", ", NotificationEvents.All)}, * or a prefix like experiment.*");
            }

            var secret = entry["Secret"];
            if (secret is { Length: > 0 and < 16 }) throw new ConfigurationException($"{name}:Secret must be at least 16 characters");
            webhooks.Add(new Webhook(url, [.. events], string.IsNullOrEmpty(secret) ? null : secret));
        }

        var defaults = new Actors.Notifications.NotificationOptions();
        var minutes = get("SKYDECK_NOTIFY_UNREACHABLE_MINUTES", "NotifyUnreachableMinutes");
        return defaults with
        {
            Webhooks = [.. webhooks],
            UnreachableAfter = string.IsNullOrWhiteSpace(minutes) ? defaults.UnreachableAfter
                : TimeSpan.FromMinutes(Int(minutes, "SKYDECK_NOTIFY_UNREACHABLE_MINUTES", 10, 1, 7 * 24 * 60)),
            Outbox = defaults.Outbox with
            {
                BackoffBase = Seconds(get("SKYDECK_WEBHOOK_BACKOFF_BASE", "WebhookBackoffBaseSeconds"), "SKYDECK_WEBHOOK_BACKOFF_BASE", defaults.Outbox.BackoffBase),
                BackoffCap = Seconds(get("SKYDECK_WEBHOOK_BACKOFF_CAP", "WebhookBackoffCapSeconds"), "SKYDECK_WEBHOOK_BACKOFF_CAP", defaults.Outbox.BackoffCap),
            },
        };
    }

    /// <summary>The live stream's limits: <c>SKYDECK_MAX_STREAM_CLIENTS</c> open streams at most.</summary>
    public static Api.LiveFeedOptions ReadLiveFeed(IConfiguration configuration)
    {
        var text = configuration["SKYDECK_MAX_STREAM_CLIENTS"] is { Length: > 0 } fromEnv ? fromEnv : configuration.GetSection("SkyDeck")["MaxStreamClients"];
        return new Api.LiveFeedOptions(Int(text, "SKYDECK_MAX_STREAM_CLIENTS", Api.LiveFeedOptions.DefaultMaxClients, 1, 100_000));
    }

    /// <summary>The dashboard's paging threshold: <c>SKYDECK_DASHBOARD_PAGED_ABOVE</c> or <c>SkyDeck:Dashboard:PagedAbove</c>
    /// experiments (default 5,000; 0 pages always).</summary>
    public static Api.DashboardOptions ReadDashboard(IConfiguration configuration)
    {
        var text = configuration["SKYDECK_DASHBOARD_PAGED_ABOVE"] is { Length: > 0 } fromEnv ? fromEnv : configuration["SkyDeck:Dashboard:PagedAbove"];
        return new Api.DashboardOptions(Int(text, "SKYDECK_DASHBOARD_PAGED_ABOVE", Api.DashboardOptions.DefaultPagedAbove, 0, 10_000_000));
    }

    /// <summary>
    /// Cluster mode (<c>SKYDECK_CLUSTER</c>) needs the seed nodes and a PostgreSQL database; the cluster settings without
    /// it are a mistake (the process would quietly run alone on SQLite), so they are errors too.
    /// </summary>
    private static SkyDeckClusterOptions? ReadCluster(Func<string, string, string?> get, IConfigurationSection section)
    {
        var enabled = Bool(get("SKYDECK_CLUSTER", "Cluster"), "SKYDECK_CLUSTER");
        var seeds = get("SKYDECK_SEED_NODES", "SeedNodes") is { } list
            ? list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            : [.. section.GetSection("SeedNodes").GetChildren().Select(c => c.Value?.Trim()).OfType<string>().Where(v => v.Length > 0)];
        var database = get("SKYDECK_DB", "Db");
        var host = get("SKYDECK_REMOTE_HOST", "RemoteHost");
        var port = get("SKYDECK_REMOTE_PORT", "RemotePort");
        var publicHost = get("SKYDECK_REMOTE_PUBLIC_HOST", "RemotePublicHost");
        if (!enabled)
        {
            var stray = new[] { ("SKYDECK_SEED_NODES", seeds.Length > 0), ("SKYDECK_DB", database is not null), ("SKYDECK_REMOTE_HOST", host is not null), ("SKYDECK_REMOTE_PORT", port is not null), ("SKYDECK_REMOTE_PUBLIC_HOST", publicHost is not null) }
                .Where(s => s.Item2).Select(s => s.Item1).ToList();
            if (stray.Count > 0)
                throw new ConfigurationException($"{string.Join(", ", stray)} only apply in cluster mode: set SKYDECK_CLUSTER=true (or remove them; a single process keeps its data in SKYDECK_DB_PATH)");
            return null;
        }

        if (seeds.Length == 0)
            throw new ConfigurationException("cluster mode needs SKYDECK_SEED_NODES: comma-separated akka.tcp://skydeck@host:port addresses of the nodes to join (the first one starts the cluster)");
        foreach (var seed in seeds)
        {
            if (SkyDeckClusterOptions.ValidateSeedNode(seed) is { } seedError) throw new ConfigurationException($"SKYDECK_SEED_NODES: {seedError}");
        }

        if (string.IsNullOrWhiteSpace(database))
            throw new ConfigurationException("cluster mode needs SKYDECK_DB: the PostgreSQL connection string every node shares, e.g. 'Host=db;Database=skydeck;Username=skydeck;Password=…'");
        if (PostgresDatabase.Validate(database) is { } databaseError) throw new ConfigurationException($"SKYDECK_DB {databaseError}");
        if (host is not null && string.IsNullOrWhiteSpace(host)) throw new ConfigurationException("SKYDECK_REMOTE_HOST must not be empty");

        var defaults = new SkyDeckClusterOptions { ConnectionString = database, SeedNodes = [.. seeds] };
        return defaults with
        {
            RemoteHost = host?.Trim() ?? defaults.RemoteHost,
            RemotePort = Int(port, "SKYDECK_REMOTE_PORT", defaults.RemotePort, 0, 65535),
            PublicHost = string.IsNullOrWhiteSpace(publicHost) ? null : publicHost.Trim(),
        };
    }

    /// <summary>
    /// Dollars per accelerator-hour: the default list prices (<see cref="PriceTable.Default"/>), then the
    /// <c>SkyDeck:Prices</c> section (<c>{"A100": 4.1}</c>; as environment <c>SkyDeck__Prices__A100=4.1</c>), then
    /// <c>SKYDECK_PRICES=A100=4.1,H100=12.29</c>. Spot: <c>SkyDeck:SpotPrices</c> / <c>SKYDECK_SPOT_PRICES</c> per
    /// accelerator, else on-demand × <c>SkyDeck:SpotFactor</c> / <c>SKYDECK_SPOT_FACTOR</c> (default 0.35).
    /// </summary>
    public static PriceTable ReadPrices(IConfiguration configuration, IConfigurationSection section)
    {
        IEnumerable<KeyValuePair<string, double>> Table(string env, string key)
        {
            foreach (var child in section.GetSection(key).GetChildren())
                yield return new(child.Key, Price(child.Value, $"SkyDeck:{key}:{child.Key}"));
            if (configuration[env] is not { Length: > 0 } list) yield break;
            foreach (var pair in list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                var parts = pair.Split('=', 2, StringSplitOptions.TrimEntries);
                if (parts is not [{ Length: > 0 } name, var value])
                    throw new ConfigurationException($"{env} must be ACCELERATOR=DOLLARS_PER_HOUR pairs separated by commas, e.g. A100=4.1,H100=12.29 (got '{pair}')");
                yield return new(name, Price(value, $"{env} ({name})"));
            }
        }

        var factorText = configuration["SKYDECK_SPOT_FACTOR"] is { Length: > 0 } f ? f : section["SpotFactor"];
        double? factor = null;
        if (!string.IsNullOrWhiteSpace(factorText))
        {
            if (!double.TryParse(factorText, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || value is <= 0 or > 1)
                throw new ConfigurationException($"SKYDECK_SPOT_FACTOR must be a number above 0 and at most 1 (got '{factorText}')");
            factor = value;
        }

        return PriceTable.Default.With([.. Table("SKYDECK_PRICES", "Prices")], [.. Table("SKYDECK_SPOT_PRICES", "SpotPrices")], factor);
    }

    private static double Price(string? text, string name) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var price) && price >= 0 && double.IsFinite(price)
            ? price
            : throw new ConfigurationException($"{name} must be dollars per accelerator-hour, a number 0 or more (got '{text}')");

    private static bool Bool(string? text, string name) => text?.Trim().ToLowerInvariant() switch
    {
        null or "" or "false" or "0" or "no" or "off" => false,
        "true" or "1" or "yes" or "on" => true,
        _ => throw new ConfigurationException($"{name} must be true or false (got '{text}')"),
    };

    private static string ExpandHome(string path) =>
        path.StartsWith("~/", StringComparison.Ordinal)
            ? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile, Environment.SpecialFolderOption.DoNotVerify), path[2..])
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
