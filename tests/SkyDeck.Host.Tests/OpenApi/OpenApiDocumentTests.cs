using System.Text.Json;
using SkyDeck.Host.Tests.Support;

namespace SkyDeck.Host.Tests.OpenApi;

/// <summary>
/// The document declares what every endpoint takes and answers (the conventions in <c>OpenApiConventions</c>), checked
/// over every operation, so an endpoint added without them fails here.
/// </summary>
public sealed class OpenApiDocumentTests(ApiFixture fx) : IClassFixture<ApiFixture>
{
    /// <summary>State-changing operations that take no body: anything else that is POST, PUT or PATCH must declare one.</summary>
    private static readonly HashSet<string> Bodiless =
        [
            "DeleteExperiment", "RestoreExperiment", "RestartExperiment", "CancelJob", "Refresh", "ReconcileAll", "Logout",
            "RefillSweep", "PreviewRefillSweep", "RestartSweepCells", "PreviewRestartSweepCells", "DeleteSweep", "RestoreSweep",
        ];

    private sealed record Operation(string Method, string Path, JsonElement Value)
    {
        public string Id => Value.GetProperty("operationId").GetString()!;

        public IReadOnlyList<string> Statuses => [.. Value.GetProperty("responses").EnumerateObject().Select(r => r.Name)];

        public JsonElement Response(string status) => Value.GetProperty("responses").GetProperty(status);

        public override string ToString() => $"{Method.ToUpperInvariant()} {Path} ({Id})";
    }

    private async Task<(JsonElement Document, List<Operation> Operations)> LoadAsync()
    {
        var document = await fx.Client.GetJsonAsync("/openapi/v1.json");
        var operations = document.GetProperty("paths").EnumerateObject()
            .SelectMany(path => path.Value.EnumerateObject().Select(op => new Operation(op.Name, path.Name, op.Value)))
            .ToList();
        return (document, operations);
    }

    [Fact]
    public async Task GivenTheDocument_WhenReadingOperations_ThenEachHasAUniqueIdATagAndASuccessAnswer()
    {
        var (_, operations) = await LoadAsync();

        Assert.True(operations.Count >= 20, $"only {operations.Count} operations");
        Assert.All(operations, op => Assert.True(op.Value.TryGetProperty("operationId", out _), $"{op.Method} {op.Path} has no operationId"));
        Assert.Empty(operations.GroupBy(op => op.Id).Where(g => g.Count() > 1).Select(g => g.Key));
        Assert.All(operations, op => Assert.True(op.Value.TryGetProperty("tags", out _), $"{op} has no tag"));
        Assert.All(operations, op => Assert.Contains(op.Statuses, s => s.StartsWith('2')));
    }

    [Fact]
    public async Task GivenStateChangingOperations_WhenReadingThem_ThenEachThatTakesABodyDeclaresItsRequiredJsonSchema()
    {
        var (document, operations) = await LoadAsync();
        var schemas = document.GetProperty("components").GetProperty("schemas");

        var changing = operations.Where(op => op.Method is "post" or "put" or "patch").ToList();
        Assert.All(changing.Where(op => !Bodiless.Contains(op.Id)), op =>
        {
            Assert.True(op.Value.TryGetProperty("requestBody", out var body), $"{op} declares no request body");
            Assert.True(body.GetProperty("required").GetBoolean(), $"{op}: body not required");
            var reference = body.GetProperty("content").GetProperty("application/json").GetProperty("schema").GetProperty("$ref").GetString()!;
            var schema = schemas.GetProperty(reference.Split('/')[^1]);
            Assert.True(schema.GetProperty("properties").EnumerateObject().Any(), $"{op}: body schema {reference} has no properties");
            // A malformed body is answered, and that is declared too.
            Assert.Contains("400", op.Statuses);
            Assert.Contains("413", op.Statuses);
            Assert.Contains("415", op.Statuses);
        });
        Assert.All(changing.Where(op => Bodiless.Contains(op.Id)), op => Assert.False(op.Value.TryGetProperty("requestBody", out _), $"{op} takes no body"));
        Assert.Contains(changing, op => op.Id == "CreateExperiment" && op.Value.TryGetProperty("requestBody", out _));
    }

    [Fact]
    public async Task GivenCreate_WhenReadingItsSchemaAndAnswers_ThenItSaysWhatIsRequiredAndEveryOutcome()
    {
        var (document, operations) = await LoadAsync();
        var create = operations.Single(op => op.Id == "CreateExperiment");
        var schema = document.GetProperty("components").GetProperty("schemas").GetProperty("CreateExperimentRequest");

        Assert.Equal(["id", "base_command"], schema.GetProperty("required").EnumerateArray().Select(e => e.GetString()));
        Assert.True(schema.GetProperty("properties").GetProperty("flags").TryGetProperty("additionalProperties", out _), "flags is a map of values");
        Assert.Equal(["RUNNING", "STOPPED", "TERMINATED"],
            document.GetProperty("components").GetProperty("schemas").GetProperty("DesiredState").GetProperty("enum").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(["200", "201", "400", "401", "403", "404", "409", "413", "415", "503"], create.Statuses.Order());
        Assert.EndsWith("/ExperimentDto", create.Response("201").GetProperty("content").GetProperty("application/json").GetProperty("schema").GetProperty("$ref").GetString());
        // Only creating (an experiment, a sweep) answers 201; a preview of it never does.
        Assert.Contains("201", operations.Single(op => op.Id == "CreateSweep").Statuses);
        Assert.All(operations.Where(op => op.Id is not ("CreateExperiment" or "CreateSweep")), op => Assert.DoesNotContain("201", op.Statuses));
    }

    [Fact]
    public async Task GivenEveryOperation_WhenReadingItsErrors_ThenEachIsAProblemDetailsAndTheUsualOnesAreDeclared()
    {
        var (_, operations) = await LoadAsync();

        Assert.All(operations, op =>
        {
            foreach (var status in op.Statuses.Where(s => s[0] is '4' or '5'))
            {
                var response = op.Response(status);
                if (op.Id == "Health" && status == "503") continue; // degraded: the health body itself, on purpose
                var problem = default(JsonElement);
                Assert.True(response.TryGetProperty("content", out var content) && content.TryGetProperty("application/problem+json", out problem),
                    $"{op} {status} is not application/problem+json");
                Assert.Matches("ProblemDetails$", problem.GetProperty("schema").GetProperty("$ref").GetString());
            }

            if (op.Path.Contains('{')) Assert.True(op.Statuses.Contains("404"), $"{op} takes an id but declares no 404");
            if (op.Value.TryGetProperty("parameters", out var parameters) && parameters.EnumerateArray().Any(p => p.GetProperty("in").GetString() == "query"))
                Assert.True(op.Statuses.Contains("400"), $"{op} reads query parameters but declares no 400");
            if (op.Method is "post" or "put" or "patch" or "delete")
                Assert.True(op.Statuses.Contains("403") && op.Statuses.Contains("415"), $"{op} changes state but declares no 403/415 (RequestGuards)");
            if (op.Id != "Login")
            {
                Assert.True(op.Statuses.Contains("401"), $"{op} declares no 401");
                Assert.True(op.Value.TryGetProperty("security", out _), $"{op} names no security scheme");
            }
        });
    }

    [Theory]
    [InlineData("ListExperiments", "include_deleted", "boolean")]
    [InlineData("ListExperiments", "q", "string")]
    [InlineData("ListExperiments", "sort", "string")]
    [InlineData("ListExperiments", "limit", "integer")]
    [InlineData("ListExperiments", "after", "string")]
    [InlineData("ListJobs", "limit", "integer")]
    [InlineData("GetExperimentStatus", "limit", "integer")]
    [InlineData("Events", "after", "integer")]
    [InlineData("Events", "limit", "integer")]
    [InlineData("ExperimentHistory", "at", "string")]
    public async Task GivenQueryParameters_WhenReadingThem_ThenEachHasItsRealTypeAndADescription(string operation, string name, string type)
    {
        var (_, operations) = await LoadAsync();

        var parameter = operations.Single(op => op.Id == operation).Value.GetProperty("parameters").EnumerateArray()
            .Single(p => p.GetProperty("name").GetString() == name);

        Assert.Equal(type, parameter.GetProperty("schema").GetProperty("type").GetString());
        Assert.NotEmpty(parameter.GetProperty("description").GetString()!);
    }

    [Fact]
    public async Task GivenTheDocument_WhenReadingNumbers_ThenIntegersAreIntegersNotStrings()
    {
        var json = await fx.Client.GetStringAsync("/openapi/v1.json");

        Assert.DoesNotContain("\"pattern\": \"^-?(?:0|[1-9]\\\\d*)$\"", json);
        Assert.DoesNotContain("\"string\",\"integer\"", json.Replace(" ", "").Replace("\n", ""));
        Assert.DoesNotContain("\"integer\",\"string\"", json.Replace(" ", "").Replace("\n", ""));
    }

    [Fact]
    public async Task GivenTheApiPage_WhenOpened_ThenItIsServedFromThisServerUnderANonceContentSecurityPolicy()
    {
        using var page = await fx.Client.GetAsync("/api/docs/");
        var html = await page.Content.ReadAsStringAsync();

        Assert.Equal(System.Net.HttpStatusCode.OK, page.StatusCode);
        var csp = Assert.Single(page.Headers.GetValues("Content-Security-Policy"));
        var nonce = System.Text.RegularExpressions.Regex.Match(csp, "'nonce-([^']+)'").Groups[1].Value;
        Assert.NotEmpty(nonce);
        Assert.Contains("default-src 'self'", csp);
        Assert.DoesNotContain("unsafe-eval", csp);
        Assert.DoesNotContain("script-src 'self' 'unsafe-inline'", csp);
        // Every script is this server's (relative) and carries the nonce; nothing comes from a CDN.
        var scripts = System.Text.RegularExpressions.Regex.Matches(html, "<script[^>]*>").Select(m => m.Value).ToList();
        Assert.NotEmpty(scripts);
        Assert.All(scripts, tag => Assert.Contains($"nonce=\"{nonce}\"", tag));
        Assert.DoesNotContain("http://", html);
        Assert.DoesNotContain("https://", html);
        using var script = await fx.Client.GetAsync("/api/docs/scalar.js");
        Assert.Equal(System.Net.HttpStatusCode.OK, script.StatusCode);
        Assert.True((await script.Content.ReadAsByteArrayAsync()).Length > 100_000, "the page's script is served by this server");
    }
}
