using System.Net;
using System.Net.Http.Headers;
using System.Text;
using SkyDeck.Host.Security;
using SkyDeck.Host.Tests.Support;

namespace SkyDeck.Host.Tests.Security;

/// <summary>
/// A web page the user visits must not be able to change SkyDeck: not through a rebound DNS name (Host allow-list),
/// not by a cross-origin request with or without a body, with or without a token.
/// </summary>
public sealed class CrossSiteTests(ApiFixture fx) : IClassFixture<ApiFixture>
{
    private readonly HttpClient _client = fx.Client;

    private static HttpRequestMessage Post(string path, string? body = "{}", string contentType = "application/json", string? origin = null, string? fetchSite = null, string? host = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path);
        if (body is not null) request.Content = new StringContent(body, Encoding.UTF8, MediaTypeHeaderValue.Parse(contentType));
        if (origin is not null) request.Headers.TryAddWithoutValidation("Origin", origin);
        if (fetchSite is not null) request.Headers.TryAddWithoutValidation("Sec-Fetch-Site", fetchSite);
        if (host is not null) request.Headers.Host = host;
        return request;
    }

    private async Task<int> EventCountAsync(string id) =>
        (await _client.GetJsonAsync($"/api/experiments/{id}/events")).GetProperty("events").GetArrayLength();

    [Theory]
    [InlineData("evil.example")]
    [InlineData("evil.example:8000")]
    [InlineData("127.0.0.1.nip.io")]
    public async Task GivenARebindingHostName_WhenCreating_ThenRefusedAndNothingIsCreated(string host)
    {
        var id = fx.NewId("rebind");

        var response = await _client.SendAsync(Post("/api/experiments", $$"""{"id":"{{id}}","base_command":"lt","desired_state":"RUNNING"}""", host: host));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        await (await _client.GetAsync($"/api/experiments/{id}")).ExpectProblemAsync(HttpStatusCode.NotFound);
        Assert.DoesNotContain(fx.Sky.Commands, c => c.ToString()!.Contains(id, StringComparison.Ordinal));
    }

    [Fact]
    public async Task GivenARebindingHostName_WhenReading_ThenRefused()
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/api/experiments");
        request.Headers.Host = "evil.example";

        Assert.Equal(HttpStatusCode.BadRequest, (await _client.SendAsync(request)).StatusCode);
    }

    [Theory]
    [InlineData("localhost")]
    [InlineData("localhost:8000")]
    [InlineData("127.0.0.1:8000")]
    [InlineData("[::1]:8000")]
    public async Task GivenALoopbackHostName_WhenReading_ThenServed(string host)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/api/experiments");
        request.Headers.Host = host;

        Assert.Equal(HttpStatusCode.OK, (await _client.SendAsync(request)).StatusCode);
    }

    public static TheoryData<string> BodyLessActions => new()
    {
        "/api/experiments/{id}/restart",
        "/api/experiments/{id}/restore",
        "/api/jobs/skydeck-{id}-g1-1/cancel",
        "/api/refresh",
        "/api/reconcile",
        "/api/logout",
    };

    [Theory]
    [MemberData(nameof(BodyLessActions))]
    public async Task GivenAnotherOrigin_WhenPostingABodyLessAction_Then403AndNothingHappens(string template)
    {
        var id = fx.NewId("csrf");
        await fx.CreateAsync(id);
        var before = await EventCountAsync(id);
        var sent = fx.Sky.Commands.Count;

        var response = await _client.SendAsync(Post(template.Replace("{id}", id), body: "", contentType: "text/plain", origin: "http://evil.example"));

        await response.ExpectProblemAsync(HttpStatusCode.Forbidden);
        Assert.Equal(before, await EventCountAsync(id));
        Assert.Equal(sent, fx.Sky.Commands.Count);
    }

    [Theory]
    [InlineData("http://evil.example", null)]
    [InlineData("null", null)]
    [InlineData("http://localhost:3000", null)]
    [InlineData("https://localhost", null)]
    [InlineData(null, "cross-site")]
    [InlineData(null, "same-site")]
    [InlineData("http://localhost", "cross-site")]
    public async Task GivenACrossOriginJsonRequest_WhenChangingState_Then403AndTheStateIsUnchanged(string? origin, string? fetchSite)
    {
        var id = fx.NewId("csrfjson");
        await fx.CreateAsync(id);

        var response = await _client.SendAsync(Post($"/api/experiments/{id}/state", """{"desired_state":"RUNNING"}""", origin: origin, fetchSite: fetchSite));

        await response.ExpectProblemAsync(HttpStatusCode.Forbidden);
        Assert.Equal("STOPPED", (await fx.GetAsync(id)).Str("desired_state"));
    }

    [Theory]
    [InlineData("http://localhost", "same-origin")]
    [InlineData("http://localhost", null)]
    [InlineData(null, "same-origin")]
    [InlineData(null, null)]
    public async Task GivenTheDashboardsOwnOriginOrNoBrowser_WhenChangingState_ThenAccepted(string? origin, string? fetchSite)
    {
        var id = fx.NewId("sameorigin");
        await fx.CreateAsync(id);

        var response = await _client.SendAsync(Post($"/api/experiments/{id}/state", """{"desired_state":"TERMINATED"}""", origin: origin, fetchSite: fetchSite));

        await response.ExpectAsync(HttpStatusCode.OK);
    }

    [Theory]
    [InlineData("application/jsonx")]
    [InlineData("application/json-patch+json")]
    [InlineData("text/plain")]
    [InlineData("application/x-www-form-urlencoded")]
    [InlineData("multipart/form-data; boundary=x")]
    [InlineData("application/json; charset=latin1")]
    public async Task GivenANonJsonContentType_WhenChangingState_Then415AndTheStateIsUnchanged(string contentType)
    {
        var id = fx.NewId("ctype");
        await fx.CreateAsync(id);

        var response = await _client.SendAsync(Post($"/api/experiments/{id}/state", """{"desired_state":"RUNNING"}""", contentType));

        await response.ExpectProblemAsync(HttpStatusCode.UnsupportedMediaType);
        Assert.Equal("STOPPED", (await fx.GetAsync(id)).Str("desired_state"));
    }

    [Fact]
    public async Task GivenABodyLessPostWithATextContentType_WhenRestarting_Then415()
    {
        var id = fx.NewId("restart415");
        await fx.CreateAsync(id);

        var response = await _client.SendAsync(Post($"/api/experiments/{id}/restart", body: "", contentType: "text/plain"));

        await response.ExpectProblemAsync(HttpStatusCode.UnsupportedMediaType);
    }

    [Fact]
    public async Task GivenJsonWithAUtf8Charset_WhenCreating_ThenAccepted()
    {
        var id = fx.NewId("charset");

        var response = await _client.SendAsync(Post("/api/experiments", $$"""{"id":"{{id}}","base_command":"lt"}""", "application/json; charset=utf-8"));

        await response.ExpectAsync(HttpStatusCode.Created);
    }

    [Fact]
    public void GivenALoopbackBind_ThenOnlyLoopbackNamesAreAllowed()
    {
        var hosts = RequestGuards.AllowedHosts(new ServerSettings(), configured: null);

        Assert.Equal(["localhost", "127.0.0.1", "[::1]"], hosts);
    }

    [Fact]
    public void GivenAWildcardBindAndAnAllowList_ThenTheMachineAndTheListedNamesAreAllowedButNotTheWildcard()
    {
        var hosts = RequestGuards.AllowedHosts(new ServerSettings(Host: "0.0.0.0"), configured: "skydeck.lab.example, *.corp.example;fe80::1");

        Assert.Contains("localhost", hosts);
        Assert.Contains(System.Net.Dns.GetHostName(), hosts);
        Assert.Contains("skydeck.lab.example", hosts);
        Assert.Contains("*.corp.example", hosts);
        Assert.Contains("[fe80::1]", hosts);
        Assert.DoesNotContain("0.0.0.0", hosts);
        Assert.DoesNotContain("*", hosts);
    }
}
