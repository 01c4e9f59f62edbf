using System.Net;
using System.Text.Json.Nodes;
using CsCheck;
using SkyDeck.Host.Tests.Support;

namespace SkyDeck.Host.Tests.Api;

/// <summary>
/// Property: whatever is thrown at <c>POST /api/experiments</c>, the answer is 2xx or 4xx (never 5xx), a 4xx is a
/// ProblemDetails, and a 4xx persists nothing (the list and the audit log are unchanged).
/// </summary>
public sealed class CreateExperimentProperties(ApiFixture fx) : IClassFixture<ApiFixture>
{
    private static readonly string[] Fields =
        ["id", "name", "base_command", "run_name", "nodes", "gpus", "flags", "accelerator", "cloud", "region", "use_spot", "description", "tags", "group", "desired_state"];

    private static readonly Gen<string> AnyText = Gen.OneOf(
        Gen.String[0, 12],
        Gen.String[Gen.Char["abcXYZ019-_.é实🚀 /\\;$'\"\n\t\0"], 0, 12],
        Gen.Int[0, 3000].Select(n => new string('x', n)));

    private static readonly Gen<string> IdLike = Gen.Frequency(
        (5, Gen.Select(Gen.Char["abcdefgh"], Gen.String[Gen.Char["abc012-_."], 0, 8], Gen.Char["xyz9"], (a, mid, z) => $"{a}{mid}{z}")),
        (2, Gen.Int[1, 4].Select(n => $"pool-{n}")),
        (3, AnyText));

    private static readonly Gen<JsonNode?> Scalar = Gen.Frequency<JsonNode?>(
        (3, AnyText.Select(s => (JsonNode?)JsonValue.Create(s))),
        (2, Gen.Int[-3, 600].Select(i => (JsonNode?)JsonValue.Create(i))),
        (1, Gen.Long.Select(l => (JsonNode?)JsonValue.Create(l))),
        (1, Gen.Double[-1e6, 1e6].Select(d => (JsonNode?)JsonValue.Create(d))),
        (1, Gen.Bool.Select(b => (JsonNode?)JsonValue.Create(b))),
        (1, Gen.Bool.Select(_ => (JsonNode?)null)));

    private static readonly Gen<JsonNode?> FlagsObject =
        Gen.Select(Gen.OneOf(IdLike, Gen.OneOfConst("trainer.lr", "a.b.c", "x", "x.y")), Scalar).Array[0, 4]
            .Select(pairs =>
            {
                var flags = new JsonObject();
                foreach (var (key, value) in pairs) flags[key] = value?.DeepClone();
                return (JsonNode?)flags;
            });

    private static readonly Gen<JsonNode?> Value = Gen.Frequency(
        (6, Scalar),
        (1, Scalar.Array[0, 3].Select(items => (JsonNode?)new JsonArray([.. items.Select(i => i?.DeepClone())]))),
        (2, FlagsObject));

    // Desired states stay away from RUNNING so accepted experiments never start jobs that would change the list later.
    private static readonly Gen<JsonNode?> Desired = Gen.OneOfConst("STOPPED", "TERMINATED", "stopped", "SPRINTING", "", "RUNNING?")
        .Select(s => (JsonNode?)JsonValue.Create(s));

    private static readonly Gen<string> ObjectBody =
        Gen.Select(
                IdLike,
                Gen.Select(Gen.OneOf(Gen.OneOfConst(Fields), AnyText), Value).Array[0, 6],
                Gen.Bool,
                Desired,
                (id, fields, withBaseCommand, desired) =>
                {
                    var body = new JsonObject { ["id"] = id };
                    if (withBaseCommand) body["base_command"] = "lt";
                    foreach (var (name, value) in fields)
                        body[name] = name == "desired_state" ? desired?.DeepClone() : value?.DeepClone();
                    return body.ToJsonString();
                });

    private static readonly Gen<(string Body, string ContentType)> Request = Gen.Select(
        Gen.Frequency(
            (8, ObjectBody),
            (1, AnyText),
            (1, Value.Select(v => v?.ToJsonString() ?? "null"))),
        Gen.FrequencyConst((9, "application/json"), (1, "text/plain")));

    [Fact]
    public async Task GivenRandomBodies_WhenPosted_ThenEveryAnswerIs2xxOr4xxAndA4xxPersistsNothing()
    {
        var client = fx.Client;
        var list = await client.GetJsonAsync("/api/experiments?include_deleted=true");
        var cursor = (await client.GetJsonAsync("/api/events?limit=1000")).GetProperty("cursor").GetInt64();
        var counts = new Dictionary<int, int>();

        await Request.SampleAsync(
            async request =>
            {
                var response = await client.PostRawAsync("/api/experiments", request.Body, request.ContentType);
                var status = (int)response.StatusCode;
                lock (counts) counts[status] = counts.GetValueOrDefault(status) + 1;
                Assert.InRange(status, 200, 499);

                var listNow = await client.GetJsonAsync("/api/experiments?include_deleted=true");
                var newEvents = await client.GetJsonAsync($"/api/events?after={cursor}");
                if (status >= 400)
                {
                    await response.ExpectProblemAsync((HttpStatusCode)status);
                    Assert.Equal(list.GetRawText(), listNow.GetRawText());
                    Assert.Empty(newEvents.GetProperty("events").EnumerateArray());
                }
                else
                {
                    var created = await response.ReadJsonAsync();
                    Assert.Contains(listNow.GetProperty("experiments").EnumerateArray(), e => e.Str("id") == created.Str("id"));
                }

                list = listNow;
                cursor = newEvents.GetProperty("cursor").GetInt64();
            },
            iter: 150,
            threads: 1,
            print: r => $"{r.ContentType}: {r.Body}");

        Assert.True(counts.Keys.Any(s => s is 201), $"no body was ever accepted: {string.Join(", ", counts)}");
        Assert.True(counts.GetValueOrDefault(400) > 10, $"too few rejections: {string.Join(", ", counts)}");
    }
}
