using Akka.Actor;
using Akka.Hosting;
using SkyDeck.Actors.Experiments;

namespace SkyDeck.Host.Api;

/// <summary>The one way endpoints talk to experiments: a single Ask to the manager, with a timeout and the request's token.</summary>
public sealed class Experiments(IRequiredActor<ExperimentManagerActor> manager, TimeProvider clock)
{
    public DateTimeOffset Now => clock.GetUtcNow();

    public async Task<object> AskAsync(object message, CancellationToken cancellationToken) =>
        await manager.ActorRef.Ask<object>(message, RequestLimits.AskTimeout, cancellationToken);

    public async Task<ExperimentDetail?> GetAsync(string id, CancellationToken cancellationToken) =>
        await AskAsync(new GetExperiment(id), cancellationToken) as ExperimentDetail;

    public async Task<IReadOnlyList<ExperimentSummary>> ListAsync(CancellationToken cancellationToken) =>
        (await ListWithRevisionAsync(cancellationToken)).Experiments;

    /// <summary>Every summary and the read model's revision (the list cache keys on both).</summary>
    public async Task<ExperimentList> ListWithRevisionAsync(CancellationToken cancellationToken) =>
        (ExperimentList)await AskAsync(ListExperiments.Instance, cancellationToken);

    public void Tell(object message) => manager.ActorRef.Tell(message);
}
