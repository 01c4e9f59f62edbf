using SkyDeck.Actors.Core;

namespace SkyDeck.Actors.SkyPilot;

/// <summary>Thrown by the pure parsers when output is not recognisably what SkyPilot prints (garbage, truncated).</summary>
public sealed class SkyOutputException(string message) : Exception(message);
