using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using SkyDeck.FakeSky.Commands;
using SkyDeck.FakeSky.Control;
using SkyDeck.FakeSky.State;

namespace SkyDeck.FakeSky.Hosting;

/// <summary>
/// Serializer settings shared by every file and every JSON output: snake_case members, dictionary keys kept.
/// Metadata comes from a source-generated context because the fake is a short-lived process: reflection-based
/// serializer warm-up would dominate its run time.
/// </summary>
internal static class FakeSkyJson
{
    /// <summary>For state, logs and sky's own JSON output (indented like Python's <c>json.dumps(indent=2)</c>).</summary>
    public static JsonSerializerOptions Indented { get; } = Create(indented: true);

    /// <summary>For one-record-per-line logs.</summary>
    public static JsonSerializerOptions Line { get; } = Create(indented: false);

    /// <summary>For control.json: like <see cref="Indented"/> but unknown members are an error.</summary>
    public static JsonSerializerOptions Strict { get; } = new(Indented) { UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow };

    private static JsonSerializerOptions Create(bool indented) => new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = indented,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        TypeInfoResolver = FakeSkyJsonContext.Default,
    };
}

[JsonSerializable(typeof(FakeSkyState))]
[JsonSerializable(typeof(FakeSkyControl))]
[JsonSerializable(typeof(ControlFile))]
[JsonSerializable(typeof(FakeLaunchRecord))]
[JsonSerializable(typeof(FakeInvocationRecord))]
[JsonSerializable(typeof(Dictionary<string, List<QueueJobJson>>))]
[JsonSerializable(typeof(List<StatusClusterJson>))]
[JsonSerializable(typeof(List<CostReportJson>))]
internal sealed partial class FakeSkyJsonContext : JsonSerializerContext;
