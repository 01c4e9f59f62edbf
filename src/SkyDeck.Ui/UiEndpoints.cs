using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.FileProviders;

namespace SkyDeck.Ui;

/// <summary>Serves the dashboard: static HTML, CSS and ES modules embedded in this assembly (no build step).</summary>
public static class UiEndpoints
{
    /// <summary>Scripts only from this origin, no inline script, no framing; user text is only ever inserted as text.</summary>
    public const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
        "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'";

    public static WebApplication MapSkyDeckUi(this WebApplication app)
    {
        var files = new ManifestEmbeddedFileProvider(typeof(UiEndpoints).Assembly, "wwwroot");
        app.Use(async (context, next) =>
        {
            if (!context.Request.Path.StartsWithSegments("/api", StringComparison.Ordinal) &&
                !context.Request.Path.StartsWithSegments("/openapi", StringComparison.Ordinal))
            {
                context.Response.Headers.ContentSecurityPolicy = ContentSecurityPolicy;
                context.Response.Headers.XContentTypeOptions = "nosniff";
                context.Response.Headers["Referrer-Policy"] = "no-referrer";
            }
            await next();
        });
        app.UseDefaultFiles(new DefaultFilesOptions { FileProvider = files });
        app.UseStaticFiles(new StaticFileOptions
        {
            FileProvider = files,
            OnPrepareResponse = ctx => ctx.Context.Response.Headers.CacheControl = "no-cache",
        });
        return app;
    }
}
