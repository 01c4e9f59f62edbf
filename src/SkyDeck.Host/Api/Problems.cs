using Microsoft.AspNetCore.Http.HttpResults;
using SkyDeck.Actors.Core;
using SkyDeck.Actors.Experiments;

namespace SkyDeck.Host.Api;

/// <summary>Every API error is a ProblemDetails naming the problem; validation errors name each field.</summary>
public static class Problems
{
    public static ValidationProblem Invalid(IEnumerable<FieldError> errors, string? detail = null) =>
        TypedResults.ValidationProblem(
            errors.GroupBy(e => e.Field).ToDictionary(g => g.Key, g => g.Select(e => e.Message).Distinct().ToArray()),
            detail: (detail is null ? "" : detail + ": ") + string.Join("; ", errors.Select(e => $"{e.Field}: {e.Message}")),
            title: "The request is invalid");

    public static ValidationProblem Invalid(string field, string message) => Invalid([new FieldError(field, message)]);

    public static ProblemHttpResult NotFound(string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status404NotFound, title: "Not found");

    public static ProblemHttpResult Conflict(string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status409Conflict, title: "Conflict");

    public static ProblemHttpResult Unavailable(string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status503ServiceUnavailable, title: "SkyDeck is busy or starting");

    /// <summary>Maps a failed command result; success is the caller's business.</summary>
    public static IResult From(CommandResult result) => result.Code switch
    {
        ResultCode.NotFound => NotFound(result.Message ?? "not found"),
        ResultCode.Conflict => Conflict(result.Message ?? "conflict"),
        ResultCode.Rejected when !result.Errors.IsDefaultOrEmpty => Invalid(result.Errors, result.Message),
        ResultCode.Rejected => TypedResults.Problem(result.Message, statusCode: StatusCodes.Status400BadRequest, title: "The request is invalid"),
        ResultCode.Unavailable => TypedResults.Problem(result.Message, statusCode: StatusCodes.Status503ServiceUnavailable, title: "SkyDeck cannot write right now"),
        _ => throw new ArgumentOutOfRangeException(nameof(result), $"{result.Code} is not an error"),
    };
}
