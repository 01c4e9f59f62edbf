using SkyDeck.Actors.Core;

namespace SkyDeck.Actors.SkyPilot;

/// <summary>A classified <c>sky</c> failure with one short human line taken from its output.</summary>
/// <param name="Kind">What kind of failure it was.</param>
/// <param name="Reason">One line, at most about 300 characters.</param>
public sealed record SkyFailure(SkyFailureKind Kind, string Reason);
