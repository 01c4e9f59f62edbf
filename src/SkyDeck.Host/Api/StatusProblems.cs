using System.Reflection;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Mvc;
using SkyDeck.Actors.Core;

namespace SkyDeck.Host.Api;

/// <summary>
/// 404 with a ProblemDetails body, typed so handlers returning <c>Results&lt;…&gt;</c> tell OpenAPI about it (ASP.NET
/// Core's <c>NotFound&lt;ProblemDetails&gt;</c> would write plain <c>application/json</c>; this writes
/// <c>application/problem+json</c> through the problem-details service).
/// </summary>
public sealed class NotFoundProblem(ProblemDetails details) : IResult, IStatusCodeHttpResult, IValueHttpResult<ProblemDetails>, IValueHttpResult, IContentTypeHttpResult, IEndpointMetadataProvider
{
    public const string ContentTypeValue = "application/problem+json";

    public ProblemDetails Value => details;

    object? IValueHttpResult.Value => details;

    public int? StatusCode => details.Status;

    public string ContentType => ContentTypeValue;

    public Task ExecuteAsync(HttpContext httpContext) => TypedResults.Problem(details).ExecuteAsync(httpContext);

    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder) =>
        builder.Metadata.Add(new ProducesResponseTypeMetadata(StatusCodes.Status404NotFound, typeof(ProblemDetails), [ContentTypeValue]));
}

/// <summary>
/// The one mapping from a failed <see cref="CommandResult"/> to HTTP, shared by every endpoint that sends a command:
/// 400 (rejected, naming each field), 404, 409 or 503 (SkyDeck cannot write), each declared to OpenAPI.
/// </summary>
public sealed class CommandProblem : IResult, IStatusCodeHttpResult, IEndpointMetadataProvider
{
    private readonly IResult _result;

    private CommandProblem(IResult result, int status)
    {
        _result = result;
        StatusCode = status;
    }

    public int? StatusCode { get; }

    /// <param name="notFound">What to say when the command's target does not exist and the reply says nothing.</param>
    public static CommandProblem From(CommandResult result, string notFound) => result.Code switch
    {
        ResultCode.NotFound => new(Problems.NotFound(result.Message ?? notFound), StatusCodes.Status404NotFound),
        ResultCode.Conflict => new(TypedResults.Problem(result.Message ?? "conflict", statusCode: StatusCodes.Status409Conflict, title: "Conflict"), StatusCodes.Status409Conflict),
        ResultCode.Rejected => new(Problems.Invalid(result.Errors.IsDefault ? [] : result.Errors, result.Message), StatusCodes.Status400BadRequest),
        ResultCode.Unavailable => new(Problems.Unavailable(result.Message ?? "unavailable", "SkyDeck cannot write right now"), StatusCodes.Status503ServiceUnavailable),
        _ => throw new ArgumentOutOfRangeException(nameof(result), $"{result.Code} is not an error"),
    };

    public Task ExecuteAsync(HttpContext httpContext) => _result.ExecuteAsync(httpContext);

    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder)
    {
        builder.Metadata.Add(new ProducesResponseTypeMetadata(StatusCodes.Status400BadRequest, typeof(HttpValidationProblemDetails), [NotFoundProblem.ContentTypeValue]));
        foreach (var status in new[] { StatusCodes.Status404NotFound, StatusCodes.Status409Conflict, StatusCodes.Status503ServiceUnavailable })
            builder.Metadata.Add(new ProducesResponseTypeMetadata(status, typeof(ProblemDetails), [NotFoundProblem.ContentTypeValue]));
    }
}
