using System.Net;
using System.Text.Json;
using SkyDeck.Testing;

namespace SkyDeck.Host.Tests.Support;

/// <summary>One server per test class: its own SQLite file and its own scripted <c>sky</c>.</summary>
public class ApiFixture : IAsyncLifetime
{
    private int _ids;

    public TempDatabase Database { get; } = new();

    public ScriptedSkyGateway Sky { get; } = ScriptedSkyGateway.WithFakeCloud();

    public SkyDeckApp App { get; private set; } = null!;

    public HttpClient Client { get; private set; } = null!;

    /// <summary>Extra SKYDECK_* settings for this fixture's server.</summary>
    protected virtual IReadOnlyDictionary<string, string>? Settings => null;

    /// <summary>The ASP.NET Core environment the server runs in.</summary>
    protected virtual string Environment => "Production";

    /// <summary>A fresh, valid experiment id (tests sharing a server never collide).</summary>
    public string NewId(string prefix) => $"{prefix}-{Interlocked.Increment(ref _ids)}";

    public async Task InitializeAsync()
    {
        App = new SkyDeckApp(Database.Path, Sky, Settings, Environment);
        Client = App.Client();
        await Client.GetJsonAsync("/api/experiments");
    }

    public async Task DisposeAsync()
    {
        Client.Dispose();
        await App.DisposeAsync();
        Database.Dispose();
    }

    public async Task<JsonElement> CreateAsync(string id, object? extra = null, string? user = null)
    {
        var response = await Client.PostJsonAsync("/api/experiments", Http.NewExperiment(id, extra), user);
        return await response.ExpectAsync(HttpStatusCode.Created);
    }

    public Task<JsonElement> GetAsync(string id) => Client.GetJsonAsync($"/api/experiments/{id}");

    /// <summary>Waits until the experiment's JSON satisfies <paramref name="done"/>.</summary>
    public Task<JsonElement> WaitForAsync(string id, Func<JsonElement, bool> done, string what, TimeSpan? timeout = null) =>
        Eventually.Until(() => GetAsync(id), done, $"{id}: {what}", timeout);
}
