using SkyDeck.Host.Tests.Support;

namespace SkyDeck.Host.Tests.OpenApi;

/// <summary>
/// The OpenAPI document is good enough to generate a client from: NSwag generates C# from the live
/// <c>/openapi/v1.json</c>, Roslyn compiles it with code that uses it, and that code drives the real host through it.
/// </summary>
public sealed class GeneratedClientTests(ApiFixture fx) : IClassFixture<ApiFixture>
{
    /// <summary>
    /// Uses the generated types only as a person would: typed requests, typed answers, and the typed exception a
    /// declared error response becomes (so 409 and 404 come back with their ProblemDetails, not as a parse failure).
    /// </summary>
    private const string Driver = """
        using System;
        using System.Collections.Generic;
        using System.Linq;
        using System.Net.Http;
        using System.Threading.Tasks;

        namespace SkyDeck.Generated;

        public static class Driver
        {
            public static async Task<string> RunAsync(HttpClient http)
            {
                try
                {
                    return await ScenarioAsync(http);
                }
                catch (ApiException<HttpValidationProblemDetails> e)
                {
                    return $"unexpected {e.StatusCode}: {e.Result.Detail}";
                }
            }

            private static async Task<string> ScenarioAsync(HttpClient http)
            {
                var client = new SkyDeckClient(http);
                var log = new List<string>();

                var created = await client.CreateExperimentAsync(new CreateExperimentRequest
                {
                    Id = "generated-1",
                    Name = "Generated client",
                    Base_command = "lt",
                    Nodes = 1,
                    Gpus = 2,
                    Flags = new Dictionary<string, object> { ["trainer.lr"] = 0.001, ["policy.layers"] = 4, ["ppo.enabled"] = true },
                    Desired_state = DesiredState.STOPPED,
                });
                log.Add($"created {created.Id} desired={created.Desired_state} gpus={created.Gpus} generation={created.Generation}");

                var changed = await client.SetDesiredStateAsync("generated-1", new SetDesiredStateRequest { Desired_state = DesiredState.RUNNING, Reason = "from the generated client" });
                log.Add($"state {changed.Id} desired={changed.Desired_state}");

                var list = await client.ListExperimentsAsync(include_deleted: false, sweep: null, q: null, sort: null, limit: null, after: null, offset: null);
                var listed = list.Experiments.Single(e => e.Id == "generated-1");
                log.Add($"listed {listed.Id} desired={listed.Desired_state} flags={string.Join(",", listed.Flags.Keys.OrderBy(k => k))}");
                var jobs = await client.ListJobsAsync("generated-1", limit: 5);
                log.Add($"jobs at most 5: {jobs.Jobs.Count <= 5}");

                try
                {
                    await client.CreateExperimentAsync(new CreateExperimentRequest { Id = "generated-1", Base_command = "other" });
                    log.Add("conflict not reported");
                }
                catch (ApiException<ProblemDetails> e)
                {
                    log.Add($"conflict {e.StatusCode} {e.Result.Title}");
                }

                try
                {
                    await client.GetExperimentAsync("no-such-experiment");
                    log.Add("missing not reported");
                }
                catch (ApiException<ProblemDetails> e)
                {
                    log.Add($"missing {e.StatusCode} {e.Result.Detail}");
                }

                return string.Join("\n", log);
            }
        }
        """;

    [Fact]
    public async Task GivenTheLiveOpenApiDocument_WhenAClientIsGeneratedAndCompiled_ThenItCreatesChangesStateAndLists()
    {
        var json = await fx.Client.GetStringAsync("/openapi/v1.json");

        using var generated = await GeneratedClient.BuildAsync(json, Driver);
        var log = await generated.RunAsync("SkyDeck.Generated.Driver", fx.Client);

        Assert.Equal(
            """
            created generated-1 desired=STOPPED gpus=2 generation=1
            state generated-1 desired=RUNNING
            listed generated-1 desired=RUNNING flags=policy.layers,ppo.enabled,trainer.lr
            jobs at most 5: True
            conflict 409 Conflict
            missing 404 experiment 'no-such-experiment' not found
            """.ReplaceLineEndings("\n"),
            log);
    }
}
