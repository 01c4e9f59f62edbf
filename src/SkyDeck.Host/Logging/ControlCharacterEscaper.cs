using System.Text;
using Serilog.Core;
using Serilog.Events;

namespace SkyDeck.Host.Logging;

/// <summary>
/// Escapes control characters in every logged string value (<c>\n</c>, <c>\r</c>, <c>\u0000</c>, ESC, …), so that
/// whatever a <c>sky</c> process printed — NUL bytes, terminal colour codes, extra lines — stays one readable line of
/// <c>skydeck.log</c> and cannot forge log lines. Tabs stay as they are. Applied to every event at the Host's logging
/// configuration, so no call site has to remember it.
/// </summary>
public sealed class ControlCharacterEscaper : ILogEventEnricher
{
    public void Enrich(LogEvent logEvent, ILogEventPropertyFactory propertyFactory)
    {
        List<LogEventProperty>? changed = null;
        foreach (var (name, value) in logEvent.Properties)
        {
            var escaped = Escape(value);
            if (!ReferenceEquals(escaped, value)) (changed ??= []).Add(new LogEventProperty(name, escaped));
        }

        if (changed is null) return;
        foreach (var property in changed) logEvent.AddOrUpdateProperty(property);
    }

    /// <summary>The value with its strings escaped; the same instance when nothing needed escaping.</summary>
    private static LogEventPropertyValue Escape(LogEventPropertyValue value)
    {
        switch (value)
        {
            case ScalarValue { Value: string text } when NeedsEscaping(text):
                return new ScalarValue(Escape(text));
            case SequenceValue sequence:
                var elements = sequence.Elements.Select(Escape).ToList();
                return elements.Where((e, i) => !ReferenceEquals(e, sequence.Elements[i])).Any() ? new SequenceValue(elements) : value;
            case StructureValue structure:
                var properties = structure.Properties.Select(p => Escape(p.Value) is var v && !ReferenceEquals(v, p.Value) ? new LogEventProperty(p.Name, v) : p).ToList();
                return properties.Where((p, i) => !ReferenceEquals(p, structure.Properties[i])).Any() ? new StructureValue(properties, structure.TypeTag) : value;
            case DictionaryValue dictionary:
                var entries = dictionary.Elements.Select(kv => new KeyValuePair<ScalarValue, LogEventPropertyValue>(kv.Key, Escape(kv.Value))).ToList();
                return entries.Any(kv => !ReferenceEquals(kv.Value, dictionary.Elements[kv.Key])) ? new DictionaryValue(entries) : value;
            default:
                return value;
        }
    }

    private static bool NeedsEscaping(string text)
    {
        foreach (var c in text)
        {
            if (IsControl(c)) return true;
        }

        return false;
    }

    private static bool IsControl(char c) => c != '\t' && (c < ' ' || c is >= '\u007f' and <= '\u009f');

    public static string Escape(string text)
    {
        var escaped = new StringBuilder(text.Length + 16);
        foreach (var c in text)
        {
            if (!IsControl(c)) escaped.Append(c);
            else if (c == '\n') escaped.Append("\\n");
            else if (c == '\r') escaped.Append("\\r");
            else escaped.Append("\\u").Append(((int)c).ToString("x4", System.Globalization.CultureInfo.InvariantCulture));
        }

        return escaped.ToString();
    }
}
