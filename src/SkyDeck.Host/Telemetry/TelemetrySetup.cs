using System.Diagnostics.Metrics;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using SkyDeck.Actors.Telemetry;

namespace SkyDeck.Host.Telemetry;

/// <summary>
/// OpenTelemetry: SkyDeck's meter (<see cref="SkyDeckMetrics"/>, <see cref="ServerGauges"/>), ASP.NET Core's and
/// Kestrel's own HTTP metrics and the runtime's, served in the Prometheus text format at <c>GET /metrics</c> (behind the
/// token like the API). Traces go out over OTLP only when <c>SKYDECK_OTLP_ENDPOINT</c> is set.
/// </summary>
public static class TelemetrySetup
{
    public const string MetricsPath = "/metrics";

    public static IServiceCollection AddSkyDeckTelemetry(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddMetrics();
        services.AddSingleton<SkyDeckMetrics>();
        services.AddSingleton<ServerGauges>();
        var version = typeof(TelemetrySetup).Assembly.GetName().Version?.ToString();
        var telemetry = services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService("skydeck", serviceVersion: version))
            .WithMetrics(metrics => metrics
                .AddMeter(SkyDeckMetrics.MeterName, "System.Runtime")
                .AddAspNetCoreInstrumentation()
                .AddMeter("Microsoft.AspNetCore.Server.Kestrel")
                .AddPrometheusExporter());
        // Meters made through IMeterFactory belong to one server's container; a process hosting several servers (tests)
        // must not export another server's instruments under the same names. Process-wide meters (the runtime's) stay.
        services.ConfigureOpenTelemetryMeterProvider((provider, metrics) =>
        {
            var mine = provider.GetRequiredService<IMeterFactory>();
            metrics.AddView(instrument => instrument.Meter.Scope is null || ReferenceEquals(instrument.Meter.Scope, mine) ? null : MetricStreamConfiguration.Drop);
        });

        var otlp = configuration["SKYDECK_OTLP_ENDPOINT"] ?? configuration["SkyDeck:OtlpEndpoint"];
        if (!string.IsNullOrWhiteSpace(otlp) && Uri.TryCreate(otlp, UriKind.Absolute, out var endpoint))
            telemetry.WithTracing(tracing => tracing
                .AddAspNetCoreInstrumentation(o => o.Filter = http => http.Request.Path != MetricsPath)
                .AddOtlpExporter(o => o.Endpoint = endpoint));
        return services;
    }

    /// <summary>
    /// <c>GET /metrics</c>, after authentication (so it needs the token when one is set). The read-model gauges are
    /// refreshed just before each scrape, so nothing is counted between scrapes.
    /// </summary>
    public static WebApplication MapSkyDeckMetrics(this WebApplication app)
    {
        var gauges = app.Services.GetRequiredService<ServerGauges>();
        app.UseWhen(
            context => context.Request.Path == MetricsPath,
            scrape => scrape.Use(async (context, next) =>
            {
                await gauges.RefreshAsync(context.RequestAborted);
                await next();
            }));
        app.MapPrometheusScrapingEndpoint(MetricsPath).WithTags("System").ExcludeFromDescription();
        return app;
    }
}
