using System.Collections.Immutable;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Net.Http.Headers;
using SkyDeck.Actors.Core;
using SkyDeck.Actors.Experiments;

namespace SkyDeck.Host.Api;

/// <summary>
/// Reads a JSON object body strictly: JSON content type only (so forms cannot forge requests cross-site), a size cap,
/// and a ProblemDetails naming the problem for malformed JSON or a non-object body.
/// </summary>
public static class JsonBody
{
    public static async Task<(JsonElement Body, ProblemHttpResult? Error)> ReadObjectAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (!IsJson(request.ContentType))
            return (default, Problems.Body(StatusCodes.Status415UnsupportedMediaType, "Unsupported media type", "send the body as JSON with Content-Type: application/json"));
        if (request.ContentLength > RequestLimits.MaxBodyBytes) return (default, TooLarge());
        try
        {
            using var document = await JsonDocument.ParseAsync(request.Body, new JsonDocumentOptions { MaxDepth = 32 }, cancellationToken);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
                return (default, Invalid("body", $"must be a JSON object, not {document.RootElement.ValueKind.ToString().ToLowerInvariant()}"));
            if (FindMalformed(document.RootElement, "") is { } malformed) return (default, Invalid(malformed.Field, malformed.Message));
            return (document.RootElement.Clone(), null);
        }
        catch (JsonException e)
        {
            return (default, Invalid("body", $"is not valid JSON ({e.Message.Split(". Path")[0]})"));
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return (default, TooLarge());
        }
    }

    /// <summary>
    /// Exactly <c>application/json</c>, optionally with <c>charset=utf-8</c>: not <c>application/jsonx</c>, not
    /// <c>text/plain</c> — the types a cross-site form or a "simple" cross-origin fetch can send.
    /// </summary>
    public static bool IsJson(string? contentType) =>
        MediaTypeHeaderValue.TryParse(contentType, out var media)
        && string.Equals(media.MediaType.Value, "application/json", StringComparison.OrdinalIgnoreCase)
        && (media.Charset.Value is null || string.Equals(media.Charset.Value, "utf-8", StringComparison.OrdinalIgnoreCase))
        && media.Parameters.All(p => string.Equals(p.Name.Value, "charset", StringComparison.OrdinalIgnoreCase));

    /// <summary>
    /// The first thing in the document that System.Text.Json accepts but SkyDeck must not: a key given twice in one
    /// object (which one would win is a guess), or a string or key that is not valid Unicode (a lone surrogate escape
    /// such as <c>"\ud800"</c>, or invalid UTF-8) — each named by its path, e.g. <c>flags.lr</c>.
    /// </summary>
    private static FieldError? FindMalformed(JsonElement element, string path)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                var seen = new HashSet<string>(StringComparer.Ordinal);
                foreach (var property in element.EnumerateObject())
                {
                    if (!TryText(() => property.Name, out var name))
                        return new FieldError(path.Length == 0 ? "body" : path, "has a key that is not valid Unicode (a lone surrogate or invalid UTF-8)");
                    var child = path.Length == 0 ? name : $"{path}.{name}";
                    if (!seen.Add(name)) return new FieldError(Display(child), "is given more than once; send each key once");
                    if (FindMalformed(property.Value, child) is { } inner) return inner;
                }
                return null;
            case JsonValueKind.Array:
                var index = 0;
                foreach (var item in element.EnumerateArray())
                    if (FindMalformed(item, $"{path}[{index++}]") is { } inner) return inner;
                return null;
            case JsonValueKind.String when !TryText(element.GetString, out _):
                return new FieldError(Display(path), "is not valid Unicode (a lone surrogate or invalid UTF-8)");
            default:
                return null;
        }
    }

    private static bool TryText(Func<string?> read, out string text)
    {
        try
        {
            text = read() ?? "";
            return true;
        }
        catch (InvalidOperationException)
        {
            text = "";
            return false;
        }
    }

    private static string Display(string path) => FieldReader.DisplayName(path);

    private static ProblemHttpResult TooLarge() =>
        Problems.Body(StatusCodes.Status413PayloadTooLarge, "Request too large", $"the body must be at most {RequestLimits.MaxBodyBytes / 1024} KiB");

    private static ProblemHttpResult Invalid(string field, string message) =>
        Problems.Body(StatusCodes.Status400BadRequest, "The request is invalid", message, field);
}

/// <summary>Typed access to the fields of a JSON object, collecting one <see cref="FieldError"/> per bad field.</summary>
public sealed class FieldReader(JsonElement body)
{
    private readonly List<FieldError> _errors = [];

    public IReadOnlyList<FieldError> Errors => _errors;

    public bool IsValid => _errors.Count == 0;

    public bool Has(string name) => body.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null;

    /// <summary>Present and explicitly <c>null</c>: "clear this optional field".</summary>
    public bool IsNull(string name) => body.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Null;

    public void Fail(string field, string message) => _errors.Add(new FieldError(field, message));

    /// <summary>Fields not in <paramref name="known"/> are errors: a typo must not be silently ignored.</summary>
    public void RejectUnknown(params string[] known)
    {
        foreach (var property in body.EnumerateObject())
            if (!known.Contains(property.Name, StringComparer.Ordinal))
                Fail(Display(property.Name), $"is not a known field (known: {string.Join(", ", known)})");
    }

    public string? String(string name, bool required = false)
    {
        if (!Present(name, required, out var value)) return null;
        if (value.ValueKind == JsonValueKind.String) return value.GetString();
        Fail(name, $"must be a string, not {Kind(value)}");
        return null;
    }

    public int? Int(string name, bool required = false)
    {
        if (!Present(name, required, out var value)) return null;
        if (value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var number)) return number;
        Fail(name, value.ValueKind == JsonValueKind.Number ? "must be a whole number in range" : $"must be an integer, not {Kind(value)}");
        return null;
    }

    public bool? Bool(string name)
    {
        if (!Present(name, false, out var value)) return null;
        if (value.ValueKind is JsonValueKind.True or JsonValueKind.False) return value.GetBoolean();
        Fail(name, $"must be true or false, not {Kind(value)}");
        return null;
    }

    public DesiredState? Desired(string name, bool required = false)
    {
        var text = String(name, required);
        if (text is null) return null;
        if (StateNames.ParseDesired(text) is { } desired) return desired;
        Fail(name, $"must be RUNNING, STOPPED or TERMINATED (got '{Truncate(text)}')");
        return null;
    }

    public ImmutableArray<string>? Strings(string name)
    {
        if (!Present(name, false, out var value)) return null;
        if (value.ValueKind != JsonValueKind.Array || value.EnumerateArray().Any(v => v.ValueKind != JsonValueKind.String))
        {
            Fail(name, "must be an array of strings");
            return null;
        }
        return [.. value.EnumerateArray().Select(v => v.GetString()!)];
    }

    public ImmutableSortedDictionary<string, FlagValue>? Flags(string name, bool required = false)
    {
        if (!Present(name, required, out var value)) return null;
        if (value.ValueKind != JsonValueKind.Object)
        {
            Fail(name, $"must be an object of flag keys to values, not {Kind(value)}");
            return null;
        }

        if (value.GetPropertyCount() is var count && count > ExperimentSpec.MaxFlags)
        {
            Fail(name, $"at most {ExperimentSpec.MaxFlags} flags (got {count})");
            return null;
        }

        var flags = ImmutableSortedDictionary.CreateBuilder<string, FlagValue>(StringComparer.Ordinal);
        foreach (var flag in value.EnumerateObject())
        {
            var field = $"{name}.{Display(flag.Name)}";
            if (Scalar(flag.Value, out var problem) is { } scalar) flags[flag.Name] = scalar;
            else Fail(field, problem!);
        }
        return flags.ToImmutable();
    }

    /// <summary>
    /// <c>{"gpu_hours": N, "usd": N}</c>, either or both; <c>{}</c> is no budget. Limits are checked with the spec
    /// (<see cref="SkyDeck.Actors.Core.Budget.Validate"/>); here only the shape.
    /// </summary>
    public Budget? Budget(string name)
    {
        if (!Present(name, false, out var value)) return null;
        if (value.ValueKind != JsonValueKind.Object)
        {
            Fail(name, $"must be an object like {{\"gpu_hours\": 12}} or {{\"usd\": 50}}, not {Kind(value)}");
            return null;
        }

        double? Number(string key)
        {
            if (!value.TryGetProperty(key, out var n) || n.ValueKind == JsonValueKind.Null) return null;
            if (n.ValueKind == JsonValueKind.Number && n.TryGetDouble(out var d) && double.IsFinite(d)) return d;
            Fail($"{name}.{key}", $"must be a number, not {Kind(n)}");
            return null;
        }

        foreach (var property in value.EnumerateObject())
            if (property.Name is not ("gpu_hours" or "usd"))
                Fail($"{name}.{Display(property.Name)}", "is not a known field (known: gpu_hours, usd)");
        return new Budget(Number("gpu_hours"), Number("usd"));
    }

    /// <summary>
    /// <c>{"max_restarts_on_errors": N, "recover_on_exit_codes": [..], "on_preemption": "always"|"never"}</c>; every
    /// member optional, unknown ones refused, each error naming <c>retry.member</c>.
    /// </summary>
    public RetryPolicy? Retry(string name)
    {
        if (!Present(name, false, out var value)) return null;
        if (value.ValueKind != JsonValueKind.Object)
        {
            Fail(name, $"must be an object with max_restarts_on_errors, recover_on_exit_codes and on_preemption, not {Kind(value)}");
            return null;
        }

        var inner = new FieldReader(value);
        inner.RejectUnknown("max_restarts_on_errors", "recover_on_exit_codes", "on_preemption");
        var max = inner.Int("max_restarts_on_errors");
        ImmutableArray<int> codes = [];
        if (inner.Present("recover_on_exit_codes", false, out var list))
        {
            if (list.ValueKind != JsonValueKind.Array || list.EnumerateArray().Any(v => v.ValueKind != JsonValueKind.Number || !v.TryGetInt32(out _)))
                inner.Fail("recover_on_exit_codes", "must be an array of exit codes (whole numbers 1 to 255)");
            else codes = [.. list.EnumerateArray().Select(v => v.GetInt32()).Distinct()];
        }

        var preemption = PreemptionPolicy.Always;
        if (inner.String("on_preemption") is { } text)
        {
            if (text == "always") preemption = PreemptionPolicy.Always;
            else if (text == "never") preemption = PreemptionPolicy.Never;
            else inner.Fail("on_preemption", $"must be \"always\" or \"never\" (got '{Truncate(text)}')");
        }

        foreach (var error in inner.Errors) Fail($"{name}.{error.Field}", error.Message);
        return inner.IsValid ? new RetryPolicy(max, codes, preemption) : null;
    }

    /// <summary>A JSON string, number or boolean as a typed flag value, or null and why not.</summary>
    public static FlagValue? Scalar(JsonElement value, out string? problem)
    {
        problem = null;
        switch (value.ValueKind)
        {
            case JsonValueKind.String: return FlagValue.Of(value.GetString()!);
            case JsonValueKind.True or JsonValueKind.False: return FlagValue.Of(value.GetBoolean());
            case JsonValueKind.Number:
                var raw = value.GetRawText();
                var integral = !raw.Contains('.') && !raw.Contains('e') && !raw.Contains('E');
                if (integral && value.TryGetInt64(out var integer)) return FlagValue.Of(integer);
                if (integral) problem = "is an integer beyond 64 bits, which would silently lose digits; send it as a string to keep it exact";
                else if (value.TryGetDouble(out var real) && double.IsFinite(real)) return FlagValue.Of(real);
                else problem = "is a number out of range";
                return null;
            default:
                problem = $"must be a string, number or boolean, not {Kind(value)}";
                return null;
        }
    }

    private bool Present(string name, bool required, out JsonElement value)
    {
        if (body.TryGetProperty(name, out value) && value.ValueKind != JsonValueKind.Null) return true;
        if (required) Fail(name, "is required");
        return false;
    }

    private static string Kind(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        _ => "null",
    };

    /// <summary>A field name fit to quote back: control characters masked, long names cut.</summary>
    internal static string DisplayName(string name) => Truncate(new string([.. name.Select(c => char.IsControl(c) ? '?' : c)]));

    private static string Display(string name) => DisplayName(name);

    private static string Truncate(string text) => text.Length <= 64 ? text : text[..64] + "…";
}
