using Akka.Actor;
using Microsoft.AspNetCore.Diagnostics;

namespace SkyDeck.Host.Api;

/// <summary>An actor that did not answer in time is "busy, try again" (503), never a 500.</summary>
public sealed class AskTimeoutHandler(IProblemDetailsService problems, ILogger<AskTimeoutHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext http, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is not AskTimeoutException) return false;
        logger.LogWarning("{Path}: an actor did not answer within {Timeout}", http.Request.Path, RequestLimits.AskTimeout);
        http.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        http.Response.Headers.RetryAfter = "5";
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = http,
            Exception = exception,
            ProblemDetails = { Status = 503, Title = "SkyDeck is busy", Detail = "the experiment did not answer in time; try again" },
        });
    }
}
