using System.Text.Json;
using Akka.Actor;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;
using SkyDeck.Actors.Core;
using SkyDeck.Actors.Hosting;

namespace SkyDeck.Host.Api;

/// <summary>
/// Probes for supervisors and load balancers, on ASP.NET Core health checks: <c>GET /health/live</c> (the process
/// answers HTTP: 200, else nothing) and <c>GET /health/ready</c> (200 when the actor system runs, the experiment
/// manager answers and the journal takes writes; 503 otherwise and while shutting down). Both are answered before
/// the token check: they say only Healthy/Unhealthy per check, never why (the reasons go to the log).
/// </summary>
public static class HealthEndpoints
{
    public const string LivePath = "/health/live";
    public const string ReadyPath = "/health/ready";
    public static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(3);

    private const string Live = "live";
    private const string Ready = "ready";

    public static IServiceCollection AddSkyDeckHealthChecks(this IServiceCollection services)
    {
        services.AddHealthChecks()
            .AddCheck("process", () => HealthCheckResult.Healthy(), tags: [Live])
            .AddCheck<ActorsHealthCheck>("actors", tags: [Ready])
            .AddCheck<JournalHealthCheck>("journal", tags: [Ready]);
        return services;
    }

    /// <summary>In the pipeline ahead of authentication, so probes need no token.</summary>
    public static WebApplication UseSkyDeckHealthChecks(this WebApplication app)
    {
        app.UseHealthChecks(LivePath, Options(Live));
        app.UseHealthChecks(ReadyPath, Options(Ready));
        return app;
    }

    private static HealthCheckOptions Options(string tag) => new()
    {
        Predicate = registration => registration.Tags.Contains(tag),
        ResponseWriter = WriteAsync,
        AllowCachingResponses = false,
    };

    private static Task WriteAsync(HttpContext http, HealthReport report)
    {
        http.Response.ContentType = "application/json";
        return http.Response.WriteAsync(JsonSerializer.Serialize(new
        {
            status = report.Status.ToString(),
            checks = report.Entries.ToDictionary(e => e.Key, e => e.Value.Status.ToString()),
        }));
    }

    /// <summary>
    /// The actor system runs, SkyDeck is not shutting down, the experiment manager answers a list request, and its
    /// directory's last write succeeded (a full disk makes SkyDeck unready until writes succeed again).
    /// </summary>
    private sealed class ActorsHealthCheck(ActorSystem system, Experiments experiments, IHostApplicationLifetime lifetime, ILogger<ActorsHealthCheck> logger) : IHealthCheck
    {
        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken)
        {
            if (lifetime.ApplicationStopping.IsCancellationRequested) return HealthCheckResult.Unhealthy("shutting down");
            if (system.WhenTerminated.IsCompleted) return HealthCheckResult.Unhealthy("the actor system has terminated");
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(ProbeTimeout);
            try
            {
                await experiments.ListWithRevisionAsync(timeout.Token);
                var directory = await experiments.DirectoryHealthAsync(timeout.Token);
                if (directory.Writable) return HealthCheckResult.Healthy();
                logger.LogWarning("Readiness: the experiment directory could not be written: {Reason}", directory.LastError);
                return HealthCheckResult.Unhealthy("the experiment directory could not be written");
            }
            catch (Exception e) when (e is AskTimeoutException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
            {
                logger.LogWarning("Readiness: the experiment manager did not answer within {Timeout}", ProbeTimeout);
                return HealthCheckResult.Unhealthy("the experiment manager did not answer");
            }
        }
    }

    /// <summary>
    /// The journal takes writes: SQLite mode takes (and at once releases) the database's write lock, which fails when
    /// the file is read-only, gone or held by another writer for longer than the probe; cluster mode asks PostgreSQL
    /// whether it is a read-only standby.
    /// </summary>
    private sealed class JournalHealthCheck(SkyDeckOptions options, ILogger<JournalHealthCheck> logger) : IHealthCheck
    {
        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken)
        {
            try
            {
                if (options.Cluster is { } cluster)
                {
                    await using var pg = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(cluster.ConnectionString) { Timeout = (int)ProbeTimeout.TotalSeconds }.ConnectionString);
                    await pg.OpenAsync(cancellationToken);
                    await using var recovery = new NpgsqlCommand("SELECT pg_is_in_recovery()", pg) { CommandTimeout = (int)ProbeTimeout.TotalSeconds };
                    return await recovery.ExecuteScalarAsync(cancellationToken) is true
                        ? Unhealthy("the PostgreSQL database is a read-only standby", null)
                        : HealthCheckResult.Healthy();
                }

                var builder = new SqliteConnectionStringBuilder
                {
                    DataSource = options.DatabasePath, Mode = SqliteOpenMode.ReadWrite, DefaultTimeout = (int)ProbeTimeout.TotalSeconds, Pooling = false,
                };
                await using var sqlite = new SqliteConnection(builder.ConnectionString);
                await sqlite.OpenAsync(cancellationToken);
                await using var command = sqlite.CreateCommand();
                command.CommandText = "BEGIN IMMEDIATE; ROLLBACK;";
                await command.ExecuteNonQueryAsync(cancellationToken);
                return HealthCheckResult.Healthy();
            }
            catch (Exception e) when (e is SqliteException or NpgsqlException or IOException or UnauthorizedAccessException or InvalidOperationException or TimeoutException)
            {
                return Unhealthy("the journal does not take writes", e);
            }
        }

        private HealthCheckResult Unhealthy(string reason, Exception? e)
        {
            logger.LogWarning("Readiness: {Reason}: {Error}", reason, e?.Message);
            return HealthCheckResult.Unhealthy(reason, e);
        }
    }
}
