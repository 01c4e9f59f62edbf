using System.Diagnostics;
using Akka.Actor;
using Akka.Hosting;
using Akka.Persistence;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using SkyDeck.Actors.Core;
using SkyDeck.Actors.Experiments;
using SkyDeck.Actors.Hosting;

namespace SkyDeck.Benchmarks.Baselines;

/// <summary>
/// The persistence plugin without SkyDeck's actors: the production persistence wiring
/// (<see cref="SkyDeckAkka.WithSkyDeckPersistence"/>, the same <c>max-concurrent-recoveries</c>) driving bare persistent
/// actors that only count. Separates "the journal is slow" from "what SkyDeck's actors do on top of it".
/// </summary>
public static class PluginProbe
{
    /// <summary>Recovers one bare actor per persistence id, all at once, and returns the time until every one completed recovery.</summary>
    public static Task<TimeSpan> RecoverAllAsync(string databasePath, IReadOnlyList<string> persistenceIds, int? minThreads = null) =>
        WithSystemAsync(databasePath, minThreads, async system =>
        {
            var done = new Countdown(persistenceIds.Count);
            var started = Stopwatch.GetTimestamp();
            foreach (var pid in persistenceIds) system.ActorOf(Props.Create(() => new BareActor(pid, done, null)));
            await done.Task.WaitAsync(TimeSpan.FromMinutes(20));
            return Stopwatch.GetElapsedTime(started);
        });

    /// <summary><paramref name="actors"/> bare actors (new persistence ids) each persist one event at the same moment; time until all are stored.</summary>
    public static Task<TimeSpan> PersistConcurrentlyAsync(string databasePath, int actors, int? minThreads = null) =>
        WithSystemAsync(databasePath, minThreads, async system =>
        {
            var recovered = new Countdown(actors);
            var persisted = new Countdown(actors);
            var refs = Enumerable.Range(0, actors)
                .Select(i => system.ActorOf(Props.Create(() => new BareActor($"probe-{i}", recovered, persisted))))
                .ToList();
            await recovered.Task.WaitAsync(TimeSpan.FromMinutes(5));
            var started = Stopwatch.GetTimestamp();
            foreach (var actor in refs) actor.Tell(new DesiredStateChanged("probe", DesiredState.Stopped, DateTimeOffset.UtcNow, "bench", null));
            await persisted.Task.WaitAsync(TimeSpan.FromMinutes(5));
            return Stopwatch.GetElapsedTime(started);
        });

    /// <param name="minThreads">
    /// Raises the thread pool's minimum for the measurement (and restores it): tests whether blocking SQLite calls
    /// (Microsoft.Data.Sqlite's async methods run synchronously) starve the pool.
    /// </param>
    private static async Task<TimeSpan> WithSystemAsync(string databasePath, int? minThreads, Func<ActorSystem, Task<TimeSpan>> body)
    {
        ThreadPool.GetMinThreads(out var workers, out var io);
        if (minThreads is { } min) ThreadPool.SetMinThreads(Math.Max(workers, min), Math.Max(io, min));
        try
        {
            return await RunAsync(databasePath, body);
        }
        finally
        {
            ThreadPool.SetMinThreads(workers, io);
        }
    }

    private static async Task<TimeSpan> RunAsync(string databasePath, Func<ActorSystem, Task<TimeSpan>> body)
    {
        SqliteDatabase.Prepare(databasePath);
        using var host = Microsoft.Extensions.Hosting.Host.CreateDefaultBuilder()
            .ConfigureLogging(logging => logging.ClearProviders())
            .ConfigureServices(services => services.AddAkka("skydeck-plugin-probe", (akka, _) => akka
                .AddHocon("akka.loglevel = WARNING\nakka.stdout-loglevel = OFF\nakka.persistence.max-concurrent-recoveries = 100", HoconAddMode.Prepend)
                .WithSkyDeckPersistence(databasePath)))
            .Build();
        await host.StartAsync();
        try
        {
            return await body(host.Services.GetRequiredService<ActorSystem>());
        }
        finally
        {
            await host.StopAsync();
            SqliteConnection.ClearAllPools();
        }
    }

    private sealed class Countdown(int count)
    {
        private readonly TaskCompletionSource _done = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _left = count;

        public Task Task => _done.Task;

        public void Signal()
        {
            if (Interlocked.Decrement(ref _left) == 0) _done.TrySetResult();
        }
    }

    /// <summary>Recovers (counting events, no fold), then persists whatever event it is sent.</summary>
    private sealed class BareActor : ReceivePersistentActor
    {
        public BareActor(string persistenceId, Countdown recovered, Countdown? persisted)
        {
            PersistenceId = persistenceId;
            var events = 0;
            Recover<SnapshotOffer>(_ => { });
            Recover<IExperimentEvent>(_ => events++);
            Recover<ExperimentRegistered>(_ => events++);
            Recover<RecoveryCompleted>(_ => recovered.Signal());
            Command<IExperimentEvent>(e => Persist(e, _ => persisted?.Signal()));
        }

        public override string PersistenceId { get; }
    }
}
