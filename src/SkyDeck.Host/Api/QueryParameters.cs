using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;

namespace SkyDeck.Host.Api;

/// <summary>
/// Query parameters read by hand so that a bad one gets a ProblemDetails naming it (model binding answers a bare 400),
/// with one rule for every endpoint: a value outside its range is refused, never clamped.
/// </summary>
public static class QueryParameters
{
    public static (int? Value, ValidationProblem? Error) Int(string? raw, string name, int min, int max)
    {
        if (raw is null) return (null, null);
        if (int.TryParse(raw, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max)
            return (value, null);
        return (null, Problems.Invalid(name, $"must be a whole number between {min} and {max} (got '{Quote(raw)}')"));
    }

    public static (long? Value, ValidationProblem? Error) Cursor(string? raw, string name)
    {
        if (raw is null) return (null, null);
        if (long.TryParse(raw, NumberStyles.None, CultureInfo.InvariantCulture, out var value)) return (value, null);
        return (null, Problems.Invalid(name, $"must be a cursor from a previous page (a whole number, 0 or more; got '{Quote(raw)}')"));
    }

    public static (bool? Value, ValidationProblem? Error) Bool(string? raw, string name)
    {
        if (raw is null) return (null, null);
        if (bool.TryParse(raw, out var value)) return (value, null);
        return (null, Problems.Invalid(name, $"must be true or false (got '{Quote(raw)}')"));
    }

    private static string Quote(string raw) => FieldReader.DisplayName(raw);
}
