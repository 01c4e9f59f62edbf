using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using SkyDeck.Host.Tests.Support;

namespace SkyDeck.Host.Tests.Api;

/// <summary>
/// Input an outside tester used to break or spoof SkyDeck: invalid Unicode, duplicate keys, inexact numbers,
/// invisible and bidirectional characters, and bodies with thousands of flags. Each is a 4xx naming the field, and
/// nothing changes.
/// </summary>
public sealed class HostileInputTests(ApiFixture fx) : IClassFixture<ApiFixture>
{
    private readonly HttpClient _client = fx.Client;

    private Task<HttpResponseMessage> PostBytesAsync(string url, byte[] body, HttpMethod? method = null) =>
        _client.SendAsync(new HttpRequestMessage(method ?? HttpMethod.Post, url)
        {
            Content = new ByteArrayContent(body) { Headers = { ContentType = new("application/json") } },
        });

    private async Task AssertAbsentAsync(string id) =>
        await (await _client.GetAsync($"/api/experiments/{id}")).ExpectProblemAsync(HttpStatusCode.NotFound);

    [Theory]
    [InlineData("""{"id":"\ud800","base_command":"lt"}""", "id")]
    [InlineData("""{"id":"ID","base_command":"lt \udfff"}""", "base_command")]
    [InlineData("""{"id":"ID","base_command":"lt","flags":{"lr":"\ud800x"}}""", "flags.lr")]
    [InlineData("""{"id":"ID","base_command":"lt","tags":["ok","\udc00"]}""", "tags[1]")]
    [InlineData("""{"id":"ID","base_command":"lt","\ud800":1}""", "body")]
    public async Task GivenALoneSurrogate_WhenCreating_Then400NamingTheField(string template, string field)
    {
        var id = fx.NewId("surrogate");

        var response = await _client.PostRawAsync("/api/experiments", template.Replace("ID", id));

        await response.ExpectProblemAsync(HttpStatusCode.BadRequest, field);
        await AssertAbsentAsync(id);
    }

    [Fact]
    public async Task GivenInvalidUtf8_WhenCreating_Then400NotA500()
    {
        var id = fx.NewId("utf8");
        var body = Encoding.UTF8.GetBytes($$"""{"id":"{{id}}","base_command":"lt X"}""");
        body[Array.IndexOf(body, (byte)'X')] = 0xFF;

        var response = await PostBytesAsync("/api/experiments", body);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        await AssertAbsentAsync(id);
    }

    [Theory]
    [InlineData("PATCH", "", """{"name":"\ud800"}""", "name")]
    [InlineData("POST", "/state", """{"desired_state":"RUNNING","reason":"\ud800"}""", "reason")]
    [InlineData("POST", "/flags", """{"flags":{"a":"\udbff"}}""", "flags.a")]
    public async Task GivenALoneSurrogate_WhenChanging_Then400NamingTheFieldAndNothingChanges(string method, string suffix, string body, string field)
    {
        var id = fx.NewId("surrogatechange");
        var before = await fx.CreateAsync(id);

        var response = await _client.SendAsync(new HttpRequestMessage(new HttpMethod(method), $"/api/experiments/{id}{suffix}") { Content = Http.Json(body) });

        await response.ExpectProblemAsync(HttpStatusCode.BadRequest, field);
        Assert.Equal(before.GetRawText(), (await fx.GetAsync(id)).GetRawText());
    }

    [Fact]
    public async Task GivenALoneSurrogate_WhenSigningIn_Then400NamingTheToken()
    {
        await (await _client.PostRawAsync("/api/login", """{"token":"\ud800"}""")).ExpectProblemAsync(HttpStatusCode.BadRequest, "token");
    }

    [Theory]
    [InlineData("""{"id":"ID","base_command":"lt","base_command":"rm -rf ~"}""", "base_command")]
    [InlineData("""{"id":"ID","base_command":"lt","flags":{"lr":1,"lr":2}}""", "flags.lr")]
    public async Task GivenADuplicateKey_WhenCreating_Then400NamingIt(string template, string field)
    {
        var id = fx.NewId("dupkey");

        await (await _client.PostRawAsync("/api/experiments", template.Replace("ID", id))).ExpectProblemAsync(HttpStatusCode.BadRequest, field);
        await AssertAbsentAsync(id);
    }

    [Theory]
    [InlineData("123456789012345678901234")]
    [InlineData("9223372036854775808")]
    [InlineData("-9223372036854775809")]
    public async Task GivenAnIntegerBeyond64Bits_WhenCreating_Then400RatherThanAFloat(string number)
    {
        var id = fx.NewId("bigint");

        var response = await _client.PostRawAsync("/api/experiments", $$$"""{"id":"{{{id}}}","base_command":"lt","flags":{"seed":{{{number}}}}}""");

        var problem = await response.ExpectProblemAsync(HttpStatusCode.BadRequest, "flags.seed");
        Assert.Contains("string", problem.Str("detail"));
        await AssertAbsentAsync(id);
    }

    [Fact]
    public async Task GivenTheLargest64BitInteger_WhenCreating_ThenItReachesTheCommandExactly()
    {
        var id = fx.NewId("maxint");

        var created = await (await _client.PostRawAsync("/api/experiments", $$$"""{"id":"{{{id}}}","base_command":"lt","flags":{"seed":9223372036854775807}}"""))
            .ExpectAsync(HttpStatusCode.Created);

        Assert.Contains("seed=9223372036854775807", created.Str("command"));
    }

    public static TheoryData<string, string> Spoofs => new()
    {
        { "name", "\u202Egnp.exe" },
        { "name", "zero\u200Bwidth" },
        { "base_command", "python train.py \u2066# harmless\u2069 && curl evil" },
        { "run_name", "run\uFEFF" },
        { "description", "looks fine\u202E" },
        { "group", "g\u2060" },
        { "tags", "\u200D" },
        { "flags.note", "a\u202Eb" },
        { "flags.sep", "line\u2028break" },
    };

    [Theory]
    [MemberData(nameof(Spoofs))]
    public async Task GivenAnInvisibleOrBidiCharacter_WhenCreating_Then400NamingTheFieldAndTheCharacter(string field, string value)
    {
        var id = fx.NewId("spoof");
        var body = Http.NewExperiment(id);
        if (field.StartsWith("flags.", StringComparison.Ordinal)) body["flags"]![field["flags.".Length..]] = value;
        else if (field == "tags") body["tags"] = new JsonArray(value);
        else body[field] = value;

        var problem = await (await _client.PostJsonAsync("/api/experiments", body)).ExpectProblemAsync(HttpStatusCode.BadRequest, field);

        Assert.Contains("U+", problem.Str("detail"));
        await AssertAbsentAsync(id);
    }

    [Fact]
    public async Task GivenABidiOverride_WhenPatchingOrSettingAReason_Then400AndNothingChanges()
    {
        var id = fx.NewId("spoofpatch");
        var before = await fx.CreateAsync(id);

        await (await _client.PatchJsonAsync($"/api/experiments/{id}", new JsonObject { ["name"] = "ok\u202E" })).ExpectProblemAsync(HttpStatusCode.BadRequest, "name");
        await (await _client.PostJsonAsync($"/api/experiments/{id}/state", new JsonObject { ["desired_state"] = "RUNNING", ["reason"] = "\u200B" }))
            .ExpectProblemAsync(HttpStatusCode.BadRequest, "reason");
        await (await _client.PostJsonAsync($"/api/experiments/{id}/state", new JsonObject { ["desired_state"] = "RUNNING" }, user: "alice\u202E"))
            .ExpectProblemAsync(HttpStatusCode.BadRequest, "X-SkyDeck-User");

        Assert.Equal(before.GetRawText(), (await fx.GetAsync(id)).GetRawText());
    }

    [Fact]
    public async Task GivenOrdinaryUnicode_WhenCreating_ThenItIsKept()
    {
        var id = fx.NewId("unicode");

        var created = await fx.CreateAsync(id, new { name = "Réseau 深度 🚀", description = "line one\nline two\ttabbed", flags = new { note = "naïve → ok" } });

        Assert.Equal("Réseau 深度 🚀", created.Str("name"));
        Assert.Equal("naïve → ok", created.GetProperty("flags").Str("note"));
    }

    [Theory]
    [InlineData(501)]
    [InlineData(20_000)]
    public async Task GivenTooManyFlags_WhenCreatingOrReplacing_Then400NamingFlags(int count)
    {
        var id = fx.NewId("manyflags");
        var flags = new JsonObject();
        for (var i = 0; i < count; i++) flags[$"f{i}.x{i}"] = i;

        await (await _client.PostJsonAsync("/api/experiments", Http.NewExperiment(id, new { flags }))).ExpectProblemAsync(HttpStatusCode.BadRequest, "flags");
        await AssertAbsentAsync(id);
        await fx.CreateAsync(id);
        await (await _client.PostJsonAsync($"/api/experiments/{id}/flags", new JsonObject { ["flags"] = flags.DeepClone() })).ExpectProblemAsync(HttpStatusCode.BadRequest, "flags");
    }

    [Fact]
    public async Task GivenAKeyThatPrefixesAnother_WhenCreating_Then400NamingThePrefix()
    {
        var id = fx.NewId("prefix");

        var response = await _client.PostRawAsync("/api/experiments", $$$"""{"id":"{{{id}}}","base_command":"lt","flags":{"a-b":1,"a":1,"a.b.c":2}}""");

        await response.ExpectProblemAsync(HttpStatusCode.BadRequest, "flags.a");
    }
}
