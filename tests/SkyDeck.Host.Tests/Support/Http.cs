using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace SkyDeck.Host.Tests.Support;

/// <summary>HTTP helpers for the SkyDeck REST API: JSON bodies, the caller header, and ProblemDetails assertions.</summary>
public static class Http
{
    public const string UserHeader = "X-SkyDeck-User";

    /// <summary>A valid create body; <paramref name="extra"/> adds or overrides fields.</summary>
    public static JsonObject NewExperiment(string id, object? extra = null)
    {
        var body = new JsonObject
        {
            ["id"] = id,
            ["name"] = $"Experiment {id}",
            ["base_command"] = "lt",
            ["run_name"] = $"tests.{id}",
            ["nodes"] = 1,
            ["gpus"] = 1,
            ["flags"] = new JsonObject { ["trainer.lr"] = 0.001, ["policy.layers"] = 4, ["ppo.enabled"] = true },
        };
        if (extra is not null)
            foreach (var (key, value) in JsonSerializer.SerializeToNode(extra)!.AsObject())
                body[key] = value?.DeepClone();
        return body;
    }

    public static StringContent Json(string raw, string contentType = "application/json") =>
        new(raw, Encoding.UTF8, MediaTypeHeaderValue.Parse(contentType));

    public static StringContent Json(JsonNode node) => Json(node.ToJsonString());

    public static Task<HttpResponseMessage> PostJsonAsync(this HttpClient client, string url, JsonNode body, string? user = null) =>
        client.SendAsync(Request(HttpMethod.Post, url, Json(body), user));

    public static Task<HttpResponseMessage> PostRawAsync(this HttpClient client, string url, string raw, string contentType = "application/json", string? user = null) =>
        client.SendAsync(Request(HttpMethod.Post, url, Json(raw, contentType), user));

    public static Task<HttpResponseMessage> PatchJsonAsync(this HttpClient client, string url, JsonNode body, string? user = null) =>
        client.SendAsync(Request(HttpMethod.Patch, url, Json(body), user));

    public static Task<HttpResponseMessage> SendAsync(this HttpClient client, HttpMethod method, string url, string? user = null) =>
        client.SendAsync(Request(method, url, null, user));

    public static HttpRequestMessage Request(HttpMethod method, string url, HttpContent? content, string? user)
    {
        var request = new HttpRequestMessage(method, url) { Content = content };
        if (user is not null) request.Headers.TryAddWithoutValidation(UserHeader, user);
        return request;
    }

    public static async Task<JsonElement> ReadJsonAsync(this HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        try
        {
            return JsonDocument.Parse(text).RootElement.Clone();
        }
        catch (JsonException e)
        {
            throw new Xunit.Sdk.XunitException($"{(int)response.StatusCode} body is not JSON ({e.Message}): {text}");
        }
    }

    /// <summary>Asserts the status and returns the JSON body.</summary>
    public static async Task<JsonElement> ExpectAsync(this HttpResponseMessage response, HttpStatusCode status)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"expected {(int)status}, got {(int)response.StatusCode}: {body}");
        return body.Length == 0 ? default : JsonDocument.Parse(body).RootElement.Clone();
    }

    public static async Task<JsonElement> GetJsonAsync(this HttpClient client, string url, HttpStatusCode status = HttpStatusCode.OK) =>
        await (await client.GetAsync(url)).ExpectAsync(status);

    /// <summary>
    /// Asserts a ProblemDetails answer (<c>application/problem+json</c>, matching <c>status</c>) and, when
    /// <paramref name="field"/> is given, that its <c>errors</c> name that field. Returns the body.
    /// </summary>
    public static async Task<JsonElement> ExpectProblemAsync(this HttpResponseMessage response, HttpStatusCode status, string? field = null)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"expected {(int)status}, got {(int)response.StatusCode}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(text).RootElement.Clone();
        Assert.Equal((int)status, problem.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrWhiteSpace(problem.GetProperty("title").GetString()), text);
        if (field is not null)
        {
            Assert.True(problem.TryGetProperty("errors", out var errors), $"no errors in {text}");
            Assert.True(errors.TryGetProperty(field, out var messages), $"errors do not name '{field}': {text}");
            Assert.True(messages.GetArrayLength() > 0, text);
            Assert.Contains(field, problem.GetProperty("detail").GetString());
        }

        return problem;
    }

    public static string Str(this JsonElement e, string property) => e.GetProperty(property).GetString()!;

    public static string Url(string path, params (string Key, object Value)[] query) =>
        path + (query.Length == 0 ? "" : "?" + string.Join("&", query.Select(q => $"{q.Key}={Uri.EscapeDataString(Convert.ToString(q.Value, System.Globalization.CultureInfo.InvariantCulture)!)}")));
}
