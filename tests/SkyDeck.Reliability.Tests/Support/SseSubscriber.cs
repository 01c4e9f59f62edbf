using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;
using System.Text.Json;

namespace SkyDeck.Reliability.Tests.Support;

/// <summary>
/// A client following <c>GET /api/stream</c> for the whole load test: counts events, times the first one (the
/// snapshot), and times how long a sent state change takes to show up in the stream.
/// </summary>
public sealed class SseSubscriber : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentDictionary<string, (long Sent, string Desired)> _awaited = new(StringComparer.Ordinal);
    private readonly LatencyRecorder _propagation;
    private readonly Task _loop;
    private int _events;
    private int _snapshots;

    private SseSubscriber(HttpClient http, LatencyRecorder connect, LatencyRecorder propagation)
    {
        _propagation = propagation;
        _loop = Task.Run(() => RunAsync(http, connect));
    }

    public static SseSubscriber Start(HttpClient http, LatencyRecorder connect, LatencyRecorder propagation) => new(http, connect, propagation);

    public int Events => Volatile.Read(ref _events);

    public int Snapshots => Volatile.Read(ref _snapshots);

    /// <summary>Why the stream ended early, if it did.</summary>
    public string? Failure { get; private set; }

    /// <summary>Call just before sending a state change: its arrival in the stream is timed from now.</summary>
    public void Expect(string id, string desired) => _awaited[id] = (Stopwatch.GetTimestamp(), desired);

    private async Task RunAsync(HttpClient http, LatencyRecorder connect)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/api/stream");
            request.Headers.Accept.ParseAdd("text/event-stream");
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, _stop.Token);
            if (!response.IsSuccessStatusCode)
            {
                Failure = $"GET /api/stream answered {(int)response.StatusCode}";
                return;
            }

            using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(_stop.Token), Encoding.UTF8);
            string? type = null;
            var data = new StringBuilder();
            while (!_stop.IsCancellationRequested)
            {
                var line = await reader.ReadLineAsync(_stop.Token);
                if (line is null)
                {
                    Failure = "the stream ended";
                    return;
                }

                if (line.Length == 0)
                {
                    if (type is not null || data.Length > 0) Dispatch(type ?? "message", data.ToString(), connect, started);
                    type = null;
                    data.Clear();
                    continue;
                }

                if (line.StartsWith("event:", StringComparison.Ordinal)) type = line[6..].Trim();
                else if (line.StartsWith("data:", StringComparison.Ordinal)) data.Append(line[5..].TrimStart());
            }
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
        }
        catch (Exception e) when (e is HttpRequestException or IOException or JsonException)
        {
            Failure = $"{e.GetType().Name}: {e.Message}";
        }
    }

    private void Dispatch(string type, string data, LatencyRecorder connect, long started)
    {
        Interlocked.Increment(ref _events);
        if (type == "snapshot")
        {
            if (Interlocked.Increment(ref _snapshots) == 1) connect.Add(started);
            return;
        }

        if (type != "experiment" || _awaited.IsEmpty) return;
        using var json = JsonDocument.Parse(data);
        var id = json.RootElement.GetProperty("id").GetString()!;
        if (_awaited.TryGetValue(id, out var awaited) && json.RootElement.GetProperty("desired_state").GetString() == awaited.Desired
            && _awaited.TryRemove(new KeyValuePair<string, (long, string)>(id, awaited)))
            _propagation.Add(awaited.Sent);
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        await _loop;
        _stop.Dispose();
    }
}
