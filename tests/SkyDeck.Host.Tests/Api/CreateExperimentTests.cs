using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using SkyDeck.Host.Tests.Support;

namespace SkyDeck.Host.Tests.Api;

/// <summary><c>GET/POST /api/experiments</c>: creating, idempotent retries, conflicts and every way a body can be wrong.</summary>
public sealed class CreateExperimentTests(ApiFixture fx) : IClassFixture<ApiFixture>
{
    private readonly HttpClient _client = fx.Client;

    [Fact]
    public async Task GivenAValidSpec_WhenPosted_Then201WithLocationAndTheExperiment()
    {
        var id = fx.NewId("create");

        var response = await _client.PostJsonAsync("/api/experiments", Http.NewExperiment(id, new { description = "first try", tags = new[] { "ppo", "sweep" }, group = "g1" }));

        var body = await response.ExpectAsync(HttpStatusCode.Created);
        Assert.Equal($"/api/experiments/{id}", response.Headers.Location?.OriginalString);
        Assert.Equal(id, body.Str("id"));
        Assert.Equal($"Experiment {id}", body.Str("name"));
        Assert.Equal("lt", body.Str("base_command"));
        Assert.Equal("STOPPED", body.Str("desired_state"));
        Assert.Equal(1, body.GetProperty("generation").GetInt32());
        Assert.False(body.GetProperty("deleted").GetBoolean());
        Assert.Equal("first try", body.Str("description"));
        Assert.Equal(["ppo", "sweep"], body.GetProperty("tags").EnumerateArray().Select(t => t.GetString()));
        Assert.Equal($"skydeck-{id}", body.GetProperty("cluster").Str("name"));
        var flags = body.GetProperty("flags");
        Assert.Equal(0.001, flags.GetProperty("trainer.lr").GetDouble());
        Assert.Equal(4, flags.GetProperty("policy.layers").GetInt64());
        Assert.True(flags.GetProperty("ppo.enabled").GetBoolean());
        Assert.Contains($"run=tests.{id}", body.Str("command"));

        var fetched = await _client.GetJsonAsync(response.Headers.Location!.OriginalString);
        Assert.Equal(body.GetRawText(), fetched.GetRawText());
        var list = await _client.GetJsonAsync("/api/experiments");
        Assert.Contains(list.GetProperty("experiments").EnumerateArray(), e => e.Str("id") == id);
    }

    [Fact]
    public async Task GivenOnlyIdAndBaseCommand_WhenPosted_ThenDefaultsAreFilledIn()
    {
        var id = fx.NewId("minimal");

        var body = await (await _client.PostRawAsync("/api/experiments", $$"""{"id":"{{id}}","base_command":"python train.py"}""")).ExpectAsync(HttpStatusCode.Created);

        Assert.Equal(id, body.Str("name"));
        Assert.Equal(id, body.Str("run_name"));
        Assert.Equal(1, body.GetProperty("nodes").GetInt32());
        Assert.Equal(0, body.GetProperty("gpus").GetInt32());
        Assert.Empty(body.GetProperty("flags").EnumerateObject());
        Assert.Equal(JsonValueKind.Null, body.GetProperty("autostop_minutes").ValueKind);
        Assert.False(body.GetProperty("autostop_down").GetBoolean());
    }

    [Fact]
    public async Task GivenAutostopSettings_WhenCreatedThenPatched_ThenTheyAreStoredAndANullPatchRestoresTheDefault()
    {
        var id = fx.NewId("autostop");

        var created = await (await _client.PostRawAsync("/api/experiments", $$"""{"id":"{{id}}","base_command":"lt","autostop_minutes":30,"autostop_down":true}""")).ExpectAsync(HttpStatusCode.Created);
        var patched = await (await _client.PatchJsonAsync($"/api/experiments/{id}", new JsonObject { ["autostop_minutes"] = null, ["autostop_down"] = false })).ExpectAsync(HttpStatusCode.OK);

        Assert.Equal((30, true), (created.GetProperty("autostop_minutes").GetInt32(), created.GetProperty("autostop_down").GetBoolean()));
        Assert.Equal(JsonValueKind.Null, patched.GetProperty("autostop_minutes").ValueKind);
        Assert.False(patched.GetProperty("autostop_down").GetBoolean());
    }

    [Fact]
    public async Task GivenAnExistingExperiment_WhenTheSameSpecIsPostedAgain_Then200WithTheSameBody()
    {
        var id = fx.NewId("retry");
        var first = await fx.CreateAsync(id);

        var again = await _client.PostJsonAsync("/api/experiments", Http.NewExperiment(id));

        var body = await again.ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(first.GetRawText(), body.GetRawText());
        var events = await _client.GetJsonAsync($"/api/experiments/{id}/events");
        Assert.Single(events.GetProperty("events").EnumerateArray(), e => e.Str("type") == "experiment_created");
    }

    [Theory]
    [InlineData("""{"nodes":2}""")]
    [InlineData("""{"desired_state":"TERMINATED"}""")]
    [InlineData("""{"flags":{"trainer.lr":0.002}}""")]
    public async Task GivenAnExistingExperiment_WhenADifferentSpecIsPosted_Then409AndNothingChanges(string change)
    {
        var id = fx.NewId("conflict");
        var created = await fx.CreateAsync(id);

        var body = Http.NewExperiment(id, JsonNode.Parse(change));
        var problem = await (await _client.PostJsonAsync("/api/experiments", body)).ExpectProblemAsync(HttpStatusCode.Conflict);

        Assert.Contains(id, problem.Str("detail"));
        Assert.Equal(created.GetRawText(), (await fx.GetAsync(id)).GetRawText());
    }

    [Fact]
    public async Task GivenADeletedExperiment_WhenItsIdIsPostedAgain_Then409SayingRestore()
    {
        var id = fx.NewId("deleted");
        await fx.CreateAsync(id);
        await (await _client.DeleteAsync($"/api/experiments/{id}")).ExpectAsync(HttpStatusCode.OK);

        var problem = await (await _client.PostJsonAsync("/api/experiments", Http.NewExperiment(id))).ExpectProblemAsync(HttpStatusCode.Conflict);

        Assert.Contains("restore", problem.Str("detail"));
    }

    [Fact]
    public async Task GivenNoId_WhenPosted_Then400NamingId()
    {
        var body = Http.NewExperiment("x");
        body.Remove("id");

        await (await _client.PostJsonAsync("/api/experiments", body)).ExpectProblemAsync(HttpStatusCode.BadRequest, "id");
    }

    public static TheoryData<string> InvalidIds => new()
    {
        "",
        "../../etc/passwd",
        "a/b",
        "..",
        "exp é",
        "expé",
        "实验",
        "exp-🚀",
        "-leading-dash",
        "1starts-with-digit",
        "trailing-",
        "has space",
        "semi;colon",
        "$(rm -rf ~)",
        new string('a', 49),
        new string('a', 10 * 1024),
        "nul\0byte",
        "train.yaml",
        "sweep.JSON",
        "config.yml",
    };

    [Theory]
    [MemberData(nameof(InvalidIds))]
    public async Task GivenAnInvalidId_WhenPosted_Then400NamingIdAndNothingIsCreated(string id)
    {
        var before = await _client.GetJsonAsync("/api/experiments?include_deleted=true");

        var response = await _client.PostJsonAsync("/api/experiments", Http.NewExperiment(id));

        await response.ExpectProblemAsync(HttpStatusCode.BadRequest, "id");
        var after = await _client.GetJsonAsync("/api/experiments?include_deleted=true");
        Assert.Equal(before.GetRawText(), after.GetRawText());
    }

    [Theory]
    [InlineData("name", "5")]
    [InlineData("name", "{}")]
    [InlineData("base_command", "[\"lt\"]")]
    [InlineData("nodes", "\"4\"")]
    [InlineData("nodes", "1.5")]
    [InlineData("nodes", "99999999999")]
    [InlineData("nodes", "0")]
    [InlineData("nodes", "513")]
    [InlineData("gpus", "-1")]
    [InlineData("gpus", "true")]
    [InlineData("use_spot", "\"yes\"")]
    [InlineData("use_spot", "1")]
    [InlineData("tags", "\"ppo\"")]
    [InlineData("tags", "[1,2]")]
    [InlineData("flags", "[]")]
    [InlineData("flags", "\"lr=1\"")]
    [InlineData("desired_state", "\"SPRINTING\"")]
    [InlineData("desired_state", "1")]
    [InlineData("accelerator", "\"A100; rm -rf /\"")]
    [InlineData("cloud", "\"aws/us-east-1\"")]
    [InlineData("run_name", "\"two\\nlines\"")]
    [InlineData("base_command", "\"   \"")]
    [InlineData("id", "42")]
    [InlineData("autostop_minutes", "-1")]
    [InlineData("autostop_minutes", "10081")]
    [InlineData("autostop_minutes", "\"10\"")]
    [InlineData("autostop_down", "\"yes\"")]
    public async Task GivenAFieldOfTheWrongTypeOrRange_WhenPosted_Then400NamingThatField(string field, string json)
    {
        var body = Http.NewExperiment(fx.NewId("badtype"));
        body[field] = JsonNode.Parse(json);

        var response = await _client.PostJsonAsync("/api/experiments", body);

        await response.ExpectProblemAsync(HttpStatusCode.BadRequest, field);
    }

    [Fact]
    public async Task GivenSeveralBadFields_WhenPosted_ThenEveryOneIsNamed()
    {
        var body = Http.NewExperiment(fx.NewId("many"), new { nodes = "x", gpus = "many", colour = "blue" });

        var problem = await (await _client.PostJsonAsync("/api/experiments", body)).ExpectProblemAsync(HttpStatusCode.BadRequest, "nodes");

        var errors = problem.GetProperty("errors");
        Assert.True(errors.TryGetProperty("colour", out _), problem.GetRawText());
        Assert.True(errors.TryGetProperty("gpus", out _), problem.GetRawText());
    }

    [Theory]
    [InlineData("colour")]
    [InlineData("Name")]
    [InlineData("baseCommand")]
    [InlineData("desiredState")]
    public async Task GivenAnUnknownField_WhenPosted_Then400NamingIt(string field)
    {
        var body = Http.NewExperiment(fx.NewId("unknown"));
        body[field] = "x";

        await (await _client.PostJsonAsync("/api/experiments", body)).ExpectProblemAsync(HttpStatusCode.BadRequest, field);
    }

    [Theory]
    [InlineData("{")]
    [InlineData("{\"id\": }")]
    [InlineData("{\"id\":\"a\",}")]
    [InlineData("{'id':'a'}")]
    [InlineData("")]
    [InlineData("null garbage")]
    public async Task GivenMalformedJson_WhenPosted_Then400NamingBody(string raw)
    {
        await (await _client.PostRawAsync("/api/experiments", raw)).ExpectProblemAsync(HttpStatusCode.BadRequest, "body");
    }

    [Theory]
    [InlineData("[]")]
    [InlineData("[{\"id\":\"a\"}]")]
    [InlineData("\"exp\"")]
    [InlineData("42")]
    [InlineData("null")]
    [InlineData("true")]
    public async Task GivenAJsonBodyThatIsNotAnObject_WhenPosted_Then400NamingBody(string raw)
    {
        await (await _client.PostRawAsync("/api/experiments", raw)).ExpectProblemAsync(HttpStatusCode.BadRequest, "body");
    }

    [Fact]
    public async Task GivenDeeplyNestedJson_WhenPosted_Then400NotACrash()
    {
        var raw = "{\"flags\":" + new string('[', 5000) + new string(']', 5000) + "}";

        await (await _client.PostRawAsync("/api/experiments", raw)).ExpectProblemAsync(HttpStatusCode.BadRequest, "body");
    }

    [Theory]
    [InlineData("text/plain")]
    [InlineData("application/x-www-form-urlencoded")]
    [InlineData("multipart/form-data; boundary=x")]
    [InlineData("application/xml")]
    public async Task GivenANonJsonContentType_WhenPosted_Then415(string contentType)
    {
        var id = fx.NewId("ctype");

        var response = await _client.PostRawAsync("/api/experiments", Http.NewExperiment(id).ToJsonString(), contentType);

        var problem = await response.ExpectProblemAsync(HttpStatusCode.UnsupportedMediaType);
        Assert.Contains("application/json", problem.Str("detail"));
        await _client.GetJsonAsync($"/api/experiments/{id}", HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task GivenNoBodyAtAll_WhenPosted_Then415()
    {
        await (await _client.PostAsync("/api/experiments", null)).ExpectProblemAsync(HttpStatusCode.UnsupportedMediaType);
    }

    [Fact]
    public async Task GivenABodyOverOneMebibyte_WhenPosted_Then413()
    {
        var id = fx.NewId("huge");
        var body = Http.NewExperiment(id, new { description = new string('x', 1100 * 1024) });

        var response = await _client.PostJsonAsync("/api/experiments", body);

        var problem = await response.ExpectProblemAsync(HttpStatusCode.RequestEntityTooLarge);
        Assert.Contains("KiB", problem.Str("detail"));
        await _client.GetJsonAsync($"/api/experiments/{id}", HttpStatusCode.NotFound);
    }

    [Theory]
    [InlineData("has space")]
    [InlineData("semi;colon")]
    [InlineData("dollar$")]
    [InlineData(".leading.dot")]
    [InlineData("trailing.")]
    [InlineData("double..dot")]
    [InlineData("équipe")]
    [InlineData("")]
    public async Task GivenABadFlagKey_WhenPosted_Then400NamingTheFlag(string key)
    {
        var body = Http.NewExperiment(fx.NewId("flagkey"), new { flags = new Dictionary<string, object> { [key] = 1 } });

        var problem = await (await _client.PostJsonAsync("/api/experiments", body)).ExpectProblemAsync(HttpStatusCode.BadRequest);

        Assert.Contains(problem.GetProperty("errors").EnumerateObject(), e => e.Name == $"flags.{key}");
    }

    [Fact]
    public async Task GivenAFlagKeyThatPrefixesAnother_WhenPosted_Then400()
    {
        var body = Http.NewExperiment(fx.NewId("prefix"), new { flags = new Dictionary<string, object> { ["trainer"] = 1, ["trainer.lr"] = 0.1 } });

        var problem = await (await _client.PostJsonAsync("/api/experiments", body)).ExpectProblemAsync(HttpStatusCode.BadRequest);

        Assert.Contains(problem.GetProperty("errors").EnumerateObject(), e => e.Name == "flags.trainer");
    }

    [Theory]
    [InlineData("{\"a\":1}")]
    [InlineData("[1,2]")]
    [InlineData("null")]
    public async Task GivenANestedOrNullFlagValue_WhenPosted_Then400NamingTheFlag(string value)
    {
        var body = Http.NewExperiment(fx.NewId("nested"));
        body["flags"] = JsonNode.Parse($$"""{"trainer.schedule": {{value}} }""");

        await (await _client.PostJsonAsync("/api/experiments", body)).ExpectProblemAsync(HttpStatusCode.BadRequest, "flags.trainer.schedule");
    }

    [Fact]
    public async Task GivenAHugeNumberFlag_WhenPosted_Then400NamingTheFlag()
    {
        var id = fx.NewId("bignum");
        var raw = Http.NewExperiment(id).ToJsonString().Replace("\"policy.layers\":4", "\"policy.layers\":1e999", StringComparison.Ordinal);

        await (await _client.PostRawAsync("/api/experiments", raw)).ExpectProblemAsync(HttpStatusCode.BadRequest, "flags.policy.layers");
    }

    [Fact]
    public async Task GivenTypedFlags_WhenCreated_ThenTheirJsonTypesSurvive()
    {
        var id = fx.NewId("types");
        var raw = Http.NewExperiment(id).ToJsonString().Replace("\"policy.layers\":4", "\"policy.layers\":4,\"whole.float\":2.0,\"big.int\":9007199254740993,\"text.value\":\"a b; rm -rf ~\"", StringComparison.Ordinal);

        var body = await (await _client.PostRawAsync("/api/experiments", raw)).ExpectAsync(HttpStatusCode.Created);

        var flags = body.GetProperty("flags");
        Assert.Equal("2.0", flags.GetProperty("whole.float").GetRawText());
        Assert.Equal("9007199254740993", flags.GetProperty("big.int").GetRawText());
        Assert.Equal("a b; rm -rf ~", flags.Str("text.value"));
        Assert.Contains("'text.value=a b; rm -rf ~'", body.Str("command"));
    }

    [Fact]
    public async Task GivenABadUserHeader_WhenPosted_Then400NamingTheHeader()
    {
        var response = await _client.PostJsonAsync("/api/experiments", Http.NewExperiment(fx.NewId("who")), user: new string('u', 101));

        await response.ExpectProblemAsync(HttpStatusCode.BadRequest, Http.UserHeader);
    }

    [Fact]
    public async Task GivenDeletedExperiments_WhenListing_ThenOnlyIncludeDeletedShowsThem()
    {
        var kept = fx.NewId("kept");
        var gone = fx.NewId("gone");
        await fx.CreateAsync(kept);
        await fx.CreateAsync(gone);
        await (await _client.DeleteAsync($"/api/experiments/{gone}")).ExpectAsync(HttpStatusCode.OK);

        var live = await _client.GetJsonAsync("/api/experiments");
        var all = await _client.GetJsonAsync("/api/experiments?include_deleted=true");

        static IEnumerable<string> Ids(JsonElement list) => list.GetProperty("experiments").EnumerateArray().Select(e => e.Str("id"));
        Assert.Contains(kept, Ids(live));
        Assert.DoesNotContain(gone, Ids(live));
        Assert.Contains(gone, Ids(all));
    }
}
