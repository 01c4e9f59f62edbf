using System.Text.Json;
using Serilog;
using Serilog.Events;
using SkyDeck.Actors.Core;
using SkyDeck.Actors.Hosting;
using SkyDeck.Actors.Serialization;
using SkyDeck.Host.Api;
using SkyDeck.Host.Security;
using SkyDeck.Host.Telemetry;
using SkyDeck.Ui;

namespace SkyDeck.Host;

/// <summary>Builds the SkyDeck web server: the actor system, the REST API, the dashboard and logging.</summary>
public static class SkyDeckServer
{
    public static WebApplication Build(string[] args, ServerSettings settings, SkyDeckPaths paths)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = args,
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.Configuration
            .AddJsonFile(Path.Combine(paths.Home, "appsettings.json"), optional: true, reloadOnChange: false)
            .AddEnvironmentVariables()
            .AddCommandLine(args);

        ConfigureLogging(builder, settings, paths);
        builder.WebHost.UseUrls(settings.Url);
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Limits.MaxRequestBodySize = RequestLimits.MaxBodyBytes);

        var options = SkyDeckConfiguration.Read(builder.Configuration, paths);
        builder.Services.AddSkyDeck(options, akka => akka.WithLiveFeed());
        builder.Services.AddSingleton(settings);
        builder.Services.AddSingleton(SkyDeckConfiguration.ReadLiveFeed(builder.Configuration));
        builder.Services.AddSingleton(SkyDeckConfiguration.ReadDashboard(builder.Configuration));
        builder.Services.AddSkyDeckApi();
        builder.Services.AddSkyDeckCompression();
        builder.Services.AddSkyDeckHealthChecks();
        builder.Services.AddSkyDeckTelemetry(builder.Configuration);
        var tokens = AccessTokens.Resolve(builder.Configuration["SKYDECK_TOKEN"] ?? builder.Configuration["SkyDeck:Token"], settings, paths);
        builder.Services.AddSkyDeckSecurity(tokens);
        builder.Services.AddSkyDeckRequestGuards(RequestGuards.AllowedHosts(
            settings, builder.Configuration["SKYDECK_ALLOWED_HOSTS"] ?? builder.Configuration["SkyDeck:AllowedHosts"]));

        var app = builder.Build();
        app.UseSkyDeckCompression();
        app.UseSkyDeckApi();
        app.UseSkyDeckRequestGuards();
        app.UseSkyDeckHealthChecks();
        app.UseSkyDeckSecurity();
        app.MapSkyDeckMetrics();
        app.MapSkyDeckUi();
        app.MapSkyDeckEndpoints();
        return app;
    }

    private static void ConfigureLogging(WebApplicationBuilder builder, ServerSettings settings, SkyDeckPaths paths)
    {
        var logger = new LoggerConfiguration()
            .MinimumLevel.Information()
            .MinimumLevel.Override("Microsoft.AspNetCore", LogEventLevel.Warning)
            .MinimumLevel.Override("Microsoft.Hosting.Lifetime", LogEventLevel.Information)
            .MinimumLevel.Override("LinqToDB", LogEventLevel.Warning)
            .Enrich.FromLogContext()
            // Last, so it also sees the properties the context added: `sky` output logged verbatim must not put
            // NUL bytes, escape sequences or forged lines into skydeck.log.
            .Enrich.With<Logging.ControlCharacterEscaper>();
        const string template = "{Timestamp:yyyy-MM-dd HH:mm:ss.fff zzz} [{Level:u3}] {SourceContext}: {Message:lj}{NewLine}{Exception}";
        if (settings.LogToConsole) logger.WriteTo.Console(outputTemplate: template);
        if (settings.LogToFile)
        {
            // The log file is created private here; a rolled one is created by Serilog under the umask (its shared
            // mode takes no lifecycle hooks), inside the 0700 directory, and made private at the next start.
            PrivateFiles.EnsureDirectory(paths.Home, owned: true);
            PrivateFiles.Ensure(paths.LogFile);
            PrivateFiles.RestrictAll(paths.Home);
            logger.WriteTo.File(
                paths.LogFile,
                outputTemplate: template,
                fileSizeLimitBytes: 10 * 1024 * 1024,
                rollOnFileSizeLimit: true,
                retainedFileCountLimit: 5,
                shared: true,
                flushToDiskInterval: TimeSpan.FromSeconds(1));
        }

        builder.Services.AddSerilog(logger.CreateLogger(), dispose: true);
    }
}
