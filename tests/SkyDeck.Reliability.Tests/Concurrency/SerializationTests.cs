using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using SkyDeck.Reliability.Tests.Crash;
using SkyDeck.Reliability.Tests.Support;

namespace SkyDeck.Reliability.Tests.Concurrency;

/// <summary>Many clients change one experiment at once: its changes are applied one at a time, never interleaved.</summary>
[Trait("Category", "Slow")]
public sealed class SerializationTests(ITestOutputHelper output) : IDisposable
{
    private const int Requests = 240;
    private const int Parallelism = 16;
    private static readonly string[] States = ["RUNNING", "STOPPED", "TERMINATED"];

    private readonly Testbed _bed = new();

    [Fact]
    public async Task GivenManyConcurrentChangesToOneExperiment_WhenTheyRace_ThenTheJournalIsOneGaplessSequenceWithOneGenerationPerSpecChange()
    {
        var server = await _bed.StartAsync();
        var api = server.Api;
        Assert.True((await api.CreateAsync("serial", "STOPPED", new JsonObject { ["step"] = 0 })).IsSuccess);

        var acknowledgedSteps = new ConcurrentBag<int>();
        var failures = new ConcurrentBag<string>();
        var random = new Random(Soak.Seed);
        var plan = Enumerable.Range(1, Requests).Select(step => (Step: step, Kind: random.Next(4), State: States[random.Next(3)])).ToList();
        await Parallel.ForEachAsync(plan, new ParallelOptions { MaxDegreeOfParallelism = Parallelism }, async (change, _) =>
        {
            var flags = new JsonObject { ["step"] = change.Step };
            var answer = change.Kind switch
            {
                0 => await api.PatchAsync("serial", new JsonObject { ["flags"] = flags }),
                1 => await api.SendAsync(HttpMethod.Post, "/api/experiments/serial/flags", new JsonObject { ["flags"] = flags }),
                2 => await api.PatchAsync("serial", new JsonObject { ["flags"] = flags, ["desired_state"] = change.State }),
                _ => await api.SetStateAsync("serial", change.State),
            };
            if (!answer.IsSuccess) failures.Add($"{change}: {answer}");
            else if (change.Kind != 3) acknowledgedSteps.Add(change.Step);
        });
        Assert.True(failures.IsEmpty, string.Join('\n', failures));

        var events = (await api.EventsAsync("serial")).Body.GetProperty("events").EnumerateArray().ToList();
        Assert.Empty(ChangeModel.CheckSequence("serial", events));

        var specUpdates = events.Where(e => Type(e) == "spec_updated").ToList();
        var generations = specUpdates.Select(e => e.GetProperty("change").GetProperty("generation").GetInt32()).ToList();
        Assert.Equal(Enumerable.Range(2, specUpdates.Count), generations);
        var journaledSteps = specUpdates.Select(Step).ToList();
        Assert.Equal(acknowledgedSteps.Order(), journaledSteps.Order());

        // Every desired-state event changes the desired state: none was decided against a stale one.
        var desired = "STOPPED";
        foreach (var e in events.Where(e => Type(e) is "desired_state_changed"))
        {
            var next = e.GetProperty("change").GetProperty("desired").GetString()!;
            Assert.True(next != desired, $"event {e.GetProperty("sequence")} sets desired {next}, which it already was");
            desired = next;
        }

        var final = (await api.GetAsync("serial")).Body;
        Assert.Equal(1 + specUpdates.Count, final.GetProperty("generation").GetInt32());
        Assert.Equal(Step(specUpdates[^1]), final.GetProperty("flags").GetProperty("step").GetInt32());
        Assert.Equal(desired, final.GetProperty("desired_state").GetString());
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{Requests} concurrent changes ({Parallelism} at a time) → {events.Count} journal events, sequence 1..{events.Count} without gaps; {specUpdates.Count} spec updates, generations 2..{1 + specUpdates.Count}; {events.Count(e => Type(e) == "desired_state_changed")} desired-state changes; {events.Count(e => e.GetProperty("who").GetString() == "system")} reconciler events interleaved"));
    }

    // Found the bug fixed in 4504c34: PATCH read the spec and sent a whole new one in a second Ask, so concurrent edits of
    // different fields were acknowledged and then silently reverted (39 of 60 lost). The actor now merges the patch.
    [Fact]
    public async Task GivenConcurrentPatchesOfDifferentFields_WhenTheyRace_ThenEveryAcknowledgedFieldSurvives()
    {
        var server = await _bed.StartAsync();
        var api = server.Api;
        Assert.True((await api.CreateAsync("fields", "STOPPED")).IsSuccess);

        var lost = new List<string>();
        for (var round = 1; round <= 10; round++)
        {
            var value = $"r{round}";
            JsonObject[] patches =
            [
                new() { ["name"] = $"name {value}" },
                new() { ["description"] = $"description {value}" },
                new() { ["run_name"] = $"run.{value}" },
                new() { ["group"] = $"group-{value}" },
                new() { ["tags"] = new JsonArray($"tag-{value}") },
                new() { ["flags"] = new JsonObject { ["round"] = round } },
            ];
            var answers = await Task.WhenAll(patches.Select(p => api.PatchAsync("fields", p)));
            Assert.All(answers, a => Assert.True(a.IsSuccess, a.ToString()));

            var spec = (await api.GetAsync("fields")).Body;
            Expect("name", spec.GetProperty("name").GetString(), $"name {value}");
            Expect("description", spec.GetProperty("description").GetString(), $"description {value}");
            Expect("run_name", spec.GetProperty("run_name").GetString(), $"run.{value}");
            Expect("group", spec.GetProperty("group").GetString(), $"group-{value}");
            Expect("tags", string.Join(",", spec.GetProperty("tags").EnumerateArray().Select(t => t.GetString())), $"tag-{value}");
            Expect("flags", spec.GetProperty("flags").TryGetProperty("round", out var r) ? r.GetRawText() : "none", round.ToString(CultureInfo.InvariantCulture));

            void Expect(string field, string? actual, string wanted)
            {
                if (actual != wanted) lost.Add($"round {round}: {field} is '{actual}', the acknowledged PATCH set '{wanted}'");
            }
        }

        output.WriteLine($"{lost.Count} acknowledged field edits lost out of 60");
        Assert.True(lost.Count == 0, string.Join('\n', lost));
    }

    private static string? Type(JsonElement e) => e.GetProperty("type").GetString();

    private static int Step(JsonElement e) => e.GetProperty("change").GetProperty("spec").GetProperty("flags").GetProperty("step").GetInt32();

    public void Dispose() => _bed.Dispose();
}
