using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.HttpResults;
using SkyDeck.Host.Api;

namespace SkyDeck.Host.Security;

public sealed record LoginRequest(string Token);

/// <summary>Token authentication, on only when tokens are configured (always when bound beyond loopback).</summary>
public static class SecuritySetup
{
    private static readonly string[] PublicPaths = ["/login.html", "/login.js", "/theme.js", "/app.css", "/favicon.svg", "/api/login"];

    public static IServiceCollection AddSkyDeckSecurity(this IServiceCollection services, AccessTokens tokens)
    {
        services.AddSingleton(tokens);
        services.AddAuthentication(TokenAuthenticationHandler.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, TokenAuthenticationHandler>(TokenAuthenticationHandler.SchemeName, null);
        services.AddAuthorization();
        return services;
    }

    /// <summary>Authenticates every request; when tokens are required, everything but the sign-in page needs one.</summary>
    public static WebApplication UseSkyDeckSecurity(this WebApplication app)
    {
        var tokens = app.Services.GetRequiredService<AccessTokens>();
        app.UseAuthentication();
        app.Use(async (context, next) =>
        {
            var open = !tokens.Required
                       || context.User.Identity?.IsAuthenticated == true
                       || PublicPaths.Contains(context.Request.Path.Value, StringComparer.Ordinal);
            if (open)
            {
                await next();
                return;
            }

            // Pages send a browser to sign in; the API, the OpenAPI document and the metrics answer 401 (the API page is a page).
            var path = context.Request.Path;
            var wantsPage = HttpMethods.IsGet(context.Request.Method)
                            && (path.StartsWithSegments(Api.ApiDocs.Path, StringComparison.Ordinal)
                                || !path.StartsWithSegments("/api", StringComparison.Ordinal)
                                   && !path.StartsWithSegments("/openapi", StringComparison.Ordinal)
                                   && !path.StartsWithSegments(Telemetry.TelemetrySetup.MetricsPath, StringComparison.Ordinal));
            if (wantsPage) context.Response.Redirect("/login.html");
            else await context.ChallengeAsync(TokenAuthenticationHandler.SchemeName);
        });
        app.UseAuthorization();
        app.MapPost("/api/login", Login).WithTags("Security").WithName("Login").AllowAnonymous()
            .AcceptsJson<LoginRequest>().ProducesProblem(StatusCodes.Status401Unauthorized);
        app.MapPost("/api/logout", Logout).WithTags("Security").WithName("Logout");
        return app;
    }

    public static async Task<Results<Ok<LoginResultDto>, ValidationProblem, ProblemHttpResult>> Login(HttpContext http, AccessTokens tokens, CancellationToken ct)
    {
        var (body, error) = await JsonBody.ReadObjectAsync(http.Request, ct);
        if (error is not null) return error;
        var read = new FieldReader(body);
        read.RejectUnknown("token");
        var presented = read.String("token", required: true);
        if (!read.IsValid) return Problems.Invalid(read.Errors);
        if (!tokens.Required) return TypedResults.Ok(new LoginResultDto(Caller.Anonymous, false));
        if (tokens.Match(presented!) is not { } token)
            return TypedResults.Problem("that token is not valid", statusCode: StatusCodes.Status401Unauthorized, title: "Sign-in failed");
        http.Response.Cookies.Append(TokenAuthenticationHandler.Cookie, token.Secret, new CookieOptions
        {
            HttpOnly = true, SameSite = SameSiteMode.Strict, Secure = http.Request.IsHttps, Path = "/", MaxAge = TimeSpan.FromDays(30),
        });
        return TypedResults.Ok(new LoginResultDto(token.User, true));
    }

    public static NoContent Logout(HttpContext http)
    {
        http.Response.Cookies.Delete(TokenAuthenticationHandler.Cookie, new CookieOptions { Path = "/" });
        return TypedResults.NoContent();
    }
}
