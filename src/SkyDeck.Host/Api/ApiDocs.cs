using Scalar.AspNetCore;

namespace SkyDeck.Host.Api;

/// <summary>
/// The interactive API page at <c>/api/docs</c> (Scalar) over <c>/openapi/v1.json</c>. Works offline: its scripts are
/// served from the Scalar.AspNetCore assembly (no CDN), the web fonts, telemetry and AI agent are off. Behind the token
/// like the rest of the API (a browser without one is sent to sign in). Its page runs one inline script, allowed by a
/// per-request nonce in a Content-Security-Policy as strict as the dashboard's otherwise (Scalar styles inline).
/// </summary>
public static class ApiDocs
{
    public const string Path = "/api/docs";

    private const string NonceKey = "skydeck-docs-nonce";

    public static string ContentSecurityPolicy(string nonce) =>
        $"default-src 'self'; script-src 'self' 'nonce-{nonce}'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; " +
        "font-src 'self' data:; connect-src 'self'; worker-src 'self' blob:; object-src 'none'; base-uri 'none'; " +
        "frame-ancestors 'none'; form-action 'self'";

    public static WebApplication MapApiDocs(this WebApplication app)
    {
        app.UseWhen(
            context => context.Request.Path.StartsWithSegments(Path, StringComparison.Ordinal),
            docs => docs.Use(async (context, next) =>
            {
                var nonce = Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16));
                context.Items[NonceKey] = nonce;
                context.Response.Headers.ContentSecurityPolicy = ContentSecurityPolicy(nonce);
                context.Response.Headers.XContentTypeOptions = "nosniff";
                context.Response.Headers["Referrer-Policy"] = "no-referrer";
                await next();
            }));
        app.MapScalarApiReference(Path, (options, context) =>
            {
                options
                    .WithTitle("SkyDeck API")
                    .WithOpenApiRoutePattern("/openapi/{documentName}.json")
                    .WithNonce((string)context.Items[NonceKey]!)
                    .DisableDefaultFonts()
                    .DisableAgent();
                options.Telemetry = false;
            })
            .ExcludeFromDescription();
        return app;
    }
}
