using Akka.Actor;
using Akka.Configuration;
using Akka.TestKit;
using Microsoft.Extensions.Time.Testing;
using SkyDeck.Actors.Core;
using SkyDeck.Actors.Experiments;
using SkyDeck.Actors.Tests.Support;
using SkyDeck.Testing;
using Xunit.Abstractions;

namespace SkyDeck.Actors.Tests.Actors;

/// <summary>TestKit base: virtual time (TestScheduler and a fake clock moved together), in-memory journal, scripted sky.</summary>
public abstract class ActorSpec(ITestOutputHelper output) : Akka.TestKit.Xunit2.TestKit(Hocon, output: output)
{
    private static readonly Config Hocon = ConfigurationFactory.ParseString("""
        akka.loglevel = INFO
        akka.scheduler.implementation = "Akka.TestKit.TestScheduler, Akka.TestKit"
        akka.persistence.journal.plugin = "akka.persistence.journal.inmem"
        akka.persistence.snapshot-store.plugin = "akka.persistence.snapshot-store.inmem"
        """);

    protected static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    protected FakeTimeProvider Clock { get; } = new(Specs.T0);

    protected ScriptedSkyGateway Sky { get; } = new();

    protected static ExperimentActorSettings Settings { get; } = new(ReconcileSettings.Default, TimeSpan.FromSeconds(60));

    protected TestScheduler VirtualScheduler => (TestScheduler)Sys.Scheduler;

    /// <summary>Moves virtual time: both the actors' clock and their timers.</summary>
    protected void Advance(TimeSpan by)
    {
        Clock.Advance(by);
        VirtualScheduler.Advance(by);
    }

    protected IActorRef Experiment(string id, IActorRef summaries, ScriptedSkyGateway? sky = null) =>
        Sys.ActorOf(ExperimentActor.Props(id, sky ?? Sky, Settings, Clock, summaries));

    protected void Eventually(Action assertion) => AwaitAssert(assertion, Patience, TimeSpan.FromMilliseconds(20));
}
