using System.Globalization;
using System.Text.Json;
using static System.FormattableString;

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
        new("GPU-H", Priority: 12, MinWidth: 5, RightAligned: true),
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
            JobStatus(e) ?? "-", Raw(e, "nodes"), Raw(e, "gpus"), GpuHours(e, now),
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
        Line("sweep", Str(e, "sweep"));
        Line("attempts", Attempts(e));
        Line("retry", RetryPolicy(e));
        Line("cost", Cost(e, now));
        Line("budget", Budget(e));
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
            var columns = new TextColumn[]
            {
                new("JOB", 100, 10), new("SKY ID", 50, 6, true), new("STATUS", 90, 8), new("CAUSE", 80, 5), new("REQUESTED", 40, 9),
                new("DURATION", 30, 8), new("GPU-H", 25, 5, true), new("REASON", 10, 10),
            };
            var rows = jobs.EnumerateArray().Select(j => new[]
            {
                Str(j, "job_id") ?? "", Raw(j, "sky_job_id"), Str(j, "status") ?? Str(j, "phase") ?? "",
                Str(j, "cause") ?? "-",
                Stamp(Time(j, "requested_at"), now) ?? "-",
                Number(j, "duration_seconds") is { } d ? Duration.Format(TimeSpan.FromSeconds(d)) : "-",
                GpuHours(j, now),
                Str(j, "reason") ?? "",
            }).ToList();
            foreach (var line in TextTable.Render(columns, rows, 160)) output.WriteLine("  " + line);
        }
    }

    /// <summary>How each attempt of the current run ended, as the dashboard's strip: <c>✗pre ✗pre ✗exit 1 · 1 restart used of 0</c>.</summary>
    private static string? Attempts(JsonElement e)
    {
        if (!e.TryGetProperty("attempts", out var attempts) || attempts.ValueKind != JsonValueKind.Array || attempts.GetArrayLength() == 0) return null;
        var strip = string.Join(" ", attempts.EnumerateArray().Select(a => Str(a, "outcome") switch
        {
            "user_error" => Number(a, "exit_code") is { } code ? Invariant($"✗exit {code:0}") : "✗exit ?",
            { } outcome when AttemptMarks.TryGetValue(outcome, out var mark) => mark,
            var outcome => $"✗{outcome}",
        }));
        var used = Number(e, "restarts_used") is { } n ? Invariant($" · {n:0} restart{(n == 1 ? "" : "s")} used of {Raw(e, "max_restarts")}") : "";
        return strip + used;
    }

    private static readonly Dictionary<string, string> AttemptMarks = new()
    {
        ["succeeded"] = "✓", ["live"] = "●", ["preempted"] = "✗pre", ["no_capacity"] = "✗cap", ["setup_failed"] = "✗setup",
        ["driver_failed"] = "✗drv", ["cancelled"] = "✗cxl", ["lost"] = "✗lost", ["unknown"] = "✗?",
    };

    private static string? RetryPolicy(JsonElement e)
    {
        if (!e.TryGetProperty("retry", out var retry) || retry.ValueKind != JsonValueKind.Object) return null;
        var codes = retry.TryGetProperty("recover_on_exit_codes", out var c) && c.ValueKind == JsonValueKind.Array && c.GetArrayLength() > 0
            ? $", exit codes {string.Join(",", c.EnumerateArray().Select(x => x.GetRawText()))} always retried"
            : "";
        return $"{Raw(retry, "max_restarts_on_errors")} restarts on errors{codes}, on preemption {Str(retry, "on_preemption") ?? "always"}";
    }

    /// <summary>
    /// <c>0.17 GPU-h · $0.68 (overhead 0.09 GPU-h) · accruing 4 GPUs, $16.40/h</c>, counted on to <paramref name="now"/>,
    /// from the <c>cost</c> of an experiment or a sweep (the same shape).
    /// </summary>
    public static string? Cost(JsonElement e, DateTimeOffset now)
    {
        if (!e.TryGetProperty("cost", out var cost) || cost.ValueKind != JsonValueKind.Object || Number(cost, "gpu_hours") is not { } hours) return null;
        var since = Time(cost, "as_of") is { } asOf && now > asOf ? (now - asOf).TotalHours : 0;
        hours += (Number(cost, "gpus_accruing") ?? 0) * since;
        var text = Invariant($"{hours:0.00} GPU-h");
        if (Number(cost, "usd") is { } usd) text += Invariant($" · ${usd + (Number(cost, "usd_per_hour") ?? 0) * since:0.00}");
        if (Number(cost, "overhead_gpu_hours") is { } overhead and > 0) text += Invariant($" (overhead {overhead:0.00} GPU-h: cluster time outside jobs)");
        if (Number(cost, "unpriced_gpu_hours") is { } unpriced and > 0) text += Invariant($" · {unpriced:0.00} GPU-h without a price");
        if (Number(cost, "gpus_accruing") is { } gpus and > 0)
            text += Invariant($" · accruing {gpus:0} GPU{(gpus == 1 ? "" : "s")}") + (Number(cost, "usd_per_hour") is { } rate and > 0 ? Invariant($", ${rate:0.00}/h") : "");
        return text;
    }

    private static string? Budget(JsonElement e)
    {
        if (!e.TryGetProperty("budget", out var budget) || budget.ValueKind != JsonValueKind.Object) return null;
        var limits = new List<string>();
        if (Number(budget, "gpu_hours") is { } hours) limits.Add(Invariant($"{hours:0.##} GPU-h"));
        if (Number(budget, "usd") is { } usd) limits.Add(Invariant($"${usd:0.00}"));
        return string.Join(" or ", limits) + (Bool(e, "budget_reached") ? " — reached, so SkyDeck stopped it (raise it to start again)" : "");
    }

    /// <summary>GPU-hours up to <paramref name="now"/>: what was counted at <c>as_of</c> plus what the GPUs still running accrued since (as the dashboard counts on).</summary>
    private static string GpuHours(JsonElement experimentOrJob, DateTimeOffset now)
    {
        if (!experimentOrJob.TryGetProperty("cost", out var cost) || Number(cost, "gpu_hours") is not { } hours) return "-";
        if (Number(cost, "gpus_accruing") is { } gpus and > 0 && Time(cost, "as_of") is { } asOf && now > asOf) hours += gpus * (now - asOf).TotalHours;
        return Invariant($"{hours:0.00}");
    }

    private static double? Number(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number ? value.GetDouble() : null;

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
