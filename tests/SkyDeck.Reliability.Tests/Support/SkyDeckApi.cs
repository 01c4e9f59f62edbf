using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace SkyDeck.Reliability.Tests.Support;

/// <summary>An answer: status code and body (a JSON value, or undefined when the body was empty or not JSON).</summary>
public sealed record ApiResponse(HttpStatusCode Status, JsonElement Body)
{
    public bool IsSuccess => (int)Status is >= 200 and < 300;

    public override string ToString() => $"{(int)Status} {(Body.ValueKind == JsonValueKind.Undefined ? "" : Body.GetRawText())}";
}

/// <summary>The few REST calls the reliability tests make. Connection failures surface as exceptions.</summary>
public sealed class SkyDeckApi(HttpClient http)
{
    public HttpClient Http => http;

    public Task<ApiResponse> CreateAsync(string id, string desired, JsonObject? flags = null, CancellationToken ct = default) =>
        SendAsync(HttpMethod.Post, "/api/experiments", new JsonObject
        {
            ["id"] = id,
            ["name"] = $"Reliability {id}",
            ["base_command"] = "python train.py",
            ["nodes"] = 1,
            ["gpus"] = 0,
            ["desired_state"] = desired,
            ["flags"] = flags ?? new JsonObject(),
        }, ct);

    public Task<ApiResponse> SetStateAsync(string id, string desired, CancellationToken ct = default) =>
        SendAsync(HttpMethod.Post, $"/api/experiments/{id}/state", new JsonObject { ["desired_state"] = desired }, ct);

    public Task<ApiResponse> PatchAsync(string id, JsonObject body, CancellationToken ct = default) =>
        SendAsync(HttpMethod.Patch, $"/api/experiments/{id}", body, ct);

    public Task<ApiResponse> GetAsync(string id, CancellationToken ct = default) => SendAsync(HttpMethod.Get, $"/api/experiments/{id}", null, ct);

    public Task<ApiResponse> ListAsync(CancellationToken ct = default) => SendAsync(HttpMethod.Get, "/api/experiments", null, ct);

    public Task<ApiResponse> EventsAsync(string id, CancellationToken ct = default) => SendAsync(HttpMethod.Get, $"/api/experiments/{id}/events", null, ct);

    public Task<ApiResponse> JobsAsync(string id, CancellationToken ct = default) => SendAsync(HttpMethod.Get, $"/api/experiments/{id}/jobs?limit=1000", null, ct);

    public async Task<ApiResponse> SendAsync(HttpMethod method, string path, JsonNode? body, CancellationToken ct = default)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null) request.Content = JsonContent.Create(body);
        using var response = await http.SendAsync(request, ct);
        var text = await response.Content.ReadAsStringAsync(ct);
        JsonElement json = default;
        if (text.Length > 0)
        {
            try
            {
                json = JsonDocument.Parse(text).RootElement.Clone();
            }
            catch (JsonException)
            {
                json = JsonSerializer.SerializeToElement(text);
            }
        }

        return new ApiResponse(response.StatusCode, json);
    }

    /// <summary>Every listed experiment by id.</summary>
    public async Task<IReadOnlyDictionary<string, JsonElement>> ExperimentsAsync(CancellationToken ct = default)
    {
        var list = await ListAsync(ct);
        if (!list.IsSuccess) throw new HttpRequestException($"GET /api/experiments answered {list}");
        return list.Body.GetProperty("experiments").EnumerateArray().ToDictionary(e => e.GetProperty("id").GetString()!, e => e);
    }
}
