using System.Text.Json;
using System.Text.Json.Serialization;

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
            json.SerializerOptions.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseUpper));
        });
        services.AddProblemDetails();
        services.AddOpenApi();
        return services;
    }

    public static WebApplication UseSkyDeckApi(this WebApplication app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.MapOpenApi();
        return app;
    }
}
