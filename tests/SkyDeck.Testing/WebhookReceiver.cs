using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace SkyDeck.Testing;

/// <summary>One request a webhook receiver got: its headers and body, and the status it was answered with.</summary>
public sealed record ReceivedWebhook(IReadOnlyDictionary<string, string> Headers, string Body, int AnsweredWith)
{
    public string? Header(string name) => Headers.TryGetValue(name, out var value) ? value : null;
}

/// <summary>
/// A local webhook endpoint (HttpListener on a loopback port): records every request and answers with
/// <see cref="Status"/> (200 unless changed). <see cref="Url"/> stays valid across <see cref="Stop"/>/<see cref="Start"/>,
/// so a test can take the receiver down and bring it back on the same port.
/// </summary>
public sealed class WebhookReceiver : IDisposable
{
    private readonly ConcurrentQueue<ReceivedWebhook> _received = new();
    private HttpListener? _listener;

    public WebhookReceiver(int? port = null)
    {
        Port = port ?? FreePort();
        Url = $"http://127.0.0.1:{Port}/hook/T0001/B0002/secret-path";
    }

    public int Port { get; }

    public string Url { get; }

    /// <summary>The status every request is answered with.</summary>
    public int Status { get; set; } = 200;

    public IReadOnlyList<ReceivedWebhook> Received => [.. _received];

    public WebhookReceiver Start()
    {
        _listener = new HttpListener();
        _listener.Prefixes.Add($"http://127.0.0.1:{Port}/");
        _listener.Start();
        _ = Task.Run(() => Serve(_listener));
        return this;
    }

    public void Stop()
    {
        _listener?.Close();
        _listener = null;
    }

    private async Task Serve(HttpListener listener)
    {
        while (listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            using var reader = new StreamReader(context.Request.InputStream, Encoding.UTF8);
            var body = await reader.ReadToEndAsync();
            var status = Status;
            _received.Enqueue(new ReceivedWebhook(
                context.Request.Headers.AllKeys.OfType<string>().ToDictionary(k => k, k => context.Request.Headers[k] ?? "", StringComparer.OrdinalIgnoreCase), body, status));
            context.Response.StatusCode = status;
            context.Response.Close();
        }
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public void Dispose() => Stop();
}
