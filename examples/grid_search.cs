#:property PublishAot=false
// The Quick Start's grid search: 2 × 4 experiments over nodes × policy_architecture.core_resnet_layers, all started.
// Run against a running SkyDeck:   dotnet run examples/grid_search.cs
// Re-running is safe: an experiment that already exists with the same spec is left as it is; one whose spec
// changed is updated in place (PATCH), never duplicated. Set SKYDECK_URL to talk to another server.
using System.Net;
using System.Net.Http.Json;

var server = new Uri(Environment.GetEnvironmentVariable("SKYDECK_URL") ?? "http://127.0.0.1:8000");
using var http = new HttpClient { BaseAddress = server };
http.DefaultRequestHeaders.Add("X-SkyDeck-User", Environment.UserName);
if (Environment.GetEnvironmentVariable("SKYDECK_TOKEN") is { Length: > 0 } token)
    http.DefaultRequestHeaders.Authorization = new("Bearer", token);

var failures = 0;
foreach (var nodes in new[] { 1, 2 })
foreach (var layers in new[] { 1, 2, 4, 8 })
{
    var id = $"grid_n{nodes}_l{layers}";
    var spec = new Dictionary<string, object>
    {
        ["name"] = $"Grid: {nodes} node(s), {layers} resnet layers",
        ["base_command"] = "lt",
        ["run_name"] = $"{Environment.UserName}.{id}",
        ["nodes"] = nodes,
        ["gpus"] = 4,
        ["flags"] = new Dictionary<string, object>
        {
            ["trainer.losses.ppo.enabled"] = true,
            ["policy_architecture.core_resnet_layers"] = layers,
        },
        ["desired_state"] = "RUNNING",
        ["group"] = "grid-search",
    };

    var created = await http.PostAsJsonAsync("/api/experiments", new Dictionary<string, object>(spec) { ["id"] = id });
    var response = created.StatusCode == HttpStatusCode.Conflict
        ? await http.PatchAsJsonAsync($"/api/experiments/{id}", spec)
        : created;
    var verb = created.StatusCode switch
    {
        HttpStatusCode.Created => "created",
        HttpStatusCode.OK => "unchanged",
        HttpStatusCode.Conflict when response.IsSuccessStatusCode => "updated",
        _ => "failed",
    };
    if (!response.IsSuccessStatusCode) failures++;
    Console.WriteLine($"{id,-16} {verb,-9} {(response.IsSuccessStatusCode ? "" : await response.Content.ReadAsStringAsync())}");
}

Console.WriteLine(failures == 0 ? $"All 8 experiments are declared RUNNING. Watch them at {server}" : $"{failures} failed");
return failures == 0 ? 0 : 1;
