using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using SkyDeck.Actors.Core;
using SkyDeck.Actors.Hosting;
using SkyDeck.Actors.SkyPilot;
using SkyDeck.Benchmarks.Gateway;
using SkyDeck.FakeSky;
using SkyDeck.Host;

namespace SkyDeck.Benchmarks.Server;

/// <summary>
/// The production server (<see cref="SkyDeckServer.Build"/>: Kestrel, the REST API, Akka.Hosting, the SQLite journal,
/// the poller) started in this process on a free loopback port, configured the way a user configures it
/// (<c>--SKYDECK_*</c> arguments), with the real <see cref="SkyPilotCli"/> running the fake <c>sky</c> behind a
/// <see cref="GatewayProbe"/>.
/// </summary>
public sealed class SkyDeckUnderTest : IAsyncDisposable
{
    private readonly WebApplication _app;

    private SkyDeckUnderTest(WebApplication app, GatewayProbe probe, FakeSkyHome fake, Uri url, string databasePath)
    {
        _app = app;
        Probe = probe;
        Fake = fake;
        Url = url;
        DatabasePath = databasePath;
        Client = Http.Client(url);
    }

    public GatewayProbe Probe { get; }

    public FakeSkyHome Fake { get; }

    public Uri Url { get; }

    public string DatabasePath { get; }

    public HttpClient Client { get; }

    public SkyDeckOptions Options => _app.Services.GetRequiredService<SkyDeckOptions>();

    /// <summary>The server's own services, for in-process breakdowns (never to change its behaviour).</summary>
    public IServiceProvider Services => _app.Services;

    /// <param name="pollSeconds">Large by default: figures trigger polls themselves (<c>POST /api/refresh</c>) or rely on the early poll after an action.</param>
    public static async Task<SkyDeckUnderTest> StartAsync(string home, string databasePath, FakeSkyHome fake, double pollSeconds = 3600, IEnumerable<string>? extraArgs = null)
    {
        var port = FreePort.Next();
        string[] args =
        [
            GatewayInjection.Argument,
            $"--SKYDECK_DB_PATH={databasePath}",
            $"--SKYDECK_SKY_PATH={FakeSkyHome.ExecutablePath}",
            "--SKYDECK_POLL_INTERVAL=" + pollSeconds.ToString(CultureInfo.InvariantCulture),
            .. extraArgs ?? [],
        ];
        GatewayProbe? probe = null;
        var app = GatewayInjection.Build(
            services =>
            {
                var options = services.GetRequiredService<SkyDeckOptions>();
                var cli = new SkyPilotCli(
                    options.Sky with { Environment = fake.Environment },
                    services.GetRequiredService<ILogger<SkyPilotCli>>(),
                    services.GetRequiredService<TimeProvider>());
                return probe = new GatewayProbe(cli);
            },
            () => SkyDeckServer.Build(args, new ServerSettings(Host: "127.0.0.1", Port: port, LogToConsole: false, LogToFile: false), new SkyDeckPaths(home)));
        await app.StartAsync();
        // The actor system resolves the gateway while starting, so the probe exists once StartAsync returns.
        if (app.Services.GetRequiredService<ISkyGateway>() is not GatewayProbe resolved || !ReferenceEquals(resolved, probe))
            throw new InvalidOperationException("the gateway probe was not injected; the hosting-startup hook did not run");
        return new SkyDeckUnderTest(app, probe, fake, new Uri($"http://127.0.0.1:{port}"), databasePath);
    }

    /// <summary>Waits until the read model lists <paramref name="experiments"/> and the poller has completed its first poll.</summary>
    public async Task WaitUntilReadyAsync(int experiments, TimeSpan timeout)
    {
        await Http.Until(async () => await Client.TryHealthAsync() is { } health && health.Experiments >= experiments, timeout, $"{experiments} experiments in the read model", 100);
        await Http.Until(async () => await Client.TryHealthAsync() is { LastPollSuccess: not null }, timeout, "the first SkyPilot poll", 100);
        var listed = await Client.CountExperimentsAsync();
        if (listed < experiments) throw new InvalidOperationException($"GET /api/experiments lists {listed}, expected {experiments}");
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try
        {
            await _app.StopAsync(stop.Token);
        }
        finally
        {
            await _app.DisposeAsync();
            SqliteConnection.ClearAllPools();
        }
    }
}
