using Akka.Actor;
using Akka.Hosting;
using SkyDeck.Actors.Core;
using SkyDeck.Actors.Experiments;

namespace SkyDeck.Host.Api;

/// <summary>The one way endpoints talk to sweeps: one typed Ask to the sweep manager per request.</summary>
public sealed class Sweeps(IRequiredActor<SweepManagerActor> manager)
{
    public Task<SweepResult> SendAsync(ISweepCommand command, CancellationToken cancellationToken) =>
        manager.ActorRef.Ask<SweepResult>(command, RequestLimits.AskTimeout, cancellationToken);

    /// <summary>The sweep, or null when there is no such sweep.</summary>
    public async Task<SweepState?> GetAsync(string id, CancellationToken cancellationToken) =>
        (await manager.ActorRef.Ask<SweepResult>(new GetSweep(id), RequestLimits.AskTimeout, cancellationToken)).Sweep;

    public Task<SweepList> ListAsync(CancellationToken cancellationToken) =>
        manager.ActorRef.Ask<SweepList>(ListSweeps.Instance, RequestLimits.AskTimeout, cancellationToken);
}
