using System.Text.Json;
using SkyDeck.Actors.Core;

namespace SkyDeck.Actors.Audit;

/// <summary>One event of the audit log: what changed, when, for which experiment, caused by whom and why.</summary>
/// <param name="Cursor">Global, increasing position in the journal; pass it back as <c>after</c> to read on.</param>
/// <param name="Sequence">The event's number within its experiment (1, 2, 3…).</param>
/// <param name="Type">The event type in snake_case, e.g. <c>job_launch_requested</c>.</param>
/// <param name="Change">The event itself, as stored.</param>
public sealed record AuditEntry(long Cursor, long Sequence, DateTimeOffset At, string ExperimentId, string Type, string Who, string? Reason, JsonElement Change);
