using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using SkyDeck.Host.Security;
using SkyDeck.Host.Tests.Support;
using SkyDeck.Testing;

namespace SkyDeck.Host.Tests.Security;

/// <summary>With a token configured, every API call and the dashboard need it; the audit "who" comes from the token.</summary>
public sealed class TokenSecurityTests : IAsyncLifetime
{
    private const string Secret = "s3cret-token-of-alice-0123456789";
    private readonly TempDatabase _db = new();
    private SkyDeckApp _app = null!;

    public Task InitializeAsync()
    {
        _app = new SkyDeckApp(_db.Path, ScriptedSkyGateway.WithFakeCloud(), new Dictionary<string, string> { ["SKYDECK_TOKEN"] = $"alice:{Secret}" });
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        _db.Dispose();
    }

    private HttpClient Client(string? bearer = null)
    {
        var client = _app.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });
        if (bearer is not null) client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        return client;
    }

    private static StringContent Json(object body) => new(JsonSerializer.Serialize(body), System.Text.Encoding.UTF8, "application/json");

    [Theory]
    [InlineData("GET", "/api/experiments")]
    [InlineData("GET", "/api/health")]
    [InlineData("GET", "/api/events")]
    [InlineData("GET", "/api/stream")]
    [InlineData("POST", "/api/experiments")]
    [InlineData("POST", "/api/refresh")]
    [InlineData("GET", "/openapi/v1.json")]
    [InlineData("GET", "/metrics")]
    public async Task GivenATokenIsRequired_WhenCalledWithoutOne_Then401ProblemDetails(string method, string path)
    {
        var response = await Client().SendAsync(new HttpRequestMessage(new HttpMethod(method), path) { Content = method == "POST" ? Json(new { }) : null });

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("token", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString());
    }

    [Theory]
    [InlineData("wrong-token-wrong-token-wrong")]
    [InlineData("bob:" + Secret + "x")]
    public async Task GivenAWrongToken_WhenCalled_Then401(string token) =>
        Assert.Equal(HttpStatusCode.Unauthorized, (await Client(token).GetAsync("/api/experiments")).StatusCode);

    [Theory]
    [InlineData(Secret)]
    [InlineData("alice:" + Secret)]
    public async Task GivenTheToken_WhenCreating_ThenAcceptedAndWhoIsTheTokensUser(string token)
    {
        var client = Client(token);
        client.DefaultRequestHeaders.Add("X-SkyDeck-User", "mallory");

        var created = await client.PostAsync("/api/experiments", Json(new { id = $"sec{token.Length}", base_command = "lt" }));
        var events = await client.GetFromJsonAsync<JsonElement>($"/api/experiments/sec{token.Length}/events");

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal("alice", events.GetProperty("events")[0].GetProperty("who").GetString());
    }

    [Fact]
    public async Task GivenTheToken_WhenScrapingMetrics_ThenPrometheusTextIsServed()
    {
        var response = await Client(Secret).GetAsync("/metrics");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("# TYPE skydeck_experiments gauge", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task GivenTheApiPage_WhenOpenedWithoutSigningIn_ThenRedirectedToSignInAndWithTheTokenServed()
    {
        var anonymous = await Client().GetAsync("/api/docs/");
        var signedIn = await Client(Secret).GetAsync("/api/docs/");

        Assert.Equal(HttpStatusCode.Redirect, anonymous.StatusCode);
        Assert.Equal("/login.html", anonymous.Headers.Location?.OriginalString);
        Assert.Equal(HttpStatusCode.OK, signedIn.StatusCode);
    }

    [Fact]
    public async Task GivenTheDashboard_WhenOpenedWithoutSigningIn_ThenRedirectedToTheSignInPageWhichIsPublic()
    {
        var client = Client();

        var page = await client.GetAsync("/");
        var login = await client.GetAsync("/login.html");

        Assert.Equal(HttpStatusCode.Redirect, page.StatusCode);
        Assert.Equal("/login.html", page.Headers.Location?.OriginalString);
        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
    }

    [Fact]
    public async Task GivenSignIn_WhenTheTokenIsRight_ThenAStrictHttpOnlyCookieOpensTheApiAndLogoutClosesIt()
    {
        var client = Client();

        var bad = await client.PostAsync("/api/login", Json(new { token = "nope-nope-nope-nope" }));
        var good = await client.PostAsync("/api/login", Json(new { token = Secret }));
        var cookie = good.Headers.GetValues("Set-Cookie").Single();
        var after = await client.GetAsync("/api/experiments");
        var page = await client.GetAsync("/");
        await client.PostAsync("/api/logout", Json(new { }));
        var loggedOut = await client.GetAsync("/api/experiments");

        Assert.Equal(HttpStatusCode.Unauthorized, bad.StatusCode);
        Assert.Equal(HttpStatusCode.OK, good.StatusCode);
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, loggedOut.StatusCode);
    }
}

/// <summary>Defaults: no token on loopback, cross-site requests cannot change anything, the page forbids inline script.</summary>
public sealed class DefaultSecurityTests(ApiFixture fixture) : IClassFixture<ApiFixture>
{
    [Fact]
    public async Task GivenAFormPost_WhenCreating_Then415AndNothingIsCreated()
    {
        var client = fixture.App.Client();
        var form = new FormUrlEncodedContent(new Dictionary<string, string> { ["id"] = "csrf", ["base_command"] = "lt" });

        var response = await client.PostAsync("/api/experiments", form);
        var get = await client.GetAsync("/api/experiments/csrf");

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, get.StatusCode);
    }

    [Fact]
    public async Task GivenACrossOriginPreflight_WhenSent_ThenNoCorsHeadersAreGranted()
    {
        var request = new HttpRequestMessage(HttpMethod.Options, "/api/experiments");
        request.Headers.Add("Origin", "https://evil.example");
        request.Headers.Add("Access-Control-Request-Method", "POST");
        request.Headers.Add("Access-Control-Request-Headers", "content-type");

        var response = await fixture.App.Client().SendAsync(request);

        Assert.False(response.Headers.Contains("Access-Control-Allow-Origin"));
    }

    [Fact]
    public async Task GivenTheDashboard_WhenServed_ThenItsContentSecurityPolicyForbidsInlineScript()
    {
        var response = await fixture.App.Client().GetAsync("/");

        var csp = response.Headers.GetValues("Content-Security-Policy").Single();
        Assert.Contains("script-src 'self'", csp);
        Assert.DoesNotContain("unsafe-inline", csp);
        Assert.Contains("frame-ancestors 'none'", csp);
    }
}

public sealed class AccessTokenResolutionTests : IDisposable
{
    private readonly string _home = Path.Combine(Path.GetTempPath(), "skydeck-tests", Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_home)) Directory.Delete(_home, recursive: true);
    }

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("localhost")]
    [InlineData("::1")]
    public void GivenLoopback_WhenNoTokenConfigured_ThenNoneRequired(string host) =>
        Assert.False(AccessTokens.Resolve(null, new ServerSettings(Host: host), new SkyDeckPaths(_home)).Required);

    [Fact]
    public void GivenAnyOtherAddress_WhenNoTokenConfigured_ThenATokenIsGeneratedReadableOnlyByTheOwnerAndKept()
    {
        var paths = new SkyDeckPaths(_home);

        var first = AccessTokens.Resolve(null, new ServerSettings(Host: "0.0.0.0"), paths);
        var again = AccessTokens.Resolve(null, new ServerSettings(Host: "0.0.0.0"), paths);

        Assert.True(first.Required);
        if (!OperatingSystem.IsWindows())
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(paths.TokenFile));
        var stored = File.ReadAllText(paths.TokenFile).Trim();
        Assert.NotNull(first.Match(stored));
        Assert.NotNull(again.Match(stored));
    }

    [Fact]
    public void GivenAnyOtherAddress_WhenInsecureIsExplicit_ThenNoTokenRequired() =>
        Assert.False(AccessTokens.Resolve(null, new ServerSettings(Host: "0.0.0.0", Insecure: true), new SkyDeckPaths(_home)).Required);

    [Fact]
    public void GivenAShortConfiguredSecret_WhenResolved_ThenAClearConfigurationError() =>
        Assert.Contains("16 characters", Assert.Throws<ConfigurationException>(() => AccessTokens.Resolve("short", new ServerSettings(), new SkyDeckPaths(_home))).Message);
}
