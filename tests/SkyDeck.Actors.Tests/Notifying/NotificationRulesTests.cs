using System.Collections.Immutable;
using SkyDeck.Actors.Core;

namespace SkyDeck.Actors.Tests.Notifying;

public sealed class NotificationRulesTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 2, 10, 0, 0, TimeSpan.Zero);

    private static ExperimentSummary Summary(CurrentState current, int run = 1, int jobs = 1, string? message = null) => new(
        "exp", ExperimentSpec.Defaults("exp"), DesiredState.Running, current, 1, run, false, null, null, true, false, message,
        current == CurrentState.Retrying ? T0.AddMinutes(1) : null, jobs, T0, T0, 7);

    [Theory]
    [InlineData(CurrentState.Running, CurrentState.Succeeded, NotificationEvents.ExperimentSucceeded)]
    [InlineData(CurrentState.Running, CurrentState.Failed, NotificationEvents.ExperimentGaveUp)]
    [InlineData(CurrentState.Running, CurrentState.Retrying, NotificationEvents.ExperimentFailed)]
    [InlineData(CurrentState.Pending, CurrentState.Retrying, NotificationEvents.ExperimentFailed)]
    public void GivenAStateChange_WhenMapped_ThenItsEventIsNotified(CurrentState from, CurrentState to, string expected)
    {
        var notifications = NotificationRules.ForChange(Summary(from), Summary(to, message: "SkyPilot reported FAILED"));

        var n = Assert.Single(notifications);
        Assert.Equal(expected, n.Event);
        Assert.Equal("exp", n.ExperimentId);
        Assert.Contains("exp", n.Text);
        Assert.Equal("exp", n.Fields["experiment_id"]);
        Assert.Equal(to.ToApi(), n.Fields["current_state"]);
    }

    [Theory]
    [InlineData(CurrentState.Launching, CurrentState.Pending)]
    [InlineData(CurrentState.Pending, CurrentState.Running)]
    [InlineData(CurrentState.Running, CurrentState.Stopping)]
    [InlineData(CurrentState.Succeeded, CurrentState.Succeeded)]
    [InlineData(CurrentState.Failed, CurrentState.Failed)]
    public void GivenAChangeNotWorthTelling_WhenMapped_ThenNothing(CurrentState from, CurrentState to) =>
        Assert.Empty(NotificationRules.ForChange(Summary(from), Summary(to)));

    [Fact]
    public void GivenACrashLoopGiveUp_WhenMapped_ThenItIsACrashLoopNotGaveUp()
    {
        var n = Assert.Single(NotificationRules.ForChange(Summary(CurrentState.Retrying),
            Summary(CurrentState.Failed, message: $"{RunAssessment.CrashLoopPrefix} 5 failures within 30 min; stopped retrying")));
        Assert.Equal(NotificationEvents.CrashLoop, n.Event);
    }

    [Fact]
    public void GivenABudgetStop_WhenMapped_ThenBudgetReachedOnceForThatStop()
    {
        var stop = new BudgetStop(T0, new Budget(12, null), 12.01, 50);
        var running = Summary(CurrentState.Running);
        var stopped = Summary(CurrentState.Stopping) with { BudgetStop = stop };

        var n = Assert.Single(NotificationRules.ForChange(running, stopped));
        Assert.Equal(NotificationEvents.BudgetReached, n.Event);
        Assert.Contains("budget reached", n.Text);
        Assert.Empty(NotificationRules.ForChange(stopped, Summary(CurrentState.Stopped) with { BudgetStop = stop }));
    }

    [Fact]
    public void GivenNoKnownPreviousState_WhenMapped_ThenNothing_SoARestartDoesNotAnnounceOldNews() =>
        Assert.Empty(NotificationRules.ForChange(null, Summary(CurrentState.Succeeded)));

    [Fact]
    public void GivenTheSameFactSeenTwice_ThenTheIdIsTheSame_AndAnotherRunGetsAnotherId()
    {
        var first = NotificationRules.ForChange(Summary(CurrentState.Running), Summary(CurrentState.Succeeded))[0];
        var again = NotificationRules.ForChange(Summary(CurrentState.Pending), Summary(CurrentState.Succeeded))[0];
        var nextRun = NotificationRules.ForChange(Summary(CurrentState.Running, run: 2, jobs: 2), Summary(CurrentState.Succeeded, run: 2, jobs: 2))[0];

        Assert.Equal(first.Id, again.Id);
        Assert.NotEqual(first.Id, nextRun.Id);
    }

    [Fact]
    public void GivenSkyPilotPollsFailing_ThenOneAlertAfterTheThreshold_AndOneRecoveryWhenTheyAnswerAgain()
    {
        var threshold = TimeSpan.FromMinutes(10);
        var watch = SkyPilotWatch.Healthy;
        var told = new List<Notification>();
        foreach (var minute in new[] { 0, 5, 9 })
        {
            (watch, var ns) = NotificationRules.ForPoll(watch, false, "sky status failed", T0.AddMinutes(minute), threshold);
            told.AddRange(ns);
        }

        Assert.Empty(told);
        foreach (var minute in new[] { 10, 11, 30 })
        {
            (watch, var ns) = NotificationRules.ForPoll(watch, false, "sky status failed", T0.AddMinutes(minute), threshold);
            told.AddRange(ns);
        }

        (watch, var recovered) = NotificationRules.ForPoll(watch, true, null, T0.AddMinutes(31), threshold);
        (_, var quiet) = NotificationRules.ForPoll(watch, true, null, T0.AddMinutes(32), threshold);

        var alert = Assert.Single(told);
        Assert.Equal(NotificationEvents.SkyPilotUnreachable, alert.Event);
        Assert.Contains("10m", alert.Text);
        Assert.Equal(NotificationEvents.SkyPilotRecovered, Assert.Single(recovered).Event);
        Assert.Empty(quiet);
    }

    [Fact]
    public void GivenAShortOutage_WhenItRecoversBeforeTheThreshold_ThenNothingIsTold()
    {
        var (watch, first) = NotificationRules.ForPoll(SkyPilotWatch.Healthy, false, "x", T0, TimeSpan.FromMinutes(10));
        var (_, recovered) = NotificationRules.ForPoll(watch, true, null, T0.AddMinutes(3), TimeSpan.FromMinutes(10));

        Assert.Empty(first);
        Assert.Empty(recovered);
    }

    [Theory]
    [InlineData(new string[0], "experiment.failed", true)]
    [InlineData(new[] { "*" }, "skypilot.recovered", true)]
    [InlineData(new[] { "experiment.*" }, "experiment.gave_up", true)]
    [InlineData(new[] { "experiment.*" }, "skypilot.unreachable", false)]
    [InlineData(new[] { "experiment.succeeded" }, "experiment.failed", false)]
    public void GivenAWebhooksEvents_ThenItWantsWhatTheyName(string[] events, string @event, bool wanted) =>
        Assert.Equal(wanted, new Webhook("http://x", [.. events], null).Wants(@event));
}
