using Microsoft.Extensions.DependencyInjection.Extensions;
using System.Text.Json;
using System.Text.Json.Serialization;
using Akka.Hosting;
using SkyDeck.Actors.Core;
using SkyDeck.Actors.Experiments;

namespace SkyDeck.Host.Api;

/// <summary>Registers and maps the REST API.</summary>
public static class ApiSetup
{
    public static IServiceCollection AddSkyDeckApi(this IServiceCollection services)
    {
        services.ConfigureHttpJsonOptions(json =>
        {
            json.SerializerOptions.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower;
            json.SerializerOptions.DictionaryKeyPolicy = null;
            // Numbers are numbers: bodies are read by JsonBody, so this changes no input, and OpenAPI says "integer", not
            // "integer or string".
            json.SerializerOptions.NumberHandling = JsonNumberHandling.Strict;
            json.SerializerOptions.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseUpper));
        });
        services.AddProblemDetails();
        services.Configure<Microsoft.AspNetCore.Routing.RouteHandlerOptions>(o => o.ThrowOnBadRequest = false);
        services.AddExceptionHandler<AskTimeoutHandler>();
        services.AddOpenApi(OpenApiConventions.Configure);
        services.AddSingleton<CostMeter>();
        services.AddSingleton<JobIndex>();
        services.AddSingleton<Experiments>();
        services.AddSingleton<Sweeps>();
        services.AddSingleton<ExperimentListCache>();
        services.AddSingleton<ExperimentPages>();
        services.AddSingleton<LiveFeed>();
        services.TryAddSingleton(new DashboardOptions());
        services.AddSingleton(sp => new SkyDeck.Actors.Audit.AuditLog(sp.GetRequiredService<Akka.Actor.ActorSystem>()));
        return services;
    }

    /// <summary>Starts the bridge that feeds <see cref="LiveFeed"/> from the manager.</summary>
    public static AkkaConfigurationBuilder WithLiveFeed(this AkkaConfigurationBuilder builder) =>
        builder.WithActors((system, registry, resolver) =>
            system.ActorOf(LiveFeedBridgeActor.Props(registry.Get<ExperimentManagerActor>(), resolver.GetService<LiveFeed>()), "live-feed"));

    public static WebApplication UseSkyDeckApi(this WebApplication app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        return app;
    }

    /// <summary>Maps the API (after authentication, so that every endpoint is behind it).</summary>
    public static WebApplication MapSkyDeckEndpoints(this WebApplication app)
    {
        app.MapOpenApi();
        app.MapApiDocs();
        app.MapExperimentEndpoints();
        app.MapSweepEndpoints();
        app.MapJobEndpoints();
        app.MapLogEndpoints();
        app.MapSystemEndpoints();
        app.MapMetaEndpoints();
        app.MapAuditEndpoints();
        app.MapCostEndpoints();
        app.MapStreamEndpoints();
        app.MapNotificationEndpoints();
        return app;
    }
}
