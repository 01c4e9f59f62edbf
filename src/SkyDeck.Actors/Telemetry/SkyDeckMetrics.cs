using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace SkyDeck.Actors.Telemetry;

/// <summary>
/// SkyDeck's own instruments, on the meter <see cref="MeterName"/> (created through <see cref="IMeterFactory"/>, so one
/// per server). Recording is a lock-free add where the thing happens; observable gauges are computed only when a scrape
/// asks. Names are OpenTelemetry's (dots, unit <c>s</c>); the Prometheus exporter writes them in its own convention:
/// <c>skydeck.sky.invocations</c> is <c>skydeck_sky_invocations_total</c>, <c>skydeck.sky.invocation.duration</c>
/// <c>skydeck_sky_invocation_duration_seconds</c>. A new instrument goes here, with its tags in snake_case.
/// </summary>
public sealed class SkyDeckMetrics
{
    public const string MeterName = "SkyDeck";

    /// <summary>From sub-second queries to a 30-minute launch.</summary>
    private static readonly double[] SkyBuckets = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800];

    private static readonly double[] PollBuckets = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120];

    private static readonly double[] JournalBuckets = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

    private readonly Counter<long> _skyInvocations;
    private readonly Histogram<double> _skyDuration;
    private readonly Histogram<double> _pollDuration;
    private readonly Histogram<double> _journalWrite;
    private readonly TimeProvider _clock;
    private readonly DateTimeOffset _started;
    private long _lastPollSuccessTicks;
    private long _skyQueued;
    private long _skyRunning;

    public SkyDeckMetrics(IMeterFactory meters, TimeProvider? clock = null)
    {
        _clock = clock ?? TimeProvider.System;
        _started = _clock.GetUtcNow();
        Meter = meters.Create(new MeterOptions(MeterName) { Version = typeof(SkyDeckMetrics).Assembly.GetName().Version?.ToString() });
        _skyInvocations = Meter.CreateCounter<long>("skydeck.sky.invocations", "{invocation}", "sky processes run, by verb (launch, queue, …) and outcome (ok or the failure kind)");
        _skyDuration = Meter.CreateHistogram("skydeck.sky.invocation.duration", "s", "How long each sky process ran, by verb and outcome",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = SkyBuckets });
        // Observed, not added to: present from the start (at 0), not only once something waited or ran.
        Meter.CreateObservableUpDownCounter("skydeck.sky.process_queue.length", () => Interlocked.Read(ref _skyQueued), "{command}",
            "sky commands waiting for a process slot (the SKYDECK_MAX_SKY_PROCESSES cap)");
        Meter.CreateObservableUpDownCounter("skydeck.sky.processes", () => Interlocked.Read(ref _skyRunning), "{process}", "sky processes running now");
        _pollDuration = Meter.CreateHistogram("skydeck.poll.duration", "s", "How long one SkyPilot poll (sky status, then sky queue) took, by outcome",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = PollBuckets });
        Meter.CreateObservableGauge<double>("skydeck.poll.staleness", PollStaleness, "s",
            "Seconds since the last successful SkyPilot poll (since start while none succeeded)");
        _journalWrite = Meter.CreateHistogram("skydeck.journal.write.duration", "s", "From persisting an experiment's events to the journal confirming the write",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = JournalBuckets });
    }

    /// <summary>The meter, for instruments the server adds (gauges of its read model, the live feed).</summary>
    public Meter Meter { get; }

    /// <param name="verb"><c>launch</c>, <c>status</c>, …: sky's first argument, never more of the argv.</param>
    /// <param name="outcome"><c>ok</c>, or the failure kind in snake_case (<c>no_capacity</c>, <c>timeout</c>, …).</param>
    public void SkyInvoked(string verb, string outcome, TimeSpan duration)
    {
        var tags = new TagList { { "verb", verb }, { "outcome", outcome } };
        _skyInvocations.Add(1, tags);
        _skyDuration.Record(duration.TotalSeconds, tags);
    }

    public void SkyQueued(int delta) => Interlocked.Add(ref _skyQueued, delta);

    public void SkyRunning(int delta) => Interlocked.Add(ref _skyRunning, delta);

    public void PollFinished(bool succeeded, TimeSpan duration, DateTimeOffset at)
    {
        _pollDuration.Record(duration.TotalSeconds, new KeyValuePair<string, object?>("outcome", succeeded ? "ok" : "failed"));
        if (succeeded) Interlocked.Exchange(ref _lastPollSuccessTicks, at.UtcTicks);
    }

    public void JournalWritten(TimeSpan latency) => _journalWrite.Record(latency.TotalSeconds);

    private double PollStaleness()
    {
        var last = Interlocked.Read(ref _lastPollSuccessTicks);
        var since = last == 0 ? _started : new DateTimeOffset(last, TimeSpan.Zero);
        return Math.Max(0, (_clock.GetUtcNow() - since).TotalSeconds);
    }

    /// <summary><c>NoCapacity</c> → <c>no_capacity</c>: a bounded set of tag values.</summary>
    public static string Outcome<T>(T kind) where T : struct, Enum =>
        System.Text.Json.JsonNamingPolicy.SnakeCaseLower.ConvertName(kind.ToString());
}
