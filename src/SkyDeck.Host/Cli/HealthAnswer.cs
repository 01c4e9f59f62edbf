using System.Text.Json;

namespace SkyDeck.Host.Cli;

/// <summary>The answer to <c>GET /api/health</c>: whether anything answered, the status code and the JSON body.</summary>
internal sealed record HealthAnswer(bool Answered, int StatusCode, JsonElement? Body, string? Problem);
