using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using SkyDeck.Actors.Core;
using SkyDeck.Actors.SkyPilot;
using SkyDeck.Benchmarks.Gateway;

[assembly: HostingStartup(typeof(GatewayInjection))]

namespace SkyDeck.Benchmarks.Gateway;

/// <summary>
/// <see cref="SkyDeck.Host.SkyDeckServer.Build"/> builds its own service collection, so the harness cannot add
/// services to it directly. ASP.NET Core's hosting-startup hook (<c>--hostingStartupAssemblies=SkyDeck.Benchmarks</c>)
/// lets it register one singleton — the <see cref="ISkyGateway"/> decorator — before <c>AddSkyDeck</c>'s
/// <c>TryAddSingleton&lt;ISkyGateway&gt;</c> runs, leaving the rest of the production wiring untouched.
/// </summary>
public sealed class GatewayInjection : IHostingStartup
{
    public const string Argument = "--hostingStartupAssemblies=SkyDeck.Benchmarks";

    // The hook is instantiated by ASP.NET Core, so the factory for the server being built travels through this slot.
    // Servers are built one at a time (Build is synchronous); Use() holds a lock for that moment.
    private static readonly Lock Gate = new();
    private static Func<IServiceProvider, ISkyGateway>? _pending;

    public static T Build<T>(Func<IServiceProvider, ISkyGateway> gateway, Func<T> build)
    {
        lock (Gate)
        {
            _pending = gateway;
            try
            {
                return build();
            }
            finally
            {
                _pending = null;
            }
        }
    }

    public void Configure(IWebHostBuilder builder)
    {
        var factory = _pending;
        if (factory is null) return;
        builder.ConfigureServices(services => services.AddSingleton<ISkyGateway>(factory));
    }
}
