using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Logging;
using SkyDeck.Benchmarks.Server;

namespace SkyDeck.Benchmarks.Baselines;

/// <summary>The floor for serving the list: a bare Kestrel app whose only job is to serve one JSON file from disk.</summary>
public sealed class StaticJsonServer : IAsyncDisposable
{
    public const string Path = "/experiments.json";

    private readonly WebApplication _app;

    private StaticJsonServer(WebApplication app, Uri url)
    {
        _app = app;
        Url = url;
    }

    public Uri Url { get; }

    public static async Task<StaticJsonServer> StartAsync(string directory, byte[] body)
    {
        await File.WriteAllBytesAsync(System.IO.Path.Combine(directory, "experiments.json"), body);
        var port = FreePort.Next();
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = directory });
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        var app = builder.Build();
        app.UseStaticFiles(new StaticFileOptions { FileProvider = new PhysicalFileProvider(directory) });
        await app.StartAsync();
        return new StaticJsonServer(app, new Uri($"http://127.0.0.1:{port}"));
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
