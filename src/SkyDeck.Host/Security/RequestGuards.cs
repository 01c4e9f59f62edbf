using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using Microsoft.AspNetCore.HostFiltering;
using SkyDeck.Host.Api;

namespace SkyDeck.Host.Security;

/// <summary>
/// What a web page in the user's browser must never be able to do to a SkyDeck it can reach: read or change it through
/// a rebound DNS name (the <c>Host</c> allow-list, ASP.NET Core's host filtering), or send it a state-changing request
/// from another origin (<c>Origin</c> / <c>Sec-Fetch-Site</c>, and only <c>application/json</c> bodies) — with or
/// without a body, with or without a token.
/// </summary>
public static class RequestGuards
{
    private static readonly string[] LoopbackHosts = ["localhost", "127.0.0.1", "[::1]"];

    /// <summary>
    /// The <c>Host</c> values accepted: loopback names always; when bound beyond loopback also the bound address (unless
    /// it is a wildcard), this machine's name and interface addresses, and <c>SKYDECK_ALLOWED_HOSTS</c> (comma-separated;
    /// <c>*.example.com</c> wildcards allowed; <c>*</c> turns the check off).
    /// </summary>
    public static IReadOnlyList<string> AllowedHosts(ServerSettings settings, string? configured)
    {
        var hosts = new List<string>(LoopbackHosts);
        if (!AccessTokens.IsLoopback(settings.Host))
        {
            if (settings.Host is not ("0.0.0.0" or "::" or "[::]" or "*" or "+")) hosts.Add(Bracketed(settings.Host));
            hosts.AddRange(MachineNames());
        }

        hosts.AddRange((configured ?? "").Split([',', ';'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(Bracketed));
        return [.. hosts.Distinct(StringComparer.OrdinalIgnoreCase)];
    }

    public static IServiceCollection AddSkyDeckRequestGuards(this IServiceCollection services, IReadOnlyList<string> allowedHosts) =>
        services.Configure<HostFilteringOptions>(options =>
        {
            options.AllowedHosts = [.. allowedHosts];
            options.AllowEmptyHosts = false;
            options.IncludeFailureMessage = false;
        });

    /// <summary>
    /// Every unsafe method (POST, PUT, PATCH, DELETE) is refused with 403 when the browser says it comes from another
    /// origin, and with 415 when it carries anything but JSON; the dashboard's own requests are same-origin JSON and
    /// pass. Host filtering runs before all of it, once, through the web host's default startup filter with the options
    /// set in <see cref="AddSkyDeckRequestGuards"/>.
    /// </summary>
    public static WebApplication UseSkyDeckRequestGuards(this WebApplication app)
    {
        app.Use(async (context, next) =>
        {
            var request = context.Request;
            if (HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method) || HttpMethods.IsOptions(request.Method) || HttpMethods.IsTrace(request.Method))
            {
                await next();
                return;
            }

            if (CrossOriginReason(request) is { } reason)
            {
                await TypedResults.Problem(
                    $"{reason}: SkyDeck only accepts changes from its own dashboard or from clients that are not browsers",
                    statusCode: StatusCodes.Status403Forbidden, title: "Cross-origin request refused").ExecuteAsync(context);
                return;
            }

            var hasBody = request.ContentLength > 0 || request.Headers.TransferEncoding.Count > 0;
            if ((request.ContentType is not null || hasBody) && !JsonBody.IsJson(request.ContentType))
            {
                await TypedResults.Problem(
                    "state-changing requests take no body or a JSON body sent with Content-Type: application/json",
                    statusCode: StatusCodes.Status415UnsupportedMediaType, title: "Unsupported media type").ExecuteAsync(context);
                return;
            }

            await next();
        });
        return app;
    }

    /// <summary>Null when the request may come from this origin; else why not.</summary>
    public static string? CrossOriginReason(HttpRequest request)
    {
        var site = request.Headers["Sec-Fetch-Site"].ToString();
        if (site.Length > 0 && site is not ("same-origin" or "none")) return $"Sec-Fetch-Site is '{Clip(site)}'";
        var origin = request.Headers.Origin.ToString();
        if (origin.Length == 0) return null;
        if (!Uri.TryCreate(origin, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
            return $"Origin '{Clip(origin)}' is not this server";
        var defaultPort = request.IsHttps ? 443 : 80;
        var sameScheme = string.Equals(uri.Scheme, request.Scheme, StringComparison.OrdinalIgnoreCase);
        var sameHost = string.Equals(uri.Host, request.Host.Host, StringComparison.OrdinalIgnoreCase)
                       || uri.HostNameType == UriHostNameType.IPv6 && string.Equals($"[{uri.DnsSafeHost}]", request.Host.Host, StringComparison.OrdinalIgnoreCase);
        return sameScheme && sameHost && uri.Port == (request.Host.Port ?? defaultPort) ? null : $"Origin '{Clip(origin)}' is not this server";
    }

    private static IEnumerable<string> MachineNames()
    {
        var names = new List<string>();
        try
        {
            names.Add(Dns.GetHostName());
            foreach (var nic in NetworkInterface.GetAllNetworkInterfaces())
            foreach (var address in nic.GetIPProperties().UnicastAddresses)
                if (address.Address.AddressFamily is AddressFamily.InterNetwork or AddressFamily.InterNetworkV6)
                    names.Add(Bracketed(address.Address.ToString().Split('%')[0]));
        }
        catch (NetworkInformationException)
        {
            // Without the interface list only the configured names are allowed.
        }

        return names;
    }

    private static string Bracketed(string host) =>
        host.Contains(':') && !host.StartsWith('[') && IPAddress.TryParse(host, out _) ? $"[{host}]" : host;

    private static string Clip(string text) => FieldReader.DisplayName(text);
}
