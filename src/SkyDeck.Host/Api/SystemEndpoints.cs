using System.Reflection;
using Akka.Actor;
using Akka.Hosting;
using Microsoft.AspNetCore.Http.HttpResults;
using SkyDeck.Actors.Core;
using SkyDeck.Actors.Experiments;
using SkyDeck.Actors.Hosting;
using SkyDeck.Actors.SkyPilot;

namespace SkyDeck.Host.Api;

public sealed record SkyPilotHealthDto(
    string Status,
    DateTimeOffset? LastAttemptAt,
    DateTimeOffset? LastSuccessAt,
    double? StalenessSeconds,
    string? LastError,
    DateTimeOffset? LastErrorAt,
    int ConsecutiveFailures,
    double PollIntervalSeconds,
    string Executable);

public sealed record CountsDto(int Experiments, int Running, int Failed, int LiveJobs, int Clusters, int LiveClusters);

/// <summary>Whether new experiments can be recorded: false from a failed journal write (e.g. a full disk) until the next one succeeds.</summary>
public sealed record JournalHealthDto(bool Writable, string? LastError, DateTimeOffset? FailingSince);

public sealed record HealthDto(string Status, string Version, double UptimeSeconds, SkyPilotHealthDto Skypilot, string Backend, CountsDto Counts, JournalHealthDto Journal);

/// <summary>SkyDeck itself: health, and "do it now" triggers for polling and reconciling.</summary>
public static class SystemEndpoints
{
    private static readonly DateTimeOffset Started = new(System.Diagnostics.Process.GetCurrentProcess().StartTime.ToUniversalTime());

    public static IEndpointRouteBuilder MapSystemEndpoints(this IEndpointRouteBuilder app)
    {
        // The same body with 200 (ok, starting) and 503 (degraded), so monitors need not parse it.
        app.MapGet("/api/health", Health).WithTags("System").WithName("Health")
            .Produces<HealthDto>(StatusCodes.Status200OK).Produces<HealthDto>(StatusCodes.Status503ServiceUnavailable);
        app.MapPost("/api/refresh", Refresh).WithTags("System").WithName("Refresh").ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        app.MapPost("/api/reconcile", Reconcile).WithTags("System").WithName("ReconcileAll");
        return app;
    }

    public static async Task<JsonHttpResult<HealthDto>> Health(Experiments experiments, ActorRegistry registry, SkyDeckOptions options, CancellationToken ct)
    {
        var list = await experiments.ListAsync(ct);
        var poller = registry.TryGet<QueuePollerActor>(out var pollerRef)
            ? await pollerRef.Ask<PollerStatus>(GetPollerStatus.Instance, RequestLimits.AskTimeout, ct)
            : null;
        var now = experiments.Now;
        var staleness = poller?.LastSuccessAt is { } last ? (now - last).TotalSeconds : (double?)null;
        var skyStatus = poller switch
        {
            null => "disabled",
            { ConsecutiveFailures: > 0 } => "failing",
            { LastSuccessAt: null } => "starting",
            _ when staleness > 3 * options.PollInterval.TotalSeconds => "stale",
            { LastErrorAt: { } errorAt, LastSuccessAt: { } ok } when errorAt >= ok => "degraded",
            _ => "ok",
        };
        var live = list.Where(s => !s.Deleted).ToList();
        var counts = new CountsDto(
            live.Count,
            live.Count(s => s.Current == CurrentState.Running),
            live.Count(s => s.Current == CurrentState.Failed),
            live.Count(Telemetry.ServerGauges.HasLiveJob),
            list.Count(s => s.ClusterKnown && s.ClusterStatus is not null),
            poller?.LiveClusters ?? 0);
        var directory = await experiments.DirectoryHealthAsync(ct);
        var overall = !directory.Writable ? "degraded" : skyStatus is "ok" or "disabled" ? "ok" : skyStatus == "starting" ? "starting" : "degraded";
        // Degraded (SkyPilot failing or stale) is 503 with the same body, so a monitor sees it without parsing; the
        // dashboard and `skydeck status` read the body either way. Starting is not failing: 200.
        return TypedResults.Json(new HealthDto(
            overall,
            typeof(SystemEndpoints).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0",
            (now - Started).TotalSeconds,
            new SkyPilotHealthDto(skyStatus, poller?.LastAttemptAt, poller?.LastSuccessAt, staleness, poller?.LastError, poller?.LastErrorAt,
                poller?.ConsecutiveFailures ?? 0, options.PollInterval.TotalSeconds, options.Sky.Executable),
            "ok",
            counts,
            new JournalHealthDto(directory.Writable, directory.LastError, directory.FailingSince)), statusCode: overall == "degraded" ? StatusCodes.Status503ServiceUnavailable : StatusCodes.Status200OK);
    }

    public static Results<Accepted<AcceptedDto>, ProblemHttpResult> Refresh(ActorRegistry registry)
    {
        if (!registry.TryGet<QueuePollerActor>(out var poller)) return Problems.Unavailable("the SkyPilot poller is disabled");
        poller.Tell(PollNow.Instance);
        return TypedResults.Accepted((string?)null, new AcceptedDto("polling"));
    }

    public static Accepted<AcceptedDto> Reconcile(Experiments experiments)
    {
        experiments.ReconcileAll();
        return TypedResults.Accepted((string?)null, new AcceptedDto("reconciling"));
    }
}
