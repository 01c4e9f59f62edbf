using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace SkyDeck.Host.Cli;

/// <summary>An answer from the API: its status and its JSON body (undefined when the body is not JSON).</summary>
internal sealed record ApiAnswer(HttpStatusCode Status, JsonElement Body, string Text)
{
    public bool IsSuccess => (int)Status is >= 200 and < 300;

    /// <summary>A ProblemDetails' detail and each named field's errors, else the status.</summary>
    public string Problem
    {
        get
        {
            if (Body.ValueKind != JsonValueKind.Object) return $"HTTP {(int)Status}{(Text.Length is > 0 and < 200 ? $": {Text.Trim()}" : "")}";
            var parts = new List<string>();
            if (Body.TryGetProperty("detail", out var detail) && detail.ValueKind == JsonValueKind.String) parts.Add(detail.GetString()!);
            else if (Body.TryGetProperty("title", out var title) && title.ValueKind == JsonValueKind.String) parts.Add(title.GetString()!);
            if (Body.TryGetProperty("errors", out var errors) && errors.ValueKind == JsonValueKind.Object)
            {
                foreach (var error in errors.EnumerateObject())
                    parts.Add($"{error.Name}: {string.Join("; ", error.Value.EnumerateArray().Select(e => e.GetString()))}");
            }

            return parts.Count == 0 ? $"HTTP {(int)Status}" : string.Join(" — ", parts);
        }
    }
}

/// <summary>
/// The client verbs' HTTP: JSON to and from the running server's REST API, with its token. Requests send
/// <c>Content-Type: application/json</c> and no <c>Origin</c>, as the server's cross-site guards require of scripts.
/// A server that cannot be reached, or refuses the token, ends the command with exit code 3 and a hint.
/// </summary>
internal sealed class ApiClient : IDisposable
{
    private readonly HttpClient _http;

    /// <summary>A client of the server <paramref name="url"/> names, or of the one this machine runs (see <see cref="ServerConnection.Resolve"/>).</summary>
    public static ApiClient Connect(string? url, SkyDeckPaths paths, CliConsole console) => new(ServerConnection.Resolve(url, paths, console));

    public ApiClient(ServerConnection server, TimeSpan? timeout = null)
    {
        Server = server;
        // No proxy: http_proxy in the environment must not capture requests to 127.0.0.1.
        _http = new HttpClient(new SocketsHttpHandler { UseProxy = false, ConnectTimeout = TimeSpan.FromSeconds(5) })
        {
            BaseAddress = new Uri(server.BaseUrl + "/"),
            Timeout = timeout ?? TimeSpan.FromSeconds(60),
        };
        if (server.Token is { } token) _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        _http.DefaultRequestHeaders.Add("X-SkyDeck-User", Environment.UserName is { Length: > 0 } user && user.All(c => c is > ' ' and < '\u007f') ? user : "cli");
    }

    public ServerConnection Server { get; }

    public Task<ApiAnswer> GetAsync(string path, CancellationToken ct) => SendAsync(HttpMethod.Get, path, null, ct);

    public Task<ApiAnswer> PostAsync(string path, object? body, CancellationToken ct) => SendAsync(HttpMethod.Post, path, body ?? new { }, ct);

    public Task<ApiAnswer> DeleteAsync(string path, CancellationToken ct) => SendAsync(HttpMethod.Delete, path, null, ct);

    /// <summary>A GET that must succeed: its body, or a <see cref="CliException"/> naming what went wrong.</summary>
    public async Task<JsonElement> GetJsonAsync(string path, CancellationToken ct)
    {
        var answer = await GetAsync(path, ct);
        if (!answer.IsSuccess) throw new CliException(answer.Problem);
        return answer.Body;
    }

    /// <summary>The response itself, headers read (for streams); unreachable and 401 handled like any request.</summary>
    public async Task<HttpResponseMessage> OpenAsync(string path, string accept, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Accept.ParseAdd(accept);
        var response = await Send(request, HttpCompletionOption.ResponseHeadersRead, ct);
        if (response.StatusCode == HttpStatusCode.Unauthorized)
        {
            response.Dispose();
            throw TokenRefused();
        }

        return response;
    }

    public async Task<ApiAnswer> SendAsync(HttpMethod method, string path, object? body, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(method, path);
        // Every state-changing request carries a JSON body: the server refuses others with 415.
        if (body is not null || method != HttpMethod.Get)
            request.Content = new StringContent(JsonSerializer.Serialize(body ?? new { }), Encoding.UTF8, "application/json");
        using var response = await Send(request, HttpCompletionOption.ResponseContentRead, ct);
        if (response.StatusCode == HttpStatusCode.Unauthorized) throw TokenRefused();
        var text = await response.Content.ReadAsStringAsync(ct);
        JsonElement json = default;
        if (text.Length > 0 && response.Content.Headers.ContentType?.MediaType is { } media && media.Contains("json", StringComparison.OrdinalIgnoreCase))
        {
            try
            {
                using var document = JsonDocument.Parse(text);
                json = document.RootElement.Clone();
            }
            catch (JsonException)
            {
                // Reported through the status and text.
            }
        }

        return new ApiAnswer(response.StatusCode, json, text);
    }

    private async Task<HttpResponseMessage> Send(HttpRequestMessage request, HttpCompletionOption completion, CancellationToken ct)
    {
        try
        {
            return await _http.SendAsync(request, completion, ct);
        }
        catch (HttpRequestException e)
        {
            throw new CliException(
                $"cannot reach SkyDeck at {Server.BaseUrl} ({e.Message}). Is it running? `skydeck status` tells; start it with `skydeck start`"
                + (Server.Source == ServerConnection.UrlVariable || Server.Source == "--url" ? $" (the URL came from {Server.Source})" : ""),
                e,
                ExitCodes.Unreachable);
        }
        catch (TaskCanceledException e) when (!ct.IsCancellationRequested)
        {
            throw new CliException($"SkyDeck at {Server.BaseUrl} did not answer within {_http.Timeout.TotalSeconds:0} s", e, ExitCodes.Unreachable);
        }
    }

    private CliException TokenRefused() => new(
        Server.Token is null
            ? $"SkyDeck at {Server.BaseUrl} requires a token: set SKYDECK_TOKEN (or keep the generated ~/.skydeck/token)"
            : $"SkyDeck at {Server.BaseUrl} refused the token (from SKYDECK_TOKEN or ~/.skydeck/token)",
        exitCode: ExitCodes.Unreachable);

    public void Dispose() => _http.Dispose();
}
