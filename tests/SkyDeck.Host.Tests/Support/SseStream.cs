using System.Text;
using System.Text.Json;
using SkyDeck.Testing;

namespace SkyDeck.Host.Tests.Support;

/// <summary>One server-sent event: its <c>event:</c> type, <c>id:</c> and <c>data:</c>.</summary>
public sealed record SseEvent(string Type, string? Id, string Data)
{
    public JsonElement Json => JsonDocument.Parse(Data).RootElement.Clone();

    /// <summary>The number after the boot prefix of an id like <c>3f2a9c1b-17</c>.</summary>
    public long Sequence => long.Parse(Id![(Id!.LastIndexOf('-') + 1)..], System.Globalization.CultureInfo.InvariantCulture);
}

/// <summary>A streaming <c>GET /api/stream</c> read event by event; disposing it disconnects.</summary>
public sealed class SseStream : IAsyncDisposable
{
    private readonly CancellationTokenSource _connection = new();
    private HttpResponseMessage _response = null!;
    private StreamReader _reader = null!;

    public HttpResponseMessage Response => _response;

    public static async Task<SseStream> OpenAsync(HttpClient client, string? lastEventId = null, string path = "/api/stream")
    {
        var stream = new SseStream();
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Accept.ParseAdd("text/event-stream");
        if (lastEventId is not null) request.Headers.Add("Last-Event-ID", lastEventId);
        stream._response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, stream._connection.Token);
        stream._reader = new StreamReader(await stream._response.Content.ReadAsStreamAsync(stream._connection.Token), Encoding.UTF8);
        return stream;
    }

    public async Task<SseEvent> NextAsync(TimeSpan? timeout = null)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(_connection.Token);
        deadline.CancelAfter(timeout ?? Eventually.DefaultTimeout);
        string? type = null, id = null;
        var data = new StringBuilder();
        while (true)
        {
            string? line;
            try
            {
                line = await _reader.ReadLineAsync(deadline.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException("no server-sent event arrived in time");
            }

            if (line is null) throw new EndOfStreamException("the event stream ended");
            if (line.Length == 0)
            {
                if (data.Length == 0 && type is null) continue;
                return new SseEvent(type ?? "message", id, data.ToString());
            }

            if (line.StartsWith(':')) continue;
            var colon = line.IndexOf(':');
            var field = colon < 0 ? line : line[..colon];
            var value = colon < 0 ? "" : line[(colon + 1)..].TrimStart(' ');
            switch (field)
            {
                case "event": type = value; break;
                case "id": id = value; break;
                case "data":
                    if (data.Length > 0) data.Append('\n');
                    data.Append(value);
                    break;
            }
        }
    }

    /// <summary>Reads (and drops) events until one matches.</summary>
    public async Task<SseEvent> NextMatchingAsync(Func<SseEvent, bool> match, string what, TimeSpan? timeout = null)
    {
        var limit = DateTime.UtcNow + (timeout ?? Eventually.DefaultTimeout);
        var seen = new List<string>();
        while (true)
        {
            var remaining = limit - DateTime.UtcNow;
            if (remaining <= TimeSpan.Zero) throw new TimeoutException($"no event matching {what}; saw: {string.Join(" | ", seen)}");
            SseEvent next;
            try
            {
                next = await NextAsync(remaining);
            }
            catch (TimeoutException)
            {
                throw new TimeoutException($"no event matching {what}; saw: {string.Join(" | ", seen)}");
            }

            if (match(next)) return next;
            seen.Add($"{next.Type} {next.Id}");
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _connection.CancelAsync();
        _reader?.Dispose();
        _response?.Dispose();
        _connection.Dispose();
    }
}
