using System.Collections.Immutable;

namespace SkyDeck.Actors.Core;

/// <summary>
/// Something worth telling people about, once: <paramref name="Id"/> is deterministic (the same fact always gives the
/// same id), so the outbox records it once however often the fact is seen. <paramref name="Fields"/> are the
/// structured details a receiver can use besides <paramref name="Text"/>.
/// </summary>
public sealed record Notification(
    string Id,
    string Event,
    string Text,
    DateTimeOffset At,
    string? ExperimentId,
    ImmutableSortedDictionary<string, string> Fields);

/// <summary>The event names a webhook subscribes to (<c>SkyDeck:Webhooks:N:Events</c>); <c>*</c> or <c>experiment.*</c> select several.</summary>
public static class NotificationEvents
{
    public const string ExperimentFailed = "experiment.failed";
    public const string ExperimentGaveUp = "experiment.gave_up";
    public const string ExperimentSucceeded = "experiment.succeeded";
    public const string CrashLoop = "experiment.crash_loop";
    public const string BudgetReached = "budget.reached";
    public const string SweepFinished = "sweep.finished";
    public const string SkyPilotUnreachable = "skypilot.unreachable";
    public const string SkyPilotRecovered = "skypilot.recovered";

    public static readonly ImmutableArray<string> All =
        [ExperimentFailed, ExperimentGaveUp, ExperimentSucceeded, CrashLoop, BudgetReached, SweepFinished, SkyPilotUnreachable, SkyPilotRecovered];
}

/// <summary>A configured receiver. <paramref name="Events"/> empty: every event.</summary>
public sealed record Webhook(string Url, ImmutableArray<string> Events, string? Secret)
{
    /// <summary>Names the webhook in the journal and in delivery ids: 12 hex digits of the URL's SHA-256.</summary>
    public string Key => Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(Url)))[..12];

    /// <summary>The URL with its path and query cut (Slack and Mattermost URLs carry their secret in the path).</summary>
    public string DisplayUrl => Uri.TryCreate(Url, UriKind.Absolute, out var uri) ? $"{uri.Scheme}://{uri.Authority}/…" : "(invalid URL)";

    public bool Wants(string @event) =>
        Events.IsDefaultOrEmpty
        || Events.Any(e => e == "*" || e == @event || e.EndsWith(".*", StringComparison.Ordinal) && @event.StartsWith(e[..^1], StringComparison.Ordinal));
}
