using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using SkyDeck.Actors.Core;

namespace SkyDeck.Host.Api;

/// <summary>
/// Every API error is a ProblemDetails naming the problem; validation errors name each field. Typed, so that handlers
/// returning <c>Results&lt;…&gt;</c> tell OpenAPI every status they can answer.
/// </summary>
public static class Problems
{
    public static ValidationProblem Invalid(IEnumerable<FieldError> errors, string? detail = null) =>
        TypedResults.ValidationProblem(
            errors.GroupBy(e => e.Field).ToDictionary(g => g.Key, g => g.Select(e => e.Message).Distinct().ToArray()),
            detail: (detail is null ? "" : detail + ": ") + string.Join("; ", errors.Select(e => $"{e.Field}: {e.Message}")),
            title: "The request is invalid");

    public static ValidationProblem Invalid(string field, string message) => Invalid([new FieldError(field, message)]);

    public static NotFoundProblem NotFound(string detail) =>
        new(new ProblemDetails { Status = StatusCodes.Status404NotFound, Title = "Not found", Detail = detail });

    public static ProblemHttpResult Unavailable(string detail, string title = "SkyDeck is busy or starting") =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status503ServiceUnavailable, title: title);

    /// <summary>A malformed body (415, 413, or 400 naming the field) as one result type.</summary>
    public static ProblemHttpResult Body(int status, string title, string detail, string? field = null) =>
        TypedResults.Problem(field is null
            ? new ProblemDetails { Status = status, Title = title, Detail = detail }
            : new HttpValidationProblemDetails(new Dictionary<string, string[]> { [field] = [detail] }) { Status = status, Title = title, Detail = $"{field}: {detail}" });
}
