using Akka.Actor;
using SkyDeck.Actors.Core;

namespace SkyDeck.Actors.Experiments;

/// <summary>
/// Who gets every <see cref="SummaryChanged"/> (the live feed): subscribers are watched, so one that stops is dropped.
/// Used by both managers, single-process and cluster.
/// </summary>
public sealed class SummarySubscribers(IActorContext context)
{
    private readonly HashSet<IActorRef> _subscribers = [];

    public void Subscribe(IActorRef subscriber)
    {
        if (_subscribers.Add(subscriber)) context.Watch(subscriber);
    }

    public void Unsubscribe(IActorRef subscriber)
    {
        if (_subscribers.Remove(subscriber)) context.Unwatch(subscriber);
    }

    /// <summary>True when the terminated actor was a subscriber (and is now dropped).</summary>
    public bool Terminated(IActorRef actor) => _subscribers.Remove(actor);

    public void Notify(SummaryChanged changed)
    {
        foreach (var subscriber in _subscribers) subscriber.Tell(changed);
    }
}
