using System.Globalization;
using System.Text.Json;

namespace SkyDeck.Host.Cli;

/// <summary>
/// The <c>skydeck sweep</c> verbs over the REST API (<c>/api/sweeps</c>): list, show (counts, progress and a cells table
/// fitted to the terminal), create from a file, refill and set the desired state, each changing one with a
/// <c>--preview</c> that persists nothing and prints what would change.
/// </summary>
internal static class SweepVerbs
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    private static readonly TextColumn[] ListColumns =
    [
        new("ID", Priority: 100, MinWidth: 10),
        new("NAME", Priority: 10, MinWidth: 8),
        new("DESIRED", Priority: 40, MinWidth: 7),
        new("CELLS", Priority: 80, MinWidth: 5, RightAligned: true),
        new("FINISHED", Priority: 90, MinWidth: 8, RightAligned: true),
        new("STATES", Priority: 50, MinWidth: 10),
    ];

    private static readonly TextColumn[] CellColumns =
    [
        new("CELL", Priority: 100, MinWidth: 12),
        new("VALUES", Priority: 95, MinWidth: 10),
        new("CURRENT", Priority: 90, MinWidth: 9),
        new("DESIRED", Priority: 40, MinWidth: 7),
        new("RUN", Priority: 20, MinWidth: 3, RightAligned: true),
        new("NOTE", Priority: 5, MinWidth: 10),
    ];

    private static readonly TextColumn[] ChangeColumns =
    [
        new("CELL", Priority: 100, MinWidth: 12),
        new("VALUES", Priority: 50, MinWidth: 10),
        new("ACTION", Priority: 90, MinWidth: 8),
        new("NOTE", Priority: 5, MinWidth: 10),
    ];

    public static async Task<int> ListAsync(ApiClient api, bool all, bool json, CliConsole console, CancellationToken ct)
    {
        var sweeps = (await api.GetJsonAsync(all ? "api/sweeps?include_deleted=true" : "api/sweeps", ct)).GetProperty("sweeps").EnumerateArray().ToList();
        if (json)
        {
            console.Out.WriteLine(JsonSerializer.Serialize(sweeps, Indented));
            return ExitCodes.Ok;
        }

        if (sweeps.Count == 0)
        {
            console.Out.WriteLine("No sweeps. Create one with `skydeck sweep create FILE.json`.");
            return ExitCodes.Ok;
        }

        var rows = sweeps.Select(s =>
        {
            var p = s.GetProperty("progress");
            return new[]
            {
                Str(s, "id") ?? "", Str(s, "name") + (s.GetProperty("deleted").GetBoolean() ? " (deleted)" : ""), Str(s, "desired_state") ?? "",
                Int(p, "cells"), $"{Int(p, "finished")} ({Number(p.GetProperty("percent_finished"))}%)", States(p),
            };
        }).ToList();
        foreach (var line in TextTable.Render(ListColumns, rows, console.Width)) console.Out.WriteLine(line);
        return ExitCodes.Ok;
    }

    public static async Task<int> ShowAsync(ApiClient api, string id, bool json, CliConsole console, CancellationToken ct)
    {
        var answer = await api.GetAsync($"api/sweeps/{Uri.EscapeDataString(id)}", ct);
        if (!answer.IsSuccess) throw new CliException(answer.Problem);
        var s = answer.Body;
        if (json)
        {
            console.Out.WriteLine(JsonSerializer.Serialize(s, Indented));
            return ExitCodes.Ok;
        }

        var output = console.Out;
        var p = s.GetProperty("progress");
        void Line(string key, string? value)
        {
            if (!string.IsNullOrEmpty(value)) output.WriteLine($"{key + ":",-15}{value}");
        }

        Line("id", Str(s, "id"));
        Line("name", Str(s, "name"));
        Line("desired", Str(s, "desired_state") + (s.GetProperty("deleted").GetBoolean() ? " (deleted)" : ""));
        Line("axes", $"{Str(s, "mode")}: " + string.Join("; ", s.GetProperty("axes").EnumerateObject().Select(a => $"{a.Name} = {string.Join(", ", a.Value.EnumerateArray().Select(Value))}")));
        Line("cells", $"{Int(p, "cells")} ({Int(p, "created")} created, {Int(p, "archived")} archived, {Int(p, "open_orders")} orders open)");
        Line("progress", $"{Int(p, "finished")} of {Int(p, "cells")} finished ({Number(p.GetProperty("percent_finished"))}%)"
                         + (p.TryGetProperty("gpu_hours", out var gpuHours) && gpuHours.ValueKind == JsonValueKind.Number ? $", {Number(gpuHours)} GPU-hours" : ""));
        Line("cost", ExperimentView.Cost(s, DateTimeOffset.UtcNow));
        Line("budget", Budget(s));
        Line("states", States(p));
        Line("attention", string.Join(", ", new[]
        {
            Int(p, "needs_restart") is var restart and not "0" ? $"{restart} need a restart to apply" : null,
            Int(p, "deviating") is var deviating and not "0" ? $"{deviating} deviate" : null,
            Int(p, "problems") is var problems and not "0" ? $"{problems} with problems" : null,
        }.OfType<string>()));
        output.WriteLine();
        var rows = s.GetProperty("cells").EnumerateArray().Select(c => new[]
        {
            Str(c, "id") ?? "", Values(c.GetProperty("values")),
            c.GetProperty("archived").GetBoolean() ? "archived" : c.GetProperty("deleted").GetBoolean() ? "deleted" : Str(c, "current_state") ?? "not created",
            Str(c, "desired_state") ?? "-", c.TryGetProperty("run", out var run) && run.ValueKind == JsonValueKind.Number ? run.GetRawText() : "-",
            Note(c),
        }).ToList();
        foreach (var line in TextTable.Render(CellColumns, rows, console.Width)) output.WriteLine(line);
        return ExitCodes.Ok;
    }

    public static async Task<int> CreateAsync(ApiClient api, FileInfo file, bool preview, bool json, CliConsole console, CancellationToken ct)
    {
        JsonElement body;
        try
        {
            using var document = JsonDocument.Parse(await File.ReadAllTextAsync(file.FullName, ct));
            body = document.RootElement.Clone();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CliException($"cannot read {file.FullName}: {e.Message}", e, ExitCodes.Usage);
        }
        catch (JsonException e)
        {
            throw new CliException($"{file.FullName} is not JSON: {e.Message}", e, ExitCodes.Usage);
        }

        var id = body.ValueKind == JsonValueKind.Object && body.TryGetProperty("id", out var given) && given.ValueKind == JsonValueKind.String ? given.GetString()! : "(no id)";
        return await SendAsync(api, id, "api/sweeps", body, preview, json, console, ct);
    }

    /// <summary>POSTs to <paramref name="path"/> (its <c>/preview</c> twin with <paramref name="preview"/>) and prints the changes cell by cell.</summary>
    public static async Task<int> SendAsync(
        ApiClient api, string id, string path, object? body, bool preview, bool json, CliConsole console, CancellationToken ct)
    {
        var answer = await api.PostAsync(preview ? path + "/preview" : path, body, ct);
        if (!answer.IsSuccess) throw new CliException($"{id}: {answer.Problem}");
        if (json)
        {
            console.Out.WriteLine(JsonSerializer.Serialize(answer.Body, Indented));
            return ExitCodes.Ok;
        }

        var changes = answer.Body.GetProperty("changes");
        var counts = string.Join(", ", changes.GetProperty("counts").EnumerateObject().Where(c => c.Value.GetInt32() > 0).Select(c => $"{c.Value.GetInt32()} {c.Name.Replace('_', ' ')}"));
        var message = Str(answer.Body, "message");
        console.Out.WriteLine($"{id}: {(preview ? "would change (preview, nothing changed)" : "done")}: {(counts.Length == 0 ? "no cells" : counts)}"
                              + (message is null ? "" : $" — {message}"));
        var rows = changes.GetProperty("cells").EnumerateArray()
            .Where(c => Str(c, "action") != "unchanged" || Str(c, "note") is not null)
            .Select(c => new[] { Str(c, "id") ?? "", Values(c.GetProperty("values")), Str(c, "action") ?? "", Str(c, "note") ?? "" })
            .ToList();
        if (rows.Count > 0)
            foreach (var line in TextTable.Render(ChangeColumns, rows, console.Width)) console.Out.WriteLine(line);
        return ExitCodes.Ok;
    }

    /// <summary>
    /// <c>$12.40 of $20 · 3.1 of 5 GPU-h (left: $7.60, 1.9 GPU-h)</c>: the sweep's own budget against its cells' use,
    /// and when it stopped the sweep, what the server says about it; null without a budget.
    /// </summary>
    private static string? Budget(JsonElement s)
    {
        if (!s.TryGetProperty("budget", out var b) || b.ValueKind != JsonValueKind.Object) return null;
        var cost = s.GetProperty("cost");
        var left = s.GetProperty("budget_remaining");
        double? Get(JsonElement e, string name) => e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetDouble() : null;
        string Usd(double v) => v.ToString("0.00", CultureInfo.InvariantCulture);
        string Hours(double v) => v.ToString("0.###", CultureInfo.InvariantCulture);
        var use = new List<string>();
        var remaining = new List<string>();
        if (Get(b, "usd") is not null)
        {
            use.Add($"${Usd(Get(cost, "usd") ?? 0)} of ${Number(b.GetProperty("usd"))}");
            remaining.Add($"${Usd(Get(left, "usd") ?? 0)}");
        }

        if (Get(b, "gpu_hours") is { } hours)
        {
            use.Add($"{Hours(Get(cost, "gpu_hours") ?? 0)} of {Hours(hours)} GPU-h");
            remaining.Add($"{Hours(Get(left, "gpu_hours") ?? 0)} GPU-h");
        }

        var line = $"{string.Join(" · ", use)} (left: {string.Join(", ", remaining)})";
        return s.GetProperty("budget_reached").GetBoolean() ? $"{line} — {Str(s, "budget_message") ?? "budget reached; stopped"}" : line;
    }

    /// <summary><c>RUNNING 10, FAILED 2</c>: the counts by state, most first.</summary>
    private static string States(JsonElement progress) =>
        string.Join(", ", progress.GetProperty("by_state").EnumerateObject().OrderByDescending(s => s.Value.GetInt32()).ThenBy(s => s.Name, StringComparer.Ordinal)
            .Select(s => $"{s.Name} {s.Value.GetInt32()}"));

    /// <summary><c>lr=0.001 seed=1</c>: each value by the last segment of its key.</summary>
    private static string Values(JsonElement values) =>
        string.Join(' ', values.EnumerateObject().Select(v => $"{v.Name[(v.Name.LastIndexOf('.') + 1)..]}={Value(v.Value)}"));

    private static string Note(JsonElement cell)
    {
        var notes = new List<string>();
        if (Str(cell, "problem") is { } problem) notes.Add(problem);
        if (cell.GetProperty("needs_restart").GetBoolean()) notes.Add("restart to apply");
        if (cell.GetProperty("deviates").GetBoolean())
            notes.Add(cell.TryGetProperty("deviates_on", out var on) && on.GetArrayLength() > 0 ? $"deviates on {string.Join(", ", on.EnumerateArray().Select(f => f.GetString()))}" : "deviates");
        if (Str(cell, "message") is { } message) notes.Add(message);
        return string.Join("; ", notes);
    }

    private static string Value(JsonElement v) => v.ValueKind == JsonValueKind.String ? v.GetString()! : v.GetRawText();

    private static string Number(JsonElement v) => v.GetDouble().ToString("0.#", CultureInfo.InvariantCulture);

    private static string Int(JsonElement e, string name) => e.GetProperty(name).GetInt32().ToString(CultureInfo.InvariantCulture);

    private static string? Str(JsonElement e, string name) =>
        e.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
