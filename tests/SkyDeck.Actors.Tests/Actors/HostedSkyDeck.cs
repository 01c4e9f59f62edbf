using Akka.Actor;
using Akka.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using SkyDeck.Actors.Core;
using SkyDeck.Actors.Experiments;
using SkyDeck.Actors.Hosting;
using SkyDeck.Actors.SkyPilot;

namespace SkyDeck.Actors.Tests.Actors;

/// <summary>The production wiring (<see cref="SkyDeckAkka.AddSkyDeck"/>) on a real SQLite file, with a test gateway.</summary>
public sealed class HostedSkyDeck : IAsyncDisposable
{
    private readonly IHost _host;

    private HostedSkyDeck(IHost host) => _host = host;

    /// <param name="sky">Null: the real <see cref="SkyPilotCli"/> with <see cref="SkyDeckOptions.Sky"/>.</param>
    public static async Task<HostedSkyDeck> StartAsync(string database, ISkyGateway? sky, Func<SkyDeckOptions, SkyDeckOptions>? configure = null)
    {
        var options = new SkyDeckOptions { DatabasePath = database, EnablePoller = false, PollInterval = TimeSpan.FromMilliseconds(200) };
        options = configure?.Invoke(options) ?? options;
        var host = Host.CreateDefaultBuilder()
            .ConfigureLogging(logging => logging.ClearProviders())
            .ConfigureServices(services =>
            {
                if (sky is not null) services.AddSingleton(sky);
                services.AddSkyDeck(options);
            })
            .Build();
        await host.StartAsync();
        return new HostedSkyDeck(host);
    }

    public IActorRef Manager => _host.Services.GetRequiredService<ActorRegistry>().Get<ExperimentManagerActor>();

    public ActorSystem System => _host.Services.GetRequiredService<ActorSystem>();

    public IServiceProvider Services => _host.Services;

    public Task<object> AskAsync(object message) => Manager.Ask<object>(message, TimeSpan.FromSeconds(15));

    public async Task<ExperimentDetail> GetAsync(string id) => (ExperimentDetail)await AskAsync(new GetExperiment(id));

    public async Task<IReadOnlyList<ExperimentSummary>> ListAsync() => ((ExperimentList)await AskAsync(ListExperiments.Instance)).Experiments;

    public async Task EventuallyAsync(Func<Task<bool>> condition, string what, int seconds = 30)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"timed out waiting for {what}");
            await Task.Delay(20);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync();
        _host.Dispose();
    }
}
