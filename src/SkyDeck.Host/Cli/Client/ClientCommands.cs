using System.Text.Json;

namespace SkyDeck.Host.Cli;

/// <summary>What one of the everyday verbs does to the experiments it names.</summary>
internal enum ExperimentAction { Start, Stop, Restart, Remove }

/// <summary>
/// The everyday verbs, over the running server's REST API: <c>ls</c>, <c>show</c>, <c>start|stop|restart|rm ID…</c>
/// and <c>events</c> (job logs: <see cref="JobLogCommand"/>). Output is for people unless <c>--json</c>; errors go to
/// stderr as one line each, with the exit codes of <see cref="ExitCodes.ClientHelpText"/>.
/// </summary>
internal static class ClientCommands
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public static async Task<int> ListAsync(ApiClient api, string? filter, bool all, bool json, CliConsole console, CancellationToken ct)
    {
        var selected = await SelectAsync(api, filter, all, ct);
        if (json)
        {
            console.Out.WriteLine(JsonSerializer.Serialize(selected, Indented));
            return ExitCodes.Ok;
        }

        if (selected.Count == 0)
        {
            console.Out.WriteLine(string.IsNullOrWhiteSpace(filter) ? "No experiments." : $"No experiments match '{filter}'.");
            return ExitCodes.Ok;
        }

        foreach (var line in ExperimentView.Table(selected, DateTimeOffset.UtcNow, console.Width)) console.Out.WriteLine(line);
        return ExitCodes.Ok;
    }

    public static async Task<int> ShowAsync(ApiClient api, string id, bool json, CliConsole console, CancellationToken ct)
    {
        var answer = await api.GetAsync($"api/experiments/{Uri.EscapeDataString(id)}/status?limit=10", ct);
        if (!answer.IsSuccess) throw new CliException(answer.Problem);
        if (json) console.Out.WriteLine(JsonSerializer.Serialize(answer.Body, Indented));
        else ExperimentView.Show(answer.Body, DateTimeOffset.UtcNow, console.Out);
        return ExitCodes.Ok;
    }

    /// <summary>
    /// Applies <paramref name="action"/> to each named experiment and each one the filter selects. Removing, or acting
    /// on more than one, asks first (like <c>sky down</c>) unless <paramref name="yes"/>; no answer (stdin closed) aborts.
    /// Every experiment is tried; the exit code is 1 if any failed.
    /// </summary>
    public static async Task<int> ActAsync(
        ApiClient api, ExperimentAction action, IReadOnlyList<string> ids, string? filter, bool yes, string? reason, CliConsole console, CancellationToken ct)
    {
        var targets = ids.Distinct(StringComparer.Ordinal).ToList();
        if (filter is not null)
        {
            var matching = await SelectAsync(api, filter, all: false, ct);
            targets.AddRange(matching.Select(e => ExperimentView.Str(e, "id")!).Where(id => !targets.Contains(id)));
            if (targets.Count == 0)
            {
                console.Out.WriteLine($"No experiments match '{filter}'; nothing to {Verb(action)}.");
                return ExitCodes.Ok;
            }
        }

        if (!yes && (action == ExperimentAction.Remove || targets.Count > 1 || filter is not null))
        {
            var shown = string.Join(", ", targets.Take(10)) + (targets.Count > 10 ? $", … ({targets.Count - 10} more)" : "");
            console.Out.Write($"{Gerund(action)} {targets.Count} experiment{(targets.Count == 1 ? "" : "s")}: {shown}. Proceed? [Y/n]: ");
            console.Out.Flush();
            var answer = console.In?.ReadLine();
            if (answer is null || answer.Trim().ToLowerInvariant() is not ("" or "y" or "yes"))
            {
                console.Out.WriteLine();
                console.Error.WriteLine("Aborted!");
                return ExitCodes.Error;
            }
        }

        var failed = 0;
        foreach (var id in targets)
        {
            var path = $"api/experiments/{Uri.EscapeDataString(id)}";
            var answer = action switch
            {
                ExperimentAction.Start => await api.PostAsync(path + "/state", Desired("RUNNING", reason), ct),
                ExperimentAction.Stop => await api.PostAsync(path + "/state", Desired("STOPPED", reason), ct),
                ExperimentAction.Restart => await api.PostAsync(path + "/restart", null, ct),
                _ => await api.DeleteAsync(path, ct),
            };
            if (!answer.IsSuccess)
            {
                failed++;
                console.Error.WriteLine($"skydeck: {id}: {answer.Problem}");
                continue;
            }

            var current = ExperimentView.Str(answer.Body, "current_state");
            console.Out.WriteLine(action switch
            {
                ExperimentAction.Remove => $"{id}: deleted (cancelling its job and tearing its cluster down; `skydeck` cannot undo this, POST /api/experiments/{id}/restore can)",
                ExperimentAction.Restart => $"{id}: restarting (a new run with the current spec; now {current})",
                _ => $"{id}: desired {ExperimentView.Str(answer.Body, "desired_state")}, now {current}",
            });
        }

        if (failed > 0 && targets.Count > 1) console.Error.WriteLine($"skydeck: {failed} of {targets.Count} experiments failed");
        return failed == 0 ? ExitCodes.Ok : ExitCodes.Error;
    }

    /// <summary>
    /// The audit log, one event a line: one experiment's whole log, or the last <paramref name="lines"/> of everything.
    /// <paramref name="follow"/> keeps printing: every message on the live stream (<c>/api/stream</c>) is a cue to read
    /// the log after the last cursor, so nothing is missed between cues.
    /// </summary>
    public static async Task<int> EventsAsync(ApiClient api, string? id, int lines, bool follow, bool json, CliConsole console, CancellationToken ct)
    {
        long cursor;
        IEnumerable<JsonElement> first;
        if (id is not null)
        {
            var page = await api.GetJsonAsync($"api/experiments/{Uri.EscapeDataString(id)}/events", ct);
            var events = page.GetProperty("events").EnumerateArray().ToList();
            cursor = page.GetProperty("cursor").GetInt64();
            first = events.Skip(Math.Max(0, events.Count - lines));
        }
        else
        {
            var recent = new Queue<JsonElement>();
            cursor = 0;
            while (true)
            {
                var page = await api.GetJsonAsync($"api/events?after={cursor}&limit=1000", ct);
                var events = page.GetProperty("events").EnumerateArray().ToList();
                foreach (var e in events)
                {
                    recent.Enqueue(e);
                    if (recent.Count > lines) recent.Dequeue();
                }

                cursor = page.GetProperty("cursor").GetInt64();
                if (events.Count < 1000) break;
            }

            first = recent;
        }

        foreach (var e in first) Print(e);
        if (!follow) return ExitCodes.Ok;

        try
        {
            await foreach (var _ in LiveCues(api, ct))
            {
                while (true)
                {
                    var page = await api.GetJsonAsync($"api/events?after={cursor}&limit=1000", ct);
                    var events = page.GetProperty("events").EnumerateArray().ToList();
                    foreach (var e in events.Where(e => id is null || ExperimentView.Str(e, "experiment_id") == id)) Print(e);
                    cursor = page.GetProperty("cursor").GetInt64();
                    if (events.Count < 1000) break;
                }
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // Ctrl+C while asking: the follow ends as asked.
        }

        return ExitCodes.Ok;

        void Print(JsonElement e)
        {
            console.Out.WriteLine(json ? e.GetRawText() : ExperimentView.Event(e));
            console.Out.Flush();
        }
    }

    /// <summary>One item per message of the live stream (reconnecting when it ends), until cancelled.</summary>
    private static async IAsyncEnumerable<bool> LiveCues(ApiClient api, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            HttpResponseMessage? response = null;
            try
            {
                response = await api.OpenAsync("api/stream", "text/event-stream", ct);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                yield break;
            }

            using (response)
            {
                if (!response.IsSuccessStatusCode)
                {
                    // Too many subscribers, or shutting down: poll meanwhile, as the dashboard does.
                    if (!await Delay(TimeSpan.FromSeconds(5), ct)) yield break;
                    yield return true;
                    continue;
                }

                var reader = new StreamReader(await response.Content.ReadAsStreamAsync(ct));
                while (true)
                {
                    string? line;
                    try
                    {
                        line = await reader.ReadLineAsync(ct);
                    }
                    catch (Exception e) when (e is OperationCanceledException or IOException or HttpRequestException)
                    {
                        line = null;
                    }

                    if (line is null) break;
                    if (line.Length == 0) yield return true;
                }
            }

            if (!await Delay(TimeSpan.FromSeconds(1), ct)) yield break;
            yield return true;
        }
    }

    private static async Task<bool> Delay(TimeSpan delay, CancellationToken ct)
    {
        try
        {
            await Task.Delay(delay, ct);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>
    /// The experiments the filter selects. The server applies the dashboard's filter language (<c>q</c>), so the same
    /// text selects the same rows here, in the filter box and in the API; the pages are followed to the end.
    /// </summary>
    private static async Task<List<JsonElement>> SelectAsync(ApiClient api, string? filter, bool all, CancellationToken ct)
    {
        var deleted = all ? "include_deleted=true" : "";
        if (string.IsNullOrWhiteSpace(filter))
            return [.. (await api.GetJsonAsync("api/experiments?" + deleted, ct)).GetProperty("experiments").EnumerateArray()];
        var rows = new List<JsonElement>();
        string? after = null;
        do
        {
            var cursor = after is null ? "" : "&after=" + Uri.EscapeDataString(after);
            var page = await api.GetJsonAsync($"api/experiments?q={Uri.EscapeDataString(filter)}&limit=1000&{deleted}{cursor}", ct);
            rows.AddRange(page.GetProperty("experiments").EnumerateArray());
            after = page.TryGetProperty("next", out var next) && next.ValueKind == JsonValueKind.String ? next.GetString() : null;
        }
        while (after is not null);
        return rows;
    }

    private static object Desired(string state, string? reason) =>
        reason is null ? new Dictionary<string, string> { ["desired_state"] = state } : new Dictionary<string, string> { ["desired_state"] = state, ["reason"] = reason };

    private static string Verb(ExperimentAction action) => action switch
    {
        ExperimentAction.Start => "start",
        ExperimentAction.Stop => "stop",
        ExperimentAction.Restart => "restart",
        _ => "remove",
    };

    private static string Gerund(ExperimentAction action) => action switch
    {
        ExperimentAction.Start => "Starting",
        ExperimentAction.Stop => "Stopping",
        ExperimentAction.Restart => "Restarting",
        _ => "Deleting",
    };
}
