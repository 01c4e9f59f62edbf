using System.Globalization;
using System.Text.Json;

namespace SkyDeck.Host.Cli;

/// <summary>Asks a running server for <c>/api/health</c> and prints whatever it reports.</summary>
internal static class HealthProbe
{
    /// <summary>The URL a local client uses: a wildcard bind is reached through loopback.</summary>
    public static string LocalUrl(string host, int port)
    {
        var local = PortCheck.IsWildcard(host) ? host is "::" or "[::]" ? "::1" : "127.0.0.1" : host.Trim('[', ']');
        return new ServerSettings(local, port).Url;
    }

    /// <summary>The token <c>status</c> presents: <c>SKYDECK_TOKEN</c>'s first entry, else the generated token file.</summary>
    public static string? Token(SkyDeckPaths paths)
    {
        var configured = Environment.GetEnvironmentVariable("SKYDECK_TOKEN");
        if (!string.IsNullOrWhiteSpace(configured))
            return configured.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault();
        try
        {
            return File.Exists(paths.TokenFile) ? File.ReadAllText(paths.TokenFile).Trim() is { Length: > 0 } saved ? saved : null : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>Any HTTP answer counts as <see cref="HealthAnswer.Answered"/> (a 401 still proves the server is up).</summary>
    public static async Task<HealthAnswer> GetAsync(string baseUrl, string? token, TimeSpan timeout, CancellationToken ct)
    {
        // No proxy: http_proxy in the environment must not capture requests to 127.0.0.1.
        using var client = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { Timeout = timeout };
        using var request = new HttpRequestMessage(HttpMethod.Get, baseUrl.TrimEnd('/') + "/api/health");
        if (token is not null) request.Headers.Authorization = new("Bearer", token);
        try
        {
            using var response = await client.SendAsync(request, ct);
            var text = await response.Content.ReadAsStringAsync(ct);
            JsonElement? body = null;
            try
            {
                using var document = JsonDocument.Parse(text);
                body = document.RootElement.Clone();
            }
            catch (JsonException)
            {
                // Not JSON (an older server, or a proxy page): report the status code only.
            }

            return new HealthAnswer(true, (int)response.StatusCode, body, null);
        }
        catch (HttpRequestException e)
        {
            return new HealthAnswer(false, 0, null, e.Message);
        }
        catch (TaskCanceledException) when (!ct.IsCancellationRequested)
        {
            return new HealthAnswer(false, 0, null, $"no answer within {timeout.TotalSeconds:0} s");
        }
    }

    /// <summary>Prints the known fields readably, then any other field as it is, so a changed shape still shows.</summary>
    public static void Print(HealthAnswer answer, DateTimeOffset now, TextWriter output)
    {
        if (!answer.Answered)
        {
            output.WriteLine($"  health:     not answering ({answer.Problem})");
            return;
        }

        if (answer.StatusCode == 401)
        {
            output.WriteLine("  health:     HTTP 401, a token is required: set SKYDECK_TOKEN (or keep the generated ~/.skydeck/token)");
            return;
        }

        if (answer.Body is not { ValueKind: JsonValueKind.Object } body || answer.StatusCode is < 200 or >= 300 && !body.TryGetProperty("skypilot", out _))
        {
            output.WriteLine($"  health:     HTTP {answer.StatusCode}");
            return;
        }

        var shown = new HashSet<string>(StringComparer.Ordinal) { "status", "skypilot", "counts", "uptime_seconds", "version" };
        var status = Text(body, "status") ?? "?";
        output.WriteLine(answer.StatusCode == 200 ? $"  health:     {status}" : $"  health:     {status} (HTTP {answer.StatusCode})");

        if (body.TryGetProperty("skypilot", out var sky) && sky.ValueKind == JsonValueKind.Object)
        {
            var skyShown = new HashSet<string>(StringComparer.Ordinal) { "status", "last_success_at", "staleness_seconds", "last_error" };
            output.WriteLine($"  SkyPilot:   {Text(sky, "status") ?? "?"}");
            var last = Text(sky, "last_success_at");
            var age = sky.TryGetProperty("staleness_seconds", out var s) && s.ValueKind == JsonValueKind.Number ? TimeSpan.FromSeconds(s.GetDouble())
                : last is not null && DateTimeOffset.TryParse(last, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at) ? now - at
                : (TimeSpan?)null;
            output.WriteLine(last is null
                ? "  last poll:  never succeeded yet"
                : $"  last poll:  {last}{(age is { } a ? $" ({Duration.Format(a)} ago)" : "")}");
            if (Text(sky, "last_error") is { } error) output.WriteLine($"  last error: {error}");
            foreach (var (key, value) in Flatten(sky, "skypilot.").Where(kv => !skyShown.Contains(kv.Key["skypilot.".Length..].Split('.')[0])))
                output.WriteLine($"  {key}: {value}");
        }

        if (body.TryGetProperty("counts", out var counts) && counts.ValueKind == JsonValueKind.Object)
            output.WriteLine($"  counts:     {string.Join(", ", Flatten(counts, "").Select(kv => $"{kv.Key} {kv.Value}"))}");

        foreach (var property in body.EnumerateObject().Where(p => !shown.Contains(p.Name)))
        {
            foreach (var (key, value) in Flatten(property.Value, property.Name))
                output.WriteLine($"  {key}: {value}");
        }
    }

    private static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind is not (JsonValueKind.Null or JsonValueKind.Undefined)
            ? value.ValueKind == JsonValueKind.String ? value.GetString() : value.GetRawText()
            : null;

    private static IEnumerable<KeyValuePair<string, string>> Flatten(JsonElement element, string prefix)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    var key = prefix.Length == 0 || prefix.EndsWith('.') ? prefix + property.Name : $"{prefix}.{property.Name}";
                    foreach (var pair in Flatten(property.Value, key)) yield return pair;
                }

                break;
            case JsonValueKind.Array:
                yield return new(prefix, $"[{element.GetArrayLength()} items]");
                break;
            case JsonValueKind.String:
                yield return new(prefix, element.GetString() ?? "");
                break;
            case JsonValueKind.Null:
                yield return new(prefix, "-");
                break;
            default:
                yield return new(prefix, element.GetRawText());
                break;
        }
    }
}
