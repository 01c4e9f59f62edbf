using System.Collections.Immutable;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;
using SkyDeck.Actors.Core;
using SkyDeck.Actors.Experiments;

namespace SkyDeck.Host.Api;

/// <summary>
/// The bytes of <c>GET /api/experiments</c>, exactly as serializing an <see cref="ExperimentListDto"/> with the API's
/// JSON options gives them, without doing that per request. Each row is serialized once per summary instance (the read
/// model keeps an instance until its experiment changes, so a change re-serializes one row), and the whole body once
/// per list the read model hands out (for each value of <c>include_deleted</c>): an unchanged table is served from
/// bytes with no serialization at all.
/// </summary>
public sealed class ExperimentListCache
{
    private readonly JsonSerializerOptions _json;
    private readonly ConditionalWeakTable<ExperimentSummary, byte[]> _rows = new();
    private readonly ConditionalWeakTable<ExperimentSummary, byte[]>.CreateValueCallback _serializeRow;
    private readonly byte[] _prefix;
    private readonly byte[] _suffix;
    private readonly string _epoch = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6));
    private readonly Body?[] _bodies = new Body?[2];
    private readonly SemaphoreSlim _building = new(1, 1);

    /// <summary>From this many rows not serialized yet, a build serializes them in parallel.</summary>
    private const int ParallelRows = 256;
    private long _builds;

    /// <summary>How many bodies were built so far (each served list and snapshot should reuse them).</summary>
    public long Builds => Interlocked.Read(ref _builds);

    /// <param name="costs">Each row's cost as of its serialization, with the rate it grows at since (clients extrapolate, so a
    /// cached row stays right until its experiment changes, and any change to the rate is such a change).</param>
    public ExperimentListCache(IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions> options, CostMeter? costs = null)
    {
        _json = options.Value.SerializerOptions;
        _serializeRow = summary => JsonSerializer.SerializeToUtf8Bytes(costs is null ? ExperimentDto.From(summary) : costs.Dto(summary), _json);
        // The envelope comes from the serializer itself, so its property name follows the configured naming policy.
        var empty = JsonSerializer.SerializeToUtf8Bytes(new ExperimentListDto([]), _json);
        var split = empty.AsSpan().IndexOf("[]"u8) + 1;
        if (split <= 0) throw new InvalidOperationException($"unexpected empty list JSON: {System.Text.Encoding.UTF8.GetString(empty)}");
        _prefix = empty[..split];
        _suffix = empty[split..];
    }

    /// <summary>
    /// The body for <paramref name="list"/>: the cached one when it was built from this very list, else built now from
    /// the cached rows (serializing only rows not seen before) and kept for the next request.
    /// </summary>
    public async ValueTask<Body> GetAsync(ExperimentList list, bool includeDeleted, CancellationToken cancellationToken)
    {
        var slot = includeDeleted ? 1 : 0;
        if (Hit(Volatile.Read(ref _bodies[slot]), list) is { } cached) return cached;

        // One build at a time: concurrent requests after a change wait for it instead of serializing the same rows twice.
        await _building.WaitAsync(cancellationToken);
        try
        {
            if (Hit(Volatile.Read(ref _bodies[slot]), list) is { } built) return built;
            var body = Build(list, includeDeleted);
            Volatile.Write(ref _bodies[slot], body);
            return body;
        }
        finally
        {
            _building.Release();
        }
    }

    /// <summary>One experiment's JSON (an <see cref="ExperimentDto"/>), serialized once per summary instance and shared
    /// with the list bodies and every live-stream subscriber.</summary>
    public byte[] Row(ExperimentSummary summary) => _rows.GetValue(summary, _serializeRow);

    /// <summary>
    /// A body of some rows from the same cached row bytes: <c>{"experiments":[…]}</c>, or with <paramref name="page"/>
    /// an <see cref="ExperimentPageDto"/> (<c>next</c> and <c>total</c> after the rows), byte for byte what serializing
    /// the DTO gives.
    /// </summary>
    public byte[] Rows(IReadOnlyList<ExperimentSummary> rows, (string? Next, int Total)? page = null)
    {
        byte[] prefix = _prefix, suffix = _suffix;
        if (page is { } p)
        {
            var envelope = JsonSerializer.SerializeToUtf8Bytes(new ExperimentPageDto([], p.Next, p.Total), _json);
            var split = envelope.AsSpan().IndexOf("[]"u8) + 1;
            (prefix, suffix) = (envelope[..split], envelope[split..]);
        }

        var serialized = new byte[rows.Count][];
        var length = (long)prefix.Length + suffix.Length + Math.Max(0, rows.Count - 1);
        for (var i = 0; i < rows.Count; i++) length += (serialized[i] = _rows.GetValue(rows[i], _serializeRow)).Length;
        var bytes = new byte[length];
        var writer = new SpanWriter(bytes);
        writer.Write(prefix);
        for (var i = 0; i < serialized.Length; i++)
        {
            if (i > 0) writer.Write(","u8);
            writer.Write(serialized[i]);
        }

        writer.Write(suffix);
        return bytes;
    }

    /// <summary>
    /// The same list object means the same rows (summaries and the array are immutable). The revision alone is not
    /// trusted: a restarted manager counts from zero again, so a revision can come back with other rows.
    /// </summary>
    private static Body? Hit(Body? cached, ExperimentList list) =>
        cached is not null && cached.Revision == list.Revision && cached.Source == list.Experiments ? cached : null;

    private Body Build(ExperimentList list, bool includeDeleted)
    {
        var included = includeDeleted ? list.Experiments : [.. list.Experiments.Where(s => !s.Deleted)];
        var rows = new byte[included.Length][];
        // The first build after a start serializes every row: on every core, as rows do not depend on each other.
        if (included.Length >= ParallelRows && included.Count(s => !_rows.TryGetValue(s, out _)) >= ParallelRows)
            Parallel.For(0, included.Length, i => rows[i] = _rows.GetValue(included[i], _serializeRow));
        else
            for (var i = 0; i < included.Length; i++) rows[i] = _rows.GetValue(included[i], _serializeRow);
        var length = (long)_prefix.Length + _suffix.Length + Math.Max(0, rows.Length - 1);
        foreach (var row in rows) length += row.Length;

        var bytes = new byte[length];
        var writer = new SpanWriter(bytes);
        writer.Write(_prefix);
        for (var i = 0; i < rows.Length; i++)
        {
            if (i > 0) writer.Write(","u8);
            writer.Write(rows[i]);
        }

        writer.Write(_suffix);
        // A build number besides the revision: every body built gets an ETag no other body in this process had.
        var build = Interlocked.Increment(ref _builds);
        var etag = new EntityTagHeaderValue($"\"{_epoch}-{list.Revision}-{build}-{(includeDeleted ? "all" : "live")}\"");
        return new Body(list.Experiments, list.Revision, bytes, etag);
    }

    private ref struct SpanWriter(Span<byte> target)
    {
        private readonly Span<byte> _target = target;
        private int _at;

        public void Write(ReadOnlySpan<byte> bytes)
        {
            bytes.CopyTo(_target[_at..]);
            _at += bytes.Length;
        }
    }

    /// <summary>A serialized experiment list: its JSON bytes and the strong ETag that names them.</summary>
    public sealed record Body(ImmutableArray<ExperimentSummary> Source, long Revision, byte[] Bytes, EntityTagHeaderValue ETag)
    {
        private readonly Lazy<byte[]> _brotli = new(() => Compress(Bytes));

        /// <summary>
        /// The same JSON through Brotli (the level <see cref="CompressionSetup"/> uses), made when a client on another
        /// machine first asks for it and kept with the body: the list costs one compression per change, not one per request.
        /// </summary>
        public byte[] Brotli => _brotli.Value;

        /// <summary>The compressed body's tag: weak, as for any other compressed answer.</summary>
        public EntityTagHeaderValue WeakETag { get; } = new(ETag.Tag, isWeak: true);

        private static byte[] Compress(byte[] bytes)
        {
            using var target = new MemoryStream(bytes.Length / 16);
            using (var brotli = new System.IO.Compression.BrotliStream(target, System.IO.Compression.CompressionLevel.Fastest, leaveOpen: true))
                brotli.Write(bytes);
            return target.ToArray();
        }
    }
}
