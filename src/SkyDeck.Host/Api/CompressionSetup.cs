using System.IO.Compression;
using System.Net;
using Microsoft.AspNetCore.ResponseCompression;
using Microsoft.Extensions.Primitives;

namespace SkyDeck.Host.Api;

/// <summary>
/// Brotli or gzip (as the client's <c>Accept-Encoding</c> prefers) for JSON and the dashboard's files, for clients
/// that are not on this machine. The full list is 18.8 MiB of JSON at 10,000 experiments; Brotli makes it about 47 times
/// smaller (gzip 24), which is what makes it loadable over a real network.
/// <para>
/// Loopback clients get identity bodies even when they ask: the bytes never cross a network, and compressing them costs
/// more than sending them (the 50 MiB list of 20,000 experiments took 60 ms through Brotli and 36 ms through gzip at
/// the fastest levels, against 47 ms to send it uncompressed over loopback, same run of the benchmark's P3). A reverse proxy on
/// the same machine is such a client: it should compress for its clients itself. The full list, the one large answer,
/// is compressed once per change and kept (<see cref="WantsBrotli"/>). Server-sent events (<c>text/event-stream</c>) are never compressed: a compressing stream would hold
/// events back in its buffer. Levels are the fastest: the list is built per change, not once.
/// </para>
/// <para>
/// A compressed answer is another representation of the same resource, so a strong <c>ETag</c> on it becomes weak
/// (RFC 9110 8.8.1); <c>If-None-Match</c> compares weakly, so 304s keep working.
/// </para>
/// </summary>
public static class CompressionSetup
{
    public static readonly IReadOnlyList<string> MimeTypes =
        ["application/json", "application/problem+json", "text/html", "text/css", "text/javascript", "application/javascript", "image/svg+xml"];

    public static IServiceCollection AddSkyDeckCompression(this IServiceCollection services)
    {
        services.AddResponseCompression(options =>
        {
            // No answer carries a credential (the token travels in request headers and cookies only, never in a body),
            // so BREACH has no secret to guess.
            options.EnableForHttps = true;
            options.Providers.Add<BrotliCompressionProvider>();
            options.Providers.Add<GzipCompressionProvider>();
            options.MimeTypes = MimeTypes;
            options.ExcludedMimeTypes = ["text/event-stream"];
        });
        services.Configure<BrotliCompressionProviderOptions>(o => o.Level = CompressionLevel.Fastest);
        services.Configure<GzipCompressionProviderOptions>(o => o.Level = CompressionLevel.Fastest);
        return services;
    }

    /// <summary>First in the pipeline, so that every answer after it (API, problems, static files) can be compressed.</summary>
    public static WebApplication UseSkyDeckCompression(this WebApplication app)
    {
        app.UseWhen(IsRemote, remote => remote.Use(WeakenETagWhenCompressed).UseResponseCompression());
        return app;
    }

    /// <summary>
    /// A remote client whose <c>Accept-Encoding</c> takes Brotli: the full experiment list answers it from a body
    /// compressed once per change (<see cref="ExperimentListCache.Body.Brotli"/>) instead of once per request.
    /// </summary>
    public static bool WantsBrotli(HttpContext context) =>
        IsRemote(context) && context.Request.GetTypedHeaders().AcceptEncoding.Any(e =>
            (e.Value.Equals("br", StringComparison.OrdinalIgnoreCase) || e.Value.Equals("*", StringComparison.Ordinal)) && e.Quality is not 0.0);

    /// <summary>A client on another machine; an unknown address (in-process test server, Unix socket) is not.</summary>
    public static bool IsRemote(HttpContext context) =>
        context.Connection.RemoteIpAddress is { } ip && !IPAddress.IsLoopback(ip.IsIPv4MappedToIPv6 ? ip.MapToIPv4() : ip);

    private static Task WeakenETagWhenCompressed(HttpContext context, RequestDelegate next)
    {
        context.Response.OnStarting(() =>
        {
            var headers = context.Response.Headers;
            if (!StringValues.IsNullOrEmpty(headers.ContentEncoding) && headers.ETag is [{ } etag] && !etag.StartsWith("W/", StringComparison.Ordinal))
                headers.ETag = "W/" + etag;
            return Task.CompletedTask;
        });
        return next(context);
    }
}
