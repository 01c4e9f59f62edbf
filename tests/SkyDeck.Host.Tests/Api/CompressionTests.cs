using System.IO.Compression;
using System.Net;
using System.Text.Json;
using SkyDeck.Host.Tests.Support;

namespace SkyDeck.Host.Tests.Api;

/// <summary>
/// Clients on other machines get Brotli or gzip for JSON and the dashboard's files; loopback clients and event streams
/// never do (the rule: <c>CompressionSetup</c>). The client's address comes from <see cref="RemoteAddress"/>.
/// </summary>
public sealed class CompressionTests(ApiFixture fx) : IClassFixture<ApiFixture>
{
    private const string Remote = "203.0.113.7";

    private static HttpRequestMessage Get(string url, string? from, string acceptEncoding = "br, gzip")
    {
        var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.TryAddWithoutValidation("Accept-Encoding", acceptEncoding);
        if (from is not null) request.Headers.Add(RemoteAddress.Header, from);
        return request;
    }

    [Theory]
    [InlineData("br")]
    [InlineData("gzip")]
    public async Task GivenARemoteClient_WhenItListsExperiments_ThenTheJsonIsCompressedAndDecodesToTheSameListWithAWeakETag(string encoding)
    {
        await fx.CreateAsync(fx.NewId("zip"));
        var plain = await (await fx.Client.SendAsync(Get("/api/experiments", from: null))).Content.ReadAsByteArrayAsync();

        using var response = await fx.Client.SendAsync(Get("/api/experiments", Remote, encoding));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal([encoding], response.Content.Headers.ContentEncoding);
        Assert.Contains("Accept-Encoding", response.Headers.Vary);
        Assert.True(response.Headers.ETag!.IsWeak, response.Headers.ETag.ToString());
        var compressed = await response.Content.ReadAsByteArrayAsync();
        using Stream decoder = encoding == "br"
            ? new BrotliStream(new MemoryStream(compressed), CompressionMode.Decompress)
            : new GZipStream(new MemoryStream(compressed), CompressionMode.Decompress);
        using var decoded = new MemoryStream();
        await decoder.CopyToAsync(decoded);
        var ids = JsonDocument.Parse(decoded.ToArray()).RootElement.GetProperty("experiments").GetArrayLength();
        Assert.Equal(JsonDocument.Parse(plain).RootElement.GetProperty("experiments").GetArrayLength(), ids);
        Assert.True(compressed.Length < plain.Length, $"{compressed.Length} compressed bytes for {plain.Length}");

        // The weak tag still answers If-None-Match.
        using var again = Get("/api/experiments", Remote, encoding);
        again.Headers.IfNoneMatch.Add(response.Headers.ETag);
        var conditional = await fx.Client.SendAsync(again);
        Assert.True(conditional.StatusCode is HttpStatusCode.NotModified or HttpStatusCode.OK, conditional.StatusCode.ToString());
    }

    [Fact]
    public async Task GivenARemoteClient_WhenItLoadsTheDashboard_ThenItsFilesAreCompressed()
    {
        using var page = await fx.Client.SendAsync(Get("/", Remote));
        using var script = await fx.Client.SendAsync(Get("/app.js", Remote));

        Assert.Equal(["br"], page.Content.Headers.ContentEncoding);
        Assert.Equal(["br"], script.Content.Headers.ContentEncoding);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("127.0.0.1")]
    [InlineData("::1")]
    [InlineData("::ffff:127.0.0.1")]
    public async Task GivenALoopbackClientThatAsks_WhenItListsExperiments_ThenTheJsonIsNotCompressed(string? from)
    {
        using var response = await fx.Client.SendAsync(Get("/api/experiments", from));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Empty(response.Content.Headers.ContentEncoding);
        Assert.False(response.Headers.ETag!.IsWeak);
    }

    [Fact]
    public async Task GivenARemoteClient_WhenItOpensTheEventStream_ThenTheStreamIsNeverCompressed()
    {
        using var request = Get("/api/stream", Remote);
        request.Headers.Accept.ParseAdd("text/event-stream");
        using var cancel = new CancellationTokenSource();
        using var response = await fx.Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancel.Token);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        Assert.Empty(response.Content.Headers.ContentEncoding);
        // The first event reads as plain text.
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cancel.Token));
        var line = await reader.ReadLineAsync(cancel.Token);
        Assert.Matches("^(event|id|data|retry|:)", line);
        await cancel.CancelAsync();
    }
}
