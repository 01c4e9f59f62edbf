#:property PublishAot=false
// One experiment, the Quick Start's test_ppo, created and started.
// Run against a running SkyDeck:   dotnet run examples/simple_experiment.cs
// Safe to re-run (an identical experiment is left as it is). Set SKYDECK_URL to talk to another server.
using System.Net.Http.Json;

var server = new Uri(Environment.GetEnvironmentVariable("SKYDECK_URL") ?? "http://127.0.0.1:8000");
using var http = new HttpClient { BaseAddress = server };
http.DefaultRequestHeaders.Add("X-SkyDeck-User", Environment.UserName);
if (Environment.GetEnvironmentVariable("SKYDECK_TOKEN") is { Length: > 0 } token)
    http.DefaultRequestHeaders.Authorization = new("Bearer", token);

var response = await http.PostAsJsonAsync("/api/experiments", new
{
    id = "test_ppo",
    name = "Test PPO Training",
    base_command = "lt",
    run_name = $"{Environment.UserName}.test_ppo",
    nodes = 1,
    gpus = 4,
    flags = new Dictionary<string, object>
    {
        ["trainer.losses.ppo.enabled"] = true,
        ["policy_architecture.core_resnet_layers"] = 4,
    },
    desired_state = "RUNNING",
});
Console.WriteLine($"{(int)response.StatusCode} {response.ReasonPhrase}");
Console.WriteLine(await response.Content.ReadAsStringAsync());
return response.IsSuccessStatusCode ? 0 : 1;
