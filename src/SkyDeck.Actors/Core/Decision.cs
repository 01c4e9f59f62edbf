using System.Collections.Immutable;

namespace SkyDeck.Actors.Core;

/// <summary>What a command decided: the events to persist (possibly none) and the reply once they are durable.</summary>
public sealed record Decision(ImmutableArray<IExperimentEvent> Events, CommandResult Result)
{
    public static Decision Accept(params IExperimentEvent[] events) => new([.. events], CommandResult.Accepted);

    public static Decision Reply(CommandResult result) => new([], result);

    public static readonly Decision NoOp = Reply(CommandResult.NoOp);
    public static readonly Decision NotFound = Reply(CommandResult.NotFound);
}
