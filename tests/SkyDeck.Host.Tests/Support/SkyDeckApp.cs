using System.Globalization;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using SkyDeck.Actors.Core;
using SkyDeck.Actors.SkyPilot;

namespace SkyDeck.Host.Tests.Support;

/// <summary>
/// The real server (<see cref="SkyDeckServer.Build"/> through <c>Program</c>) on a temp SQLite file, with settings
/// passed the way a user passes them (SKYDECK_* keys) and, unless <paramref name="gateway"/> is null, the scripted
/// fake <c>sky</c> swapped in. Runs as Production (like <c>skydeck start</c>) unless told otherwise.
/// </summary>
public sealed class SkyDeckApp(string databasePath, ISkyGateway? gateway, IReadOnlyDictionary<string, string>? settings = null, string environment = "Production")
    : WebApplicationFactory<Program>
{
    public string DatabasePath { get; } = databasePath;

    /// <summary>A client that fails the test on any 5xx answer, showing its body.</summary>
    public HttpClient Client() => CreateDefaultClient(new NoServerErrors());

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment(environment);
        builder.UseSetting("SKYDECK_DB_PATH", DatabasePath);
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
            builder.UseSetting(key, value);
        builder.ConfigureTestServices(services => services.AddSingleton<IStartupFilter, RemoteAddress>());
        if (gateway is not null)
            builder.ConfigureTestServices(services => services.AddSingleton(gateway));
    }

    public static Dictionary<string, string> Seconds(params (string Key, double Seconds)[] values) =>
        values.ToDictionary(v => v.Key, v => v.Seconds.ToString(CultureInfo.InvariantCulture));
}

/// <summary>Turns any 5xx into an immediate test failure: the API must answer every request with 2xx or 4xx.</summary>
public sealed class NoServerErrors : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = await base.SendAsync(request, cancellationToken);
        if ((int)response.StatusCode >= 500)
        {
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            throw new ServerErrorException($"{request.Method} {request.RequestUri} answered {(int)response.StatusCode}: {body}");
        }

        return response;
    }
}

public sealed class ServerErrorException(string message) : Exception(message);
