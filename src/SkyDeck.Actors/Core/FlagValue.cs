using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace SkyDeck.Actors.Core;

public enum FlagKind { String, Integer, Float, Boolean }

/// <summary>A typed flag value. JSON keeps the type: strings, integers, floats (always written with a fraction or exponent) and booleans.</summary>
[JsonConverter(typeof(FlagValueJsonConverter))]
public abstract record FlagValue
{
    private FlagValue() { }

    public abstract FlagKind Kind { get; }

    /// <summary>The value as it appears on the remote command line (<c>key=value</c>); booleans are <c>true</c>/<c>false</c>.</summary>
    public abstract string ToCommandText();

    public sealed record Text(string Value) : FlagValue
    {
        public override FlagKind Kind => FlagKind.String;
        public override string ToCommandText() => Value;
    }

    public sealed record Integer(long Value) : FlagValue
    {
        public override FlagKind Kind => FlagKind.Integer;
        public override string ToCommandText() => Value.ToString(CultureInfo.InvariantCulture);
    }

    public sealed record Float(double Value) : FlagValue
    {
        public override FlagKind Kind => FlagKind.Float;
        public override string ToCommandText() => FormatFloat(Value);
    }

    public sealed record Boolean(bool Value) : FlagValue
    {
        public override FlagKind Kind => FlagKind.Boolean;
        public override string ToCommandText() => Value ? "true" : "false";
    }

    public static FlagValue Of(string value) => new Text(value);
    public static FlagValue Of(long value) => new Integer(value);
    public static FlagValue Of(double value) => new Float(value);
    public static FlagValue Of(bool value) => new Boolean(value);

    internal static string FormatFloat(double value)
    {
        var text = value.ToString("R", CultureInfo.InvariantCulture);
        return text.Contains('.') || text.Contains('E') || text.Contains('e') || text.Contains("Infinity") || text.Contains("NaN")
            ? text
            : text + ".0";
    }
}

/// <summary>Reads a JSON scalar into the matching <see cref="FlagValue"/>; a number without fraction or exponent is an integer.</summary>
public sealed class FlagValueJsonConverter : JsonConverter<FlagValue>
{
    public override FlagValue Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.String:
                return new FlagValue.Text(reader.GetString()!);
            case JsonTokenType.True:
                return new FlagValue.Boolean(true);
            case JsonTokenType.False:
                return new FlagValue.Boolean(false);
            case JsonTokenType.Number:
                var raw = reader.ValueSpan;
                var isInteger = raw.IndexOfAny("."u8) < 0 && raw.IndexOfAny("eE"u8) < 0;
                if (isInteger && reader.TryGetInt64(out var integer)) return new FlagValue.Integer(integer);
                return new FlagValue.Float(reader.GetDouble());
            default:
                throw new JsonException("a flag value must be a string, a number or a boolean");
        }
    }

    public override void Write(Utf8JsonWriter writer, FlagValue value, JsonSerializerOptions options)
    {
        switch (value)
        {
            case FlagValue.Text t: writer.WriteStringValue(t.Value); break;
            case FlagValue.Integer i: writer.WriteNumberValue(i.Value); break;
            case FlagValue.Float f: writer.WriteRawValue(FlagValue.FormatFloat(f.Value), skipInputValidation: true); break;
            case FlagValue.Boolean b: writer.WriteBooleanValue(b.Value); break;
            default: throw new JsonException($"unknown flag value {value.GetType().Name}");
        }
    }
}
