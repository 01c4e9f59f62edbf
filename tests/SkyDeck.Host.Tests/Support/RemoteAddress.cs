using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;

namespace SkyDeck.Host.Tests.Support;

/// <summary>
/// The test server has no network, so a request has no client address. A test that needs one (a client on another
/// machine) sends it in <see cref="Header"/>; this filter, ahead of the whole pipeline, makes it the connection's.
/// </summary>
public sealed class RemoteAddress : IStartupFilter
{
    public const string Header = "X-Test-Remote-Address";

    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.Use((context, following) =>
        {
            if (context.Request.Headers[Header] is [{ } address]) context.Connection.RemoteIpAddress = IPAddress.Parse(address);
            return following(context);
        });
        next(app);
    };
}
