using System.Net;
using System.Text.Json;

namespace SkyDeck.Host.Cli;

/// <summary>
/// <c>skydeck logs ID</c>: a job's output through <c>GET /api/experiments/{id}/jobs/{job_id}/logs?tail=N</c> (the
/// experiment's current job unless <c>--job</c>). <c>--follow</c> asks again every two seconds and prints what is new,
/// until the job has ended or Ctrl+C. A server that does not serve job logs (404 without a reason) is named as such.
/// </summary>
internal static class JobLogCommand
{
    public static readonly TimeSpan FollowInterval = TimeSpan.FromSeconds(2);

    public static async Task<int> RunAsync(ApiClient api, string id, string? jobId, int tail, bool follow, CliConsole console, CancellationToken ct)
    {
        try
        {
            return await FollowAsync(api, id, jobId, tail, follow, console, ct);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            return ExitCodes.Ok;
        }
    }

    private static async Task<int> FollowAsync(ApiClient api, string id, string? jobId, int tail, bool follow, CliConsole console, CancellationToken ct)
    {
        var experimentPath = $"api/experiments/{Uri.EscapeDataString(id)}";
        var experiment = await api.GetJsonAsync(experimentPath, ct);
        jobId ??= CurrentJob(experiment) ?? throw new CliException($"{id} has no job yet (it is {ExperimentView.Str(experiment, "current_state")}); nothing to show");
        var path = $"{experimentPath}/jobs/{Uri.EscapeDataString(jobId)}/logs?tail={tail}";

        var printed = new List<string>();
        while (true)
        {
            var answer = await api.GetAsync(path, ct);
            if (answer.Status == HttpStatusCode.NotFound)
            {
                throw new CliException(ExperimentView.Str(answer.Body, "detail") is { } detail
                    ? $"{id}: {detail}"
                    : $"this SkyDeck server does not serve job logs (GET /{path} answered 404); a newer server does. "
                      + $"Meanwhile: sky logs {ExperimentView.Str(experiment.GetProperty("cluster"), "name")} <job id>");
            }

            if (!answer.IsSuccess) throw new CliException($"{id}: {answer.Problem}");
            var lines = Lines(answer);
            foreach (var line in New(printed, lines)) console.Out.WriteLine(line);
            console.Out.Flush();
            printed = lines;
            if (!follow) return ExitCodes.Ok;
            if (await JobEndedAsync(api, experimentPath, jobId, ct)) return ExitCodes.Ok;
            await Task.Delay(FollowInterval, ct);
        }
    }

    /// <summary>Lines of the new tail that follow the longest overlap with the previous tail's end.</summary>
    public static IEnumerable<string> New(IReadOnlyList<string> previous, IReadOnlyList<string> current)
    {
        for (var overlap = Math.Min(previous.Count, current.Count); overlap > 0; overlap--)
        {
            var matches = true;
            for (var i = 0; i < overlap && matches; i++) matches = previous[previous.Count - overlap + i] == current[i];
            if (matches) return current.Skip(overlap);
        }

        return current;
    }

    /// <summary>The body as lines: plain text, a JSON array of strings, or an object with <c>lines</c> (strings or
    /// objects with <c>text</c>/<c>line</c>) or <c>text</c>/<c>logs</c>.</summary>
    public static List<string> Lines(ApiAnswer answer)
    {
        var body = answer.Body;
        if (body.ValueKind == JsonValueKind.Object)
        {
            if (body.TryGetProperty("lines", out var lines) && lines.ValueKind == JsonValueKind.Array) body = lines;
            else if ((body.TryGetProperty("text", out var text) || body.TryGetProperty("logs", out text)) && text.ValueKind == JsonValueKind.String)
                return Split(text.GetString()!);
        }

        if (body.ValueKind == JsonValueKind.Array)
        {
            return [.. body.EnumerateArray().Select(l => l.ValueKind == JsonValueKind.String ? l.GetString()!
                : ExperimentView.Str(l, "text") ?? ExperimentView.Str(l, "line") ?? l.GetRawText())];
        }

        return Split(answer.Text);
    }

    private static List<string> Split(string text) => text.Length == 0 ? [] : [.. text.TrimEnd('\n').Split('\n').Select(l => l.TrimEnd('\r'))];

    private static string? CurrentJob(JsonElement experiment) =>
        experiment.TryGetProperty("current_job", out var job) && job.ValueKind == JsonValueKind.Object ? ExperimentView.Str(job, "job_id") : null;

    private static async Task<bool> JobEndedAsync(ApiClient api, string experimentPath, string jobId, CancellationToken ct)
    {
        var jobs = await api.GetJsonAsync($"{experimentPath}/jobs?limit=50", ct);
        return jobs.GetProperty("jobs").EnumerateArray().FirstOrDefault(j => ExperimentView.Str(j, "job_id") == jobId) is { ValueKind: JsonValueKind.Object } job
               && ExperimentView.Str(job, "ended_at") is not null;
    }
}
