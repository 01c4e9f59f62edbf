using Akka.Actor;
using SkyDeck.Actors.Core;
using SkyDeck.Actors.Experiments;
using SkyDeck.Actors.Notifications;
using SkyDeck.Actors.Tests.Actors;
using Xunit.Abstractions;
using static SkyDeck.Actors.Tests.Sweeps.SweepSamples;

namespace SkyDeck.Actors.Tests.Notifying;

/// <summary>The notifier's sweep subscription survives a sweep manager that was started afresh (and forgot it).</summary>
public sealed class NotifierSweepSpecs(ITestOutputHelper output) : ActorSpec(output)
{
    [Fact]
    public void GivenTheSweepManagerForgotItsSubscribers_WhenTheSweepFinishesMeanwhile_ThenTheRenewedSubscriptionStillAnnouncesItOnce()
    {
        var experiments = CreateTestProbe();
        var sweeps = CreateTestProbe();
        var outbox = CreateTestProbe();
        var creating = SweepCreatedState();
        var done = creating.AllDone();
        var cells = done.ActiveCells.Select(c => CellSummary(c.Id, done.CellSpec(c), CurrentState.Succeeded)).ToList();
        var notifier = Sys.ActorOf(NotifierActor.Props(experiments.Ref, outbox.Ref, TimeSpan.FromMinutes(5), sweeps.Ref));
        experiments.ExpectMsg<SubscribeToSummaries>();
        experiments.ExpectMsg<ListExperiments>();
        sweeps.ExpectMsg<SubscribeToSweeps>();
        notifier.Tell(new ExperimentList([.. cells]));
        notifier.Tell(new SweepList([creating]));

        // The sweep manager restarts without its subscribers; the sweep's last orders complete while nobody listens.
        Advance(NotifierActor.ResubscribeInterval);
        Assert.Equal(notifier, sweeps.ExpectMsg<SubscribeToSweeps>().Subscriber);
        sweeps.Reply(new SweepList([done]));

        var finished = outbox.ExpectMsg<Notify>().Notification;
        Assert.Equal(NotificationEvents.SweepFinished, finished.Event);
        Assert.Contains(cells.Count + " succeeded", finished.Text);

        // Renewed again while nothing changed: the same list is no news.
        Advance(NotifierActor.ResubscribeInterval);
        sweeps.ExpectMsg<SubscribeToSweeps>();
        sweeps.Reply(new SweepList([done]));
        outbox.ExpectNoMsg(TimeSpan.FromMilliseconds(200));
    }

    [Fact]
    public void GivenASweepStoppedByItsBudget_ThenOneBudgetReachedNotification_AndNoneForAStopKnownAtStartOrSeenAgain()
    {
        var experiments = CreateTestProbe();
        var sweeps = CreateTestProbe();
        var outbox = CreateTestProbe();
        var running = SweepCreatedState(Sweep(axes: [Axis("seed", 1)]) with { Budget = new Budget(GpuHours: 1) }).AllDone();
        var stopped = running.Decided(new SweepCommands.EnforceSweepBudget(SweepName, [Sweeps.SweepBudgetTests.Ledger("lrs.seed1", Support.Specs.T0)], Support.Specs.T0.AddHours(2)));
        var notifier = Sys.ActorOf(NotifierActor.Props(experiments.Ref, outbox.Ref, TimeSpan.FromMinutes(5), sweeps.Ref));
        experiments.ExpectMsg<SubscribeToSummaries>();
        experiments.ExpectMsg<ListExperiments>();
        sweeps.ExpectMsg<SubscribeToSweeps>();
        notifier.Tell(new ExperimentList([]));
        notifier.Tell(new SweepList([running]));

        notifier.Tell(new SweepSummaryChanged(stopped));
        notifier.Tell(new SweepSummaryChanged(stopped with { Version = stopped.Version + 1 }));

        var told = outbox.ExpectMsg<Notify>().Notification;
        Assert.Equal(NotificationEvents.BudgetReached, told.Event);
        Assert.StartsWith("💸 sweep LR sweep stopped: budget reached: 8.0 / 1 GPU-h", told.Text);
        outbox.ExpectNoMsg(TimeSpan.FromMilliseconds(200));

        // A notifier started after the stop takes it as its baseline (a restart does not announce old news).
        var later = Sys.ActorOf(NotifierActor.Props(experiments.Ref, outbox.Ref, TimeSpan.FromMinutes(5), sweeps.Ref));
        later.Tell(new ExperimentList([]));
        later.Tell(new SweepList([stopped]));
        later.Tell(new SweepSummaryChanged(stopped));
        outbox.ExpectNoMsg(TimeSpan.FromMilliseconds(200));
    }
}
