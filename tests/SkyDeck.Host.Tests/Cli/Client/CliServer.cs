using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using SkyDeck.Host.Cli;
using SkyDeck.Host.Tests.Support;
using SkyDeck.Testing;

namespace SkyDeck.Host.Tests.Cli.Client;

/// <summary>
/// A real server on a loopback port (Kestrel, not the in-memory test server), so the client verbs run exactly as a user
/// runs them: <c>skydeck VERB … --url URL</c> through <see cref="SkyDeckCommandLine"/>, over HTTP, in this process.
/// </summary>
public class CliServer : IAsyncLifetime
{
    private int _ids;

    public TempDatabase Database { get; } = new();

    public ScriptedSkyGateway Sky { get; } = ScriptedSkyGateway.WithFakeCloud();

    public SkyDeckApp App { get; private set; } = null!;

    public HttpClient Client { get; private set; } = null!;

    public string Url { get; private set; } = "";

    /// <summary>An empty ~/.skydeck: no pid file, no token, so only --url finds the server.</summary>
    public SkyDeckPaths Paths { get; } = new(Directory.CreateTempSubdirectory("skydeck-cli-home-").FullName);

    protected virtual IReadOnlyDictionary<string, string>? Settings => null;

    public string NewId(string prefix) => $"{prefix}-{Interlocked.Increment(ref _ids)}";

    public async Task InitializeAsync()
    {
        App = new SkyDeckApp(Database.Path, Sky, Settings);
        App.UseKestrel(0);
        App.StartServer();
        var address = App.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        Url = address.Replace("[::]", "127.0.0.1", StringComparison.Ordinal).Replace("localhost", "127.0.0.1", StringComparison.Ordinal);
        Client = new HttpClient(new NoServerErrors { InnerHandler = new SocketsHttpHandler { UseProxy = false } }) { BaseAddress = new Uri(Url) };
        Client.DefaultRequestHeaders.Authorization = Token is null ? null : new("Bearer", Token);
        await Client.GetAsync("/api/experiments");
    }

    /// <summary>The bearer token the test's own client sends, if the server needs one.</summary>
    protected virtual string? Token => null;

    public async Task<JsonElement> CreateAsync(string id, object? extra = null)
    {
        var response = await Client.PostJsonAsync("/api/experiments", Http.NewExperiment(id, extra));
        return await response.ExpectAsync(HttpStatusCode.Created);
    }

    public Task<JsonElement> GetAsync(string id) => Client.GetJsonAsync($"/api/experiments/{id}");

    /// <summary>Runs <c>skydeck args… --url URL</c> (unless <paramref name="withUrl"/> is false) with the given stdin.</summary>
    public async Task<CliRun> RunAsync(string[] args, string? stdin = null, bool withUrl = true, int columns = 200, CancellationToken ct = default)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var code = await Start(args, stdout, stderr, stdin, withUrl, columns, ct);
        return new CliRun(code, stdout.ToString(), stderr.ToString());
    }

    /// <summary>Starts a command whose output the test reads while it runs (a follow); cancelling is Ctrl+C.</summary>
    public Task<int> Start(string[] args, StringWriter stdout, StringWriter stderr, string? stdin = null, bool withUrl = true, int columns = 200, CancellationToken ct = default)
    {
        var console = new CliConsole(TextWriter.Synchronized(stdout), TextWriter.Synchronized(stderr), IsInteractive: false, new StringReader(stdin ?? ""), columns);
        string[] full = withUrl ? [.. args, "--url", Url] : args;
        return Task.Run(() => SkyDeckCommandLine.InvokeAsync(full, console, Paths, ct));
    }

    public async Task DisposeAsync()
    {
        Client.Dispose();
        await App.DisposeAsync();
        Database.Dispose();
        Directory.Delete(Paths.Home, recursive: true);
    }
}
