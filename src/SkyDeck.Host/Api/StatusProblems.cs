using System.Reflection;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Mvc;

namespace SkyDeck.Host.Api;

/// <summary>
/// A ProblemDetails answer whose status is known from its type, so handlers returning <c>Results&lt;…&gt;</c> tell
/// OpenAPI each error status (ASP.NET Core's <c>NotFound&lt;ProblemDetails&gt;</c> would write plain
/// <c>application/json</c>; these write <c>application/problem+json</c> through the problem-details service).
/// </summary>
public abstract class StatusProblem(ProblemDetails details) : IResult, IStatusCodeHttpResult, IValueHttpResult<ProblemDetails>, IValueHttpResult, IContentTypeHttpResult
{
    public const string ContentTypeValue = "application/problem+json";

    public ProblemDetails Value => details;

    object? IValueHttpResult.Value => details;

    public int? StatusCode => details.Status;

    public string ContentType => ContentTypeValue;

    public Task ExecuteAsync(HttpContext httpContext) => TypedResults.Problem(details).ExecuteAsync(httpContext);

    protected static void Describe(EndpointBuilder builder, int status) =>
        builder.Metadata.Add(new ProducesResponseTypeMetadata(status, typeof(ProblemDetails), [ContentTypeValue]));
}

/// <summary>404 with a ProblemDetails body.</summary>
public sealed class NotFoundProblem(ProblemDetails details) : StatusProblem(details), IEndpointMetadataProvider
{
    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder) => Describe(builder, StatusCodes.Status404NotFound);
}

/// <summary>409 with a ProblemDetails body.</summary>
public sealed class ConflictProblem(ProblemDetails details) : StatusProblem(details), IEndpointMetadataProvider
{
    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder) => Describe(builder, StatusCodes.Status409Conflict);
}
