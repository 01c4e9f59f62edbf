namespace SkyDeck.Actors.Core;

/// <summary>One <c>sky</c> call the reconciler wants made. The gateway turns it into argv; nothing else does.</summary>
public abstract record SkyCommand(SkyActionKind Kind, string Target)
{
    public sealed record Launch(string JobId, string Cluster, string Command, LaunchResources Resources) : SkyCommand(SkyActionKind.Launch, JobId);

    public sealed record Cancel(string JobId, string Cluster, long SkyJobId) : SkyCommand(SkyActionKind.Cancel, JobId);

    public sealed record Stop(string Cluster) : SkyCommand(SkyActionKind.Stop, Cluster);

    public sealed record Down(string Cluster) : SkyCommand(SkyActionKind.Down, Cluster);

    /// <summary>Read the last <paramref name="Tail"/> lines of a finished job's output, to keep them (read-only).</summary>
    public sealed record Logs(string JobId, string Cluster, long SkyJobId, int Tail) : SkyCommand(SkyActionKind.Logs, JobId);
}

/// <summary>The reconciler's answer: record these events, then (once they are durable) run this command, and look again at <see cref="WakeAt"/>.</summary>
public sealed record ReconcilePlan(IReadOnlyList<IExperimentEvent> Events, SkyCommand? Action, DateTimeOffset? WakeAt)
{
    /// <summary>How long until the next reconcile: the plan's own wake time if it comes before the regular interval.</summary>
    public TimeSpan NextReconcileIn(DateTimeOffset now, TimeSpan interval)
    {
        var next = now + interval;
        if (WakeAt is { } wake && wake < next) next = wake;
        return next > now ? next - now : TimeSpan.Zero;
    }
}
