using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using SkyDeck.Actors.Core;

namespace SkyDeck.Actors.Serialization;

/// <summary>The JSON settings of SkyDeck's persisted data: snake_case names and enums, typed flag values.</summary>
public static class SkyDeckJson
{
    public static readonly JsonSerializerOptions Options = Create();

    private static JsonSerializerOptions Create()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.General)
        {
            PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
            DictionaryKeyPolicy = null,
            DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
            RespectNullableAnnotations = false,
        };
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseUpper));
        options.TypeInfoResolver = JsonTypeInfoResolver.Combine(SkyDeckJsonContext.Default, new DefaultJsonTypeInfoResolver());
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }
}
