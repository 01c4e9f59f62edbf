#:property PublishAot=false
// The Quick Start's grid search: 2 × 4 experiments over nodes × policy_architecture.core_resnet_layers, all started,
// declared as sweeps: one sweep per node count (nodes is a resource, not a flag), each over the four layer counts.
// Run against a running SkyDeck:   dotnet run examples/grid_search.cs
// Re-running is safe: a sweep that already exists with the same spec is left as it is (200); one whose template or
// axes changed here is updated in place (PATCH: only new cells are created, removed values are archived), never
// duplicated. Set SKYDECK_URL to talk to another server.
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

var server = new Uri(Environment.GetEnvironmentVariable("SKYDECK_URL") ?? "http://127.0.0.1:8000");
using var http = new HttpClient { BaseAddress = server };
http.DefaultRequestHeaders.Add("X-SkyDeck-User", Environment.UserName);
if (Environment.GetEnvironmentVariable("SKYDECK_TOKEN") is { Length: > 0 } token)
    http.DefaultRequestHeaders.Authorization = new("Bearer", token);

var failures = 0;
var cells = 0;
foreach (var nodes in new[] { 1, 2 })
{
    var id = $"grid_n{nodes}";
    var change = new Dictionary<string, object>
    {
        ["name"] = $"Grid: {nodes} node(s) × resnet layers",
        ["template"] = new Dictionary<string, object>
        {
            ["name"] = $"Grid {nodes} node(s)",
            ["base_command"] = "lt",
            ["run_name"] = $"{Environment.UserName}.{id}",
            ["nodes"] = nodes,
            ["gpus"] = 4,
            ["flags"] = new Dictionary<string, object> { ["trainer.losses.ppo.enabled"] = true },
            ["group"] = "grid-search",
        },
        ["axes"] = new Dictionary<string, object> { ["policy_architecture.core_resnet_layers"] = new[] { 1, 2, 4, 8 } },
        ["mode"] = "grid",
        ["desired_state"] = "RUNNING",
    };

    var created = await http.PostAsJsonAsync("/api/sweeps", new Dictionary<string, object>(change) { ["id"] = id });
    var response = created.StatusCode == HttpStatusCode.Conflict
        ? await http.PatchAsJsonAsync($"/api/sweeps/{id}", change)
        : created;
    var verb = created.StatusCode switch
    {
        HttpStatusCode.Created => "created",
        HttpStatusCode.OK => "unchanged",
        HttpStatusCode.Conflict when response.IsSuccessStatusCode => "updated",
        _ => "failed",
    };
    var body = await response.Content.ReadAsStringAsync();
    if (!response.IsSuccessStatusCode)
    {
        failures++;
        Console.WriteLine($"{id,-10} {verb,-9} {body}");
        continue;
    }

    using var answer = JsonDocument.Parse(body);
    var counts = answer.RootElement.GetProperty("changes").GetProperty("counts");
    var sweepCells = answer.RootElement.GetProperty("sweep").GetProperty("cells").EnumerateArray().Where(c => !c.GetProperty("archived").GetBoolean()).ToList();
    cells += sweepCells.Count;
    Console.WriteLine($"{id,-10} {verb,-9} {sweepCells.Count} cells ({counts.GetProperty("create").GetInt32()} new, {counts.GetProperty("update").GetInt32()} changed): {string.Join(", ", sweepCells.Select(c => c.GetProperty("id").GetString()))}");
}

Console.WriteLine(failures == 0 ? $"All {cells} experiments are declared RUNNING. Watch them at {server}" : $"{failures} failed");
return failures == 0 ? 0 : 1;
