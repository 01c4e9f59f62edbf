namespace SkyDeck.Host.Api;

/// <summary>Who is asking: recorded on every event a request causes.</summary>
public static class Caller
{
    public const string Header = "X-SkyDeck-User";
    public const string Anonymous = "anonymous";

    /// <summary>The authenticated identity if any, else the <c>X-SkyDeck-User</c> header, else <c>anonymous</c>. Null: the header is unusable.</summary>
    public static string? Of(HttpContext context)
    {
        if (context.User.Identity is { IsAuthenticated: true, Name: { Length: > 0 } name }) return name;
        var header = context.Request.Headers[Header].ToString().Trim();
        if (header.Length == 0) return Anonymous;
        return header.Length <= 100 && SkyDeck.Actors.Core.SafeText.IsSafe(header) ? header : null;
    }

    public static Microsoft.AspNetCore.Http.HttpResults.ValidationProblem BadHeader() => Problems.Invalid(Header, "must be 1 to 100 printable characters");
}
