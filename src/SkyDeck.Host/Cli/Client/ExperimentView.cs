using System.Globalization;
using System.Text.Json;

namespace SkyDeck.Host.Cli;

/// <summary>How the client verbs print experiments, jobs and audit events read from the API's JSON.</summary>
internal static class ExperimentView
{
    private static readonly TextColumn[] ListColumns =
    [
        new("ID", Priority: 100, MinWidth: 12),
        new("NAME", Priority: 10, MinWidth: 8),
        new("DESIRED", Priority: 40, MinWidth: 7),
        new("CURRENT", Priority: 90, MinWidth: 9),
        new("JOB", Priority: 30, MinWidth: 7),
        new("NODES", Priority: 20, MinWidth: 5, RightAligned: true),
        new("GPUS", Priority: 20, MinWidth: 4, RightAligned: true),
        new("UPDATED", Priority: 15, MinWidth: 7),
        new("MESSAGE", Priority: 5, MinWidth: 10),
    ];

    /// <summary>The job's SkyPilot status, else its phase (as the dashboard's job column).</summary>
    private static string? JobStatus(JsonElement experiment) =>
        experiment.TryGetProperty("current_job", out var job) && job.ValueKind == JsonValueKind.Object
            ? Str(job, "status") ?? Str(job, "phase")
            : null;

    public static IEnumerable<string> Table(IReadOnlyList<JsonElement> experiments, DateTimeOffset now, int width)
    {
        var rows = experiments.Select(e => new[]
        {
            Str(e, "id") ?? "", Str(e, "name") ?? "", Str(e, "desired_state") ?? "",
            (Str(e, "current_state") ?? "") + (Bool(e, "deleted") ? " (deleted)" : ""),
            JobStatus(e) ?? "-", Raw(e, "nodes"), Raw(e, "gpus"),
            Time(e, "updated_at") is { } updated ? Ago(now - updated) : "-",
            Str(e, "message") ?? "",
        }).ToList();
        return TextTable.Render(ListColumns, rows, width);
    }

    public static void Show(JsonElement status, DateTimeOffset now, TextWriter output)
    {
        var e = status.GetProperty("experiment");
        void Line(string key, string? value)
        {
            if (!string.IsNullOrEmpty(value)) output.WriteLine($"{key + ":",-15}{value}");
        }

        Line("id", Str(e, "id"));
        Line("name", Str(e, "name"));
        Line("description", Str(e, "description"));
        Line("state", $"{Str(e, "current_state")} (desired {Str(e, "desired_state")}){(Bool(e, "deleted") ? ", deleted" : "")}");
        Line("message", Str(e, "message"));
        Line("retry at", Str(e, "retry_at"));
        Line("run name", Str(e, "run_name"));
        Line("command", Str(e, "command"));
        var resources = $"{Raw(e, "nodes")} node(s), {Raw(e, "gpus")} GPU(s)"
                        + (Str(e, "accelerator") is { } acc ? $" {acc}" : "")
                        + (Str(e, "cloud") is { } cloud ? $" on {cloud}" : "")
                        + (Str(e, "region") is { } region ? $"/{region}" : "")
                        + (Bool(e, "use_spot") ? ", spot" : "");
        Line("resources", resources);
        if (e.TryGetProperty("cluster", out var cluster)) Line("cluster", $"{Str(cluster, "name")} ({Str(cluster, "status")})");
        Line("group", Str(e, "group"));
        if (e.TryGetProperty("tags", out var tags) && tags.GetArrayLength() > 0) Line("tags", string.Join(", ", tags.EnumerateArray().Select(t => t.GetString())));
        Line("generation", $"{Raw(e, "generation")} (run {Raw(e, "run")}){(Bool(e, "needs_restart") ? " — flags changed while running, restart to apply" : "")}");
        Line("created", Stamp(Time(e, "created_at"), now));
        Line("updated", Stamp(Time(e, "updated_at"), now));
        if (e.TryGetProperty("flags", out var flags) && flags.ValueKind == JsonValueKind.Object)
        {
            output.WriteLine("flags:");
            foreach (var flag in flags.EnumerateObject()) output.WriteLine($"  {flag.Name} = {(flag.Value.ValueKind == JsonValueKind.String ? flag.Value.GetString() : flag.Value.GetRawText())}");
        }

        if (status.TryGetProperty("recent_jobs", out var jobs) && jobs.GetArrayLength() > 0)
        {
            output.WriteLine("jobs (newest first):");
            var columns = new TextColumn[] { new("JOB", 100, 10), new("SKY ID", 50, 6, true), new("STATUS", 90, 8), new("REQUESTED", 40, 9), new("DURATION", 30, 8), new("REASON", 10, 10) };
            var rows = jobs.EnumerateArray().Select(j => new[]
            {
                Str(j, "job_id") ?? "", Raw(j, "sky_job_id"), Str(j, "status") ?? Str(j, "phase") ?? "",
                Stamp(Time(j, "requested_at"), now) ?? "-",
                j.TryGetProperty("duration_seconds", out var d) && d.ValueKind == JsonValueKind.Number ? Duration.Format(TimeSpan.FromSeconds(d.GetDouble())) : "-",
                Str(j, "reason") ?? "",
            }).ToList();
            foreach (var line in TextTable.Render(columns, rows, 160)) output.WriteLine("  " + line);
        }
    }

    /// <summary>One audit event as a line: time, experiment, type, who, reason.</summary>
    public static string Event(JsonElement entry) =>
        string.Join("  ", new[]
        {
            Time(entry, "at") is { } at ? at.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture) : "-",
            Str(entry, "experiment_id") is { Length: > 0 } id ? id : "-",
            Str(entry, "type") ?? "?",
            $"by {Str(entry, "who") ?? "?"}",
            Str(entry, "reason") ?? "",
        }).TrimEnd();

    public static string? Str(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static bool Bool(JsonElement e, string name) => e.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.True;

    private static string Raw(JsonElement e, string name) =>
        e.TryGetProperty(name, out var value) && value.ValueKind is not (JsonValueKind.Null or JsonValueKind.Undefined) ? value.GetRawText() : "-";

    private static DateTimeOffset? Time(JsonElement e, string name) =>
        Str(e, name) is { } text && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at) ? at : null;

    private static string? Stamp(DateTimeOffset? at, DateTimeOffset now) =>
        at is { } t ? $"{t.ToUniversalTime():yyyy-MM-dd HH:mm:ss}Z ({Ago(now - t)})" : null;

    private static string Ago(TimeSpan age) => age < TimeSpan.FromSeconds(1) ? "now" : $"{Duration.Format(age)} ago";
}
