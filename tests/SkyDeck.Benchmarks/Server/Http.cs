using System.Net;
using System.Text;
using System.Text.Json;

namespace SkyDeck.Benchmarks.Server;

/// <summary>HTTP client helpers: one pooled client per server, no proxy, enough connections for 1,000 concurrent requests.</summary>
public static class Http
{
    public static HttpClient Client(Uri baseAddress) => new(new SocketsHttpHandler
    {
        UseProxy = false,
        MaxConnectionsPerServer = 4096,
        PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
        AutomaticDecompression = DecompressionMethods.None,
    })
    {
        BaseAddress = baseAddress,
        Timeout = TimeSpan.FromMinutes(5),
    };

    public static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    public static async Task<HttpResponseMessage> PostStateAsync(this HttpClient client, string id, string desired, CancellationToken ct = default)
    {
        var response = await client.PostAsync($"/api/experiments/{id}/state", Json($$"""{"desired_state":"{{desired}}"}"""), ct);
        await response.Content.LoadIntoBufferAsync(ct);
        return response;
    }

    public static async Task EnsureSuccessAsync(this HttpResponseMessage response)
    {
        if (response.IsSuccessStatusCode) return;
        var body = await response.Content.ReadAsStringAsync();
        throw new InvalidOperationException($"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri} answered {(int)response.StatusCode}: {body[..Math.Min(body.Length, 500)]}");
    }

    public static async Task<JsonDocument> GetJsonAsync(this HttpClient client, string path, CancellationToken ct = default)
    {
        using var response = await client.GetAsync(path, ct);
        await response.EnsureSuccessAsync();
        return await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync(ct), cancellationToken: ct);
    }

    /// <summary>Number of experiments the list endpoint returns (the read model the table loads).</summary>
    public static async Task<int> CountExperimentsAsync(this HttpClient client, CancellationToken ct = default)
    {
        using var json = await client.GetJsonAsync("/api/experiments", ct);
        return json.RootElement.GetProperty("experiments").GetArrayLength();
    }

    public static async Task<string?> FirstExperimentIdAsync(this HttpClient client, CancellationToken ct = default)
    {
        using var json = await client.GetJsonAsync("/api/experiments", ct);
        return json.RootElement.GetProperty("experiments").EnumerateArray().Select(e => e.GetProperty("id").GetString()).FirstOrDefault();
    }

    /// <summary>Health summary: experiment count from the read model and the poller's last success.</summary>
    public static async Task<(int Experiments, DateTimeOffset? LastPollSuccess)> HealthAsync(this HttpClient client, CancellationToken ct = default)
    {
        using var json = await client.GetJsonAsync("/api/health", ct);
        var root = json.RootElement;
        var last = root.GetProperty("skypilot").GetProperty("last_success_at");
        return (root.GetProperty("counts").GetProperty("experiments").GetInt32(),
                last.ValueKind == JsonValueKind.Null ? null : last.GetDateTimeOffset());
    }

    /// <summary>Like <see cref="HealthAsync"/>, but null while the server answers 503 (busy: an Ask timed out, e.g. during a cold start).</summary>
    public static async Task<(int Experiments, DateTimeOffset? LastPollSuccess)?> TryHealthAsync(this HttpClient client, CancellationToken ct = default)
    {
        using var response = await client.GetAsync("/api/health", ct);
        if (response.StatusCode == HttpStatusCode.ServiceUnavailable) return null;
        await response.EnsureSuccessAsync();
        using var json = await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync(ct), cancellationToken: ct);
        var root = json.RootElement;
        var last = root.GetProperty("skypilot").GetProperty("last_success_at");
        return (root.GetProperty("counts").GetProperty("experiments").GetInt32(),
                last.ValueKind == JsonValueKind.Null ? null : last.GetDateTimeOffset());
    }

    /// <summary>Polls until <paramref name="condition"/> holds; throws with <paramref name="what"/> on timeout.</summary>
    public static async Task Until(Func<Task<bool>> condition, TimeSpan timeout, string what, int pollMs = 50)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"timed out after {timeout.TotalSeconds:0} s waiting for {what}");
            await Task.Delay(pollMs);
        }
    }
}
