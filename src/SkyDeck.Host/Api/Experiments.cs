using Akka.Actor;
using Akka.Hosting;
using SkyDeck.Actors.Core;
using SkyDeck.Actors.Experiments;

namespace SkyDeck.Host.Api;

/// <summary>
/// The one way endpoints talk to experiments: one typed Ask to the manager per request, with a timeout and the
/// request's token. A command's reply carries the experiment as it left it, so nothing is asked twice.
/// </summary>
public sealed class Experiments(IRequiredActor<ExperimentManagerActor> manager, TimeProvider clock, CostMeter costs)
{
    /// <summary>Experiments and jobs as the API returns them, with their GPU-hours and cost as of now.</summary>
    public CostMeter Costs => costs;

    public DateTimeOffset Now => clock.GetUtcNow();

    /// <summary>Sends a command; a success carries <see cref="CommandResult.Detail"/>.</summary>
    public Task<CommandResult> SendAsync(IExperimentCommand command, CancellationToken cancellationToken) =>
        manager.ActorRef.Ask<CommandResult>(command, RequestLimits.AskTimeout, cancellationToken);

    /// <summary>The experiment and its jobs, or null when there is no such experiment.</summary>
    public async Task<ExperimentDetail?> GetAsync(string id, CancellationToken cancellationToken) =>
        await manager.ActorRef.Ask<object>(new GetExperiment(id), RequestLimits.AskTimeout, cancellationToken) switch
        {
            ExperimentDetail detail => detail,
            CommandResult { Code: ResultCode.NotFound } => null,
            var other => throw new InvalidOperationException($"GetExperiment answered {other.GetType().Name}"),
        };

    public async Task<IReadOnlyList<ExperimentSummary>> ListAsync(CancellationToken cancellationToken) =>
        (await ListWithRevisionAsync(cancellationToken)).Experiments;

    /// <summary>Every summary and the read model's revision (the list cache keys on both).</summary>
    public Task<ExperimentList> ListWithRevisionAsync(CancellationToken cancellationToken) =>
        manager.ActorRef.Ask<ExperimentList>(ListExperiments.Instance, RequestLimits.AskTimeout, cancellationToken);

    public Task<DirectoryHealth> DirectoryHealthAsync(CancellationToken cancellationToken) =>
        manager.ActorRef.Ask<DirectoryHealth>(GetDirectoryHealth.Instance, RequestLimits.AskTimeout, cancellationToken);

    /// <summary>Reconcile every experiment now (fire and forget).</summary>
    public void ReconcileAll() => manager.ActorRef.Tell(Actors.Experiments.ReconcileAll.Instance);
}
