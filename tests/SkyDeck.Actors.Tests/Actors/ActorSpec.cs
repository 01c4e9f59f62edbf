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

/// <summary>
/// TestKit base: virtual time (TestScheduler and a fake clock moved together), an in-memory journal (or Akka's
/// <c>TestJournal</c>, whose writes a spec can make fail), scripted sky.
/// </summary>
public abstract class ActorSpec(ITestOutputHelper output, bool failableJournal = false)
    : Akka.TestKit.Xunit2.TestKit(failableJournal ? FailableJournal : InMemoryJournal, output: output)
{
    private const string VirtualTime = """
        akka.loglevel = INFO
        akka.scheduler.implementation = "Akka.TestKit.TestScheduler, Akka.TestKit"
        akka.persistence.snapshot-store.plugin = "akka.persistence.snapshot-store.inmem"
        """;

    private static readonly Config InMemoryJournal = ConfigurationFactory.ParseString(VirtualTime + "\n" + """
        akka.persistence.journal.plugin = "akka.persistence.journal.inmem"
        """);

    private static readonly Config FailableJournal = ConfigurationFactory.ParseString(VirtualTime + "\n" + """
        akka.persistence.journal.plugin = "akka.persistence.journal.test"
        akka.persistence.journal.test {
          class = "Akka.Persistence.TestKit.TestJournal, Akka.Persistence.TestKit"
          plugin-dispatcher = "akka.actor.default-dispatcher"
        }
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
