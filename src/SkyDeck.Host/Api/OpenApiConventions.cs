using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using SkyDeck.Actors.Core;

namespace SkyDeck.Host.Api;

/// <summary>
/// How an endpoint tells OpenAPI (<c>/openapi/v1.json</c>, which clients are generated from) what it takes and answers.
/// Every endpoint follows these conventions:
/// <list type="number">
/// <item>Return typed results, <c>Results&lt;Ok&lt;TDto&gt;, ValidationProblem, NotFoundProblem, CommandProblem, …&gt;</c>,
/// never <c>IResult</c>: each typed result declares its status and body (<see cref="NotFoundProblem"/> 404,
/// <see cref="CommandProblem"/> 400/404/409/503, <c>ValidationProblem</c> 400).</item>
/// <item>A handler that reads a JSON body through <see cref="JsonBody"/> declares the body's schema with
/// <see cref="AcceptsJson{TBody}"/> and a request record in <c>Contracts.cs</c>; that also declares the 400, 413 and 415
/// a malformed body gets. The strict reading itself is unchanged.</item>
/// <item>An error returned as a plain <c>ProblemHttpResult</c> (<see cref="Problems.Unavailable"/>,
/// <c>TypedResults.Problem</c>) declares its status with <c>.ProducesProblem(status)</c>.</item>
/// <item>A query parameter read as a string (through <see cref="QueryParameters"/>, so a bad one gets a 400 naming it)
/// declares its real type with <see cref="Query"/>.</item>
/// <item>Every endpoint has a tag and a unique <c>.WithName(…)</c>: the operation id generated clients name methods by.</item>
/// </list>
/// What the pipeline answers for every endpoint is declared here once, not per endpoint: 401 (when a token is set) and
/// 403/415 for state-changing methods (<see cref="Security.RequestGuards"/>). <c>OpenApiDocumentTests</c> checks it all.
/// </summary>
public static class OpenApiConventions
{
    public const string BearerScheme = "bearer";

    private const string ProblemJson = "application/problem+json";

    /// <summary>The body's schema (required, <c>application/json</c>), and the answers to a malformed one.</summary>
    public static RouteHandlerBuilder AcceptsJson<TBody>(this RouteHandlerBuilder builder) where TBody : notnull =>
        builder.Accepts<TBody>("application/json")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType);

    /// <summary>The type, meaning and requiredness of a query parameter the handler binds as a string and parses itself.</summary>
    public static RouteHandlerBuilder Query(this RouteHandlerBuilder builder, string name, JsonSchemaType type, string description, string? format = null, bool required = false) =>
        builder.WithMetadata(new QueryParameterDoc(name, type, format, description, required));

    private sealed record QueryParameterDoc(string Name, JsonSchemaType Type, string? Format, string Description, bool Required);

    public static void Configure(OpenApiOptions options)
    {
        options.AddDocumentTransformer((document, _, _) =>
        {
            document.Info.Title = "SkyDeck API";
            document.Info.Description =
                "Declare ML experiments and their desired state; SkyDeck makes SkyPilot match. JSON in snake_case; errors are " +
                "RFC 9457 problem details naming the bad field. When the server has a token (always when bound beyond " +
                "loopback), send it as `Authorization: Bearer <token>`.";
            document.Components ??= new OpenApiComponents();
            document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
            document.Components.SecuritySchemes[BearerScheme] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.Http, Scheme = "bearer", Description = "SKYDECK_TOKEN or ~/.skydeck/token; not needed on a loopback server without one",
            };
            return Task.CompletedTask;
        });
        options.AddOperationTransformer(PipelineAnswersAsync);
        options.AddSchemaTransformer((schema, context, _) =>
        {
            var type = context.JsonTypeInfo.Type;
            // Enums are written as strings (JsonStringEnumConverter); say so, or generators read the values as integers.
            if (type.IsEnum && schema.Enum is { Count: > 0 } && schema.Type is null) schema.Type = JsonSchemaType.String;
            // Flags map keys to a string, number or boolean (FlagValue has a converter of its own, so no schema is
            // inferred). Said in words, not as a type list or anyOf: generators turn those into a double or a wrapper
            // class, while a plain value schema gives `object` values a client can fill with any of the three.
            if (type.IsGenericType && type.GetGenericArguments() is [var key, var value] && key == typeof(string) && value == typeof(FlagValue))
                schema.AdditionalProperties = new OpenApiSchema
                {
                    Description = "A flag value: a string, a number (integer or float) or a boolean",
                };
            return Task.CompletedTask;
        });
    }

    /// <summary>What the middleware in front of every endpoint can answer, with the bearer token each may need.</summary>
    private static async Task PipelineAnswersAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken ct)
    {
        foreach (var doc in context.Description.ActionDescriptor.EndpointMetadata.OfType<QueryParameterDoc>())
            if (operation.Parameters?.OfType<OpenApiParameter>().FirstOrDefault(p => p.Name == doc.Name && p.In == ParameterLocation.Query) is { } parameter)
            {
                parameter.Schema = new OpenApiSchema { Type = doc.Type, Format = doc.Format };
                parameter.Description = doc.Description;
                parameter.Required = doc.Required;
            }

        var path = "/" + (context.Description.RelativePath ?? "");
        if (!path.StartsWith("/api/", StringComparison.Ordinal)) return;
        operation.Responses ??= [];
        // One ProblemDetails component, referenced (as the endpoints' own problem answers are).
        IOpenApiSchema problem = await context.GetOrCreateSchemaAsync(typeof(Microsoft.AspNetCore.Mvc.ProblemDetails), null, ct);
        if (context.Document is { } document)
        {
            document.AddComponent(nameof(Microsoft.AspNetCore.Mvc.ProblemDetails), problem);
            problem = new OpenApiSchemaReference(nameof(Microsoft.AspNetCore.Mvc.ProblemDetails), document);
        }

        void Add(int status, string description)
        {
            var key = status.ToString(System.Globalization.CultureInfo.InvariantCulture);
            if (operation.Responses.ContainsKey(key)) return;
            operation.Responses[key] = new OpenApiResponse
            {
                Description = description,
                Content = new Dictionary<string, OpenApiMediaType> { [ProblemJson] = new() { Schema = problem } },
            };
        }

        if (path != "/api/login")
        {
            Add(StatusCodes.Status401Unauthorized, "A token is required (the server has one) and none or a wrong one was sent");
            operation.Security = [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(BearerScheme, context.Document)] = [] }];
        }

        if (context.Description.HttpMethod is "POST" or "PUT" or "PATCH" or "DELETE")
        {
            Add(StatusCodes.Status403Forbidden, "Refused: sent by a web page of another origin");
            Add(StatusCodes.Status415UnsupportedMediaType, "Refused: a body that is not Content-Type: application/json");
        }
    }
}
