using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using SkyDeck.FakeSky;
using SkyDeck.Host;

namespace SkyDeck.Browser.Tests;

/// <summary>
/// The real SkyDeck server, in-process on a free loopback port, driving the fake <c>sky</c> executable.
/// Every instance has its own home and database; all share one fake cloud (FAKE_SKY_HOME is process-wide).
/// </summary>
public sealed class DashboardServer : IAsyncDisposable
{
    private static readonly Lazy<FakeSkyHome> SharedSky = new(() =>
    {
        var home = FakeSkyHome.CreateTemporary();
        Environment.SetEnvironmentVariable(FakeSkyHome.HomeVariable, home.Directory);
        return home;
    });

    private readonly string _home;
    private readonly string[] _args;
    private WebApplication? _app;

    private DashboardServer(string home, int port, string[] args)
    {
        _home = home;
        Port = port;
        _args = args;
        BaseAddress = new Uri($"http://127.0.0.1:{port}/");
        Api = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
        Api.DefaultRequestHeaders.Add("X-SkyDeck-User", "browser-tests");
    }

    public int Port { get; }

    public Uri BaseAddress { get; }

    public HttpClient Api { get; }

    public static FakeSkyHome Sky => SharedSky.Value;

    public static async Task<DashboardServer> StartAsync(double pollIntervalSeconds = 0.3, params string[] settings)
    {
        _ = Sky; // FAKE_SKY_HOME must be set before the server starts any `sky` process
        var home = Path.Combine(Path.GetTempPath(), "skydeck-browser-" + Guid.NewGuid().ToString("N")[..10]);
        Directory.CreateDirectory(home);
        string[] args =
        [
            $"--SKYDECK_DB_PATH={Path.Combine(home, "skydeck.db")}",
            $"--SKYDECK_POLL_INTERVAL={pollIntervalSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture)}",
            $"--SKYDECK_SKY_PATH={FakeSkyHome.ExecutablePath}",
            .. settings,
        ];
        var server = new DashboardServer(home, FreePort(), args);
        await server.StartAppAsync();
        return server;
    }

    private async Task StartAppAsync()
    {
        _app = SkyDeckServer.Build(_args, new ServerSettings(Host: "127.0.0.1", Port: Port, LogToConsole: false, LogToFile: false), new SkyDeckPaths(_home));
        await _app.StartAsync();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public Task<JsonElement> CreateAsync(string id, object? flags = null, string desired = "STOPPED", int gpus = 0, string? name = null) =>
        SendAsync(HttpMethod.Post, "api/experiments", new
        {
            id,
            name = name ?? id,
            base_command = "python train.py",
            nodes = 1,
            gpus,
            flags = flags ?? new Dictionary<string, object>(),
            desired_state = desired,
        });

    public Task<JsonElement> SetStateAsync(string id, string desired) =>
        SendAsync(HttpMethod.Post, $"api/experiments/{id}/state", new { desired_state = desired });

    public Task<JsonElement> SetFlagsAsync(string id, object flags) =>
        SendAsync(HttpMethod.Post, $"api/experiments/{id}/flags", new { flags });

    public Task<JsonElement> DeleteAsync(string id) => SendAsync(HttpMethod.Delete, $"api/experiments/{id}", new { });

    public async Task<JsonElement> GetAsync(string id) => await Api.GetFromJsonAsync<JsonElement>($"api/experiments/{id}");

    public async Task<JsonElement> SendAsync(HttpMethod method, string path, object body)
    {
        using var request = new HttpRequestMessage(method, path)
        {
            Content = new StringContent(JsonSerializer.Serialize(body), Encoding.UTF8, "application/json"),
        };
        using var response = await Api.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode) throw new HttpRequestException($"{method} {path}: {(int)response.StatusCode} {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    public async ValueTask DisposeAsync()
    {
        Api.Dispose();
        if (_app is not null)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            try
            {
                await _app.StopAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                // shutting down a test server: do not hang the run
            }

            await _app.DisposeAsync();
        }

        try
        {
            Directory.Delete(_home, recursive: true);
        }
        catch (IOException)
        {
            // SQLite may still hold the file on a slow shutdown; the temp directory is disposable
        }
    }
}
