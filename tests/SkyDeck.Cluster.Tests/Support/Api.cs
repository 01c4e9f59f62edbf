using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using SkyDeck.Testing;

namespace SkyDeck.Cluster.Tests.Support;

/// <summary>The REST calls the cluster tests make, with the retries a client of a cluster needs around a failover.</summary>
internal static class Api
{
    public static JsonObject NewExperiment(string id, int n, string desired) => new()
    {
        ["id"] = id,
        ["name"] = $"Cluster test {n}",
        ["base_command"] = "lt",
        ["run_name"] = $"cluster.{id}",
        ["nodes"] = 1,
        ["gpus"] = 0,
        ["desired_state"] = desired,
        ["flags"] = new JsonObject { ["trainer.seed"] = n },
    };

    /// <summary>
    /// Sends until the server acknowledges (2xx), retrying on 503 (an Ask timed out, e.g. while a shard moves),
    /// timeouts and refused connections. Safe because every SkyDeck command is idempotent.
    /// </summary>
    public static async Task<HttpStatusCode> PostUntilAcknowledgedAsync(Func<HttpClient> client, string path, JsonObject body, TimeSpan within)
    {
        var deadline = DateTime.UtcNow + within;
        var last = "";
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                using var response = await client().PostAsJsonAsync(path, body);
                if (response.IsSuccessStatusCode) return response.StatusCode;
                last = $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}";
                if (response.StatusCode != HttpStatusCode.ServiceUnavailable) throw new InvalidOperationException($"POST {path}: {last}");
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                last = e.Message;
            }

            await Task.Delay(200);
        }

        throw new TimeoutException($"POST {path} not acknowledged within {within}: {last}");
    }

    public static async Task<JsonElement> GetJsonAsync(this HttpClient client, string path, CancellationToken cancellationToken = default)
    {
        using var response = await client.GetAsync(path, cancellationToken);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonElement>(cancellationToken)).Clone();
    }

    public static async Task<Dictionary<string, JsonElement>> ListAsync(this HttpClient client) =>
        (await client.GetJsonAsync("/api/experiments")).GetProperty("experiments").EnumerateArray()
            .ToDictionary(e => e.GetProperty("id").GetString()!, e => e);

    public static string Str(this JsonElement e, string name) => e.GetProperty(name).GetString() ?? "";

    /// <summary>
    /// Polls <paramref name="probe"/> until it is true; the message says what was awaited and the last state seen. A probe
    /// that fails on the way (a node not answering during a failover) counts as not yet, with the error as its state.
    /// </summary>
    public static Task UntilAsync(Func<Task<(bool Done, string State)>> probe, string what, TimeSpan within) =>
        Eventually.Until<(bool Done, string State)>(async () =>
        {
            try
            {
                return await probe();
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                return (false, e.Message);
            }
        }, p => p.Done, what, within, p => p.State);

    public static double Percentile(IReadOnlyList<double> values, double p)
    {
        if (values.Count == 0) return double.NaN;
        var sorted = values.Order().ToList();
        var rank = (int)Math.Ceiling(p / 100 * sorted.Count) - 1;
        return sorted[Math.Clamp(rank, 0, sorted.Count - 1)];
    }
}
