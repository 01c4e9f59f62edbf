using System.Collections.Frozen;
using System.Collections.Immutable;
using System.Runtime.Serialization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Akka.Actor;
using Akka.Serialization;
using SkyDeck.Actors.Core;
using SkyDeck.Actors.Experiments;
using SkyDeck.Actors.Notifications;
using SkyDeck.Actors.Serialization;
using SkyDeck.Actors.SkyPilot;

namespace SkyDeck.Actors.Cluster;

/// <summary>
/// Serializes the messages that cross nodes in cluster mode (commands, queries and their replies, summaries, poll
/// traffic, notifications to the outbox singleton) as System.Text.Json with SkyDeck's JSON settings, instead of Akka's default Newtonsoft serializer with
/// embedded CLR type names. Nothing here is persisted, so manifests are type names resolved only against this list.
/// </summary>
public sealed class SkyDeckWireSerializer(ExtendedActorSystem system) : SerializerWithStringManifest(system)
{
    public const int Id = 4243;

    /// <summary>Every type bound to this serializer: all experiment commands plus the listed messages.</summary>
    public static readonly ImmutableArray<Type> Types =
    [
        .. typeof(IExperimentCommand).Assembly.GetTypes()
            .Where(t => t is { IsClass: true, IsAbstract: false } && typeof(IExperimentCommand).IsAssignableFrom(t))
            .OrderBy(t => t.FullName, StringComparer.Ordinal),
        typeof(GetExperiment), typeof(ReconcileNow), typeof(ClusterObserved), typeof(ClusterLifetimeObserved), typeof(CostReportRead),
        typeof(CommandResult), typeof(ExperimentDetail), typeof(SummaryChanged),
        typeof(ListExperiments), typeof(ExperimentList), typeof(ReconcileAll),
        typeof(PollNow), typeof(PollCompleted), typeof(GetPollerStatus), typeof(PollerStatus),
        typeof(RequestSummaries), typeof(SummarySnapshot),
        .. typeof(ISweepCommand).Assembly.GetTypes()
            .Where(t => t is { IsClass: true, IsAbstract: false } && typeof(ISweepCommand).IsAssignableFrom(t))
            .OrderBy(t => t.FullName, StringComparer.Ordinal),
        typeof(GetSweep), typeof(ListSweeps), typeof(SweepList), typeof(SweepResult), typeof(SweepSummaryChanged),
        typeof(Notify), typeof(GetNotifications), typeof(NotificationsView), typeof(SkyPilotPolled),
    ];

    private static readonly FrozenDictionary<string, Type> ByManifest = Types.ToFrozenDictionary(ManifestOf, StringComparer.Ordinal);

    private static readonly JsonSerializerOptions Options = CreateOptions();

    public override int Identifier => Id;

    public override string Manifest(object o) => ManifestOf(o.GetType());

    public override byte[] ToBinary(object obj) => JsonSerializer.SerializeToUtf8Bytes(obj, obj.GetType(), Options);

    public override object FromBinary(byte[] bytes, string manifest) =>
        ByManifest.TryGetValue(manifest, out var type)
            ? JsonSerializer.Deserialize(bytes, type, Options) ?? throw new SerializationException($"Null payload for '{manifest}'")
            : throw new SerializationException($"Unknown SkyDeck wire manifest '{manifest}'");

    private static string ManifestOf(Type type) => type.FullName ?? type.Name;

    private static JsonSerializerOptions CreateOptions()
    {
        var options = new JsonSerializerOptions(SkyDeckJson.Options);
        options.Converters.Add(new DefaultImmutableArrayConverterFactory());
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }

    /// <summary>Replies such as <see cref="CommandResult.Accepted"/> carry a default (uninitialised) ImmutableArray: write it as null.</summary>
    private sealed class DefaultImmutableArrayConverterFactory : JsonConverterFactory
    {
        public override bool CanConvert(Type typeToConvert) =>
            typeToConvert.IsGenericType && typeToConvert.GetGenericTypeDefinition() == typeof(ImmutableArray<>);

        public override JsonConverter CreateConverter(Type typeToConvert, JsonSerializerOptions options) =>
            (JsonConverter)Activator.CreateInstance(typeof(Converter<>).MakeGenericType(typeToConvert.GetGenericArguments()[0]))!;

        private sealed class Converter<T> : JsonConverter<ImmutableArray<T>>
        {
            public override bool HandleNull => true;

            public override ImmutableArray<T> Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
                reader.TokenType == JsonTokenType.Null ? default : [.. JsonSerializer.Deserialize<T[]>(ref reader, options) ?? []];

            public override void Write(Utf8JsonWriter writer, ImmutableArray<T> value, JsonSerializerOptions options)
            {
                if (value.IsDefault) writer.WriteNullValue();
                else JsonSerializer.Serialize(writer, value.AsSpan().ToArray(), options);
            }
        }
    }
}
