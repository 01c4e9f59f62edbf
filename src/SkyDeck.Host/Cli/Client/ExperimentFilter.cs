using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace SkyDeck.Host.Cli;

/// <summary>
/// The dashboard's filter language (<c>src/SkyDeck.Ui/wwwroot/filter.js</c>), over the API's experiment JSON, so
/// <c>skydeck ls 'state=RUNNING lr&gt;0.001'</c> selects what the same text in the filter box shows. Space-separated
/// terms, all of which must match: <c>text</c> (id, name or run name contains it), <c>key=value</c> / <c>key!=value</c>
/// (a field or flag; a flag by its full key or its last segments; <c>*</c> wildcards), <c>key&gt;n</c>, <c>&lt;</c>,
/// <c>&gt;=</c>, <c>&lt;=</c>, <c>has:key</c> / <c>-has:key</c>. Fields: id, name, run, state, desired, nodes, gpus,
/// job, group, cloud, region, accelerator, restart, deleted, tag.
/// </summary>
internal static partial class ExperimentFilter
{
    private abstract record Term;

    private sealed record Text(string Value) : Term;

    private sealed record Has(string Key, bool Negate) : Term;

    private sealed record Compare(string Key, string Op, string Value) : Term;

    [GeneratedRegex("""(-?has:[^\s]+)|([^\s=!<>]+)(!=|>=|<=|=|>|<)("[^"]*"|[^\s]*)|("[^"]*"|[^\s]+)""")]
    private static partial Regex TermPattern();

    public static Func<JsonElement, bool> Compile(string? query)
    {
        var terms = Parse(query ?? "");
        return terms.Count == 0 ? _ => true : e => terms.All(t => Matches(e, t));
    }

    private static List<Term> Parse(string query)
    {
        var terms = new List<Term>();
        foreach (Match m in TermPattern().Matches(query))
        {
            if (m.Groups[1].Success)
            {
                var negate = m.Groups[1].Value.StartsWith('-');
                terms.Add(new Has(m.Groups[1].Value[(negate ? 5 : 4)..], negate));
            }
            else if (m.Groups[2].Success)
            {
                terms.Add(new Compare(m.Groups[2].Value, m.Groups[3].Value, Unquote(m.Groups[4].Value)));
            }
            else if (m.Groups[5].Success)
            {
                terms.Add(new Text(Unquote(m.Groups[5].Value).ToLowerInvariant()));
            }
        }

        return terms;
    }

    private static string Unquote(string s) => s.Length >= 2 && s[0] == '"' && s[^1] == '"' ? s[1..^1] : s;

    private static bool Matches(JsonElement e, Term term)
    {
        switch (term)
        {
            case Text text:
                return text.Value.Length == 0
                       || new[] { "id", "name", "run_name" }.Any(f => Str(e, f).Contains(text.Value, StringComparison.OrdinalIgnoreCase));
            case Has has:
                var present = FlagKeys(Flags(e), has.Key).Count > 0;
                return has.Negate ? !present : present;
            case Compare c:
                var values = ValuesFor(e, c.Key);
                switch (c.Op)
                {
                    case "=":
                        return values.Any(v => EqualsValue(v, c.Value));
                    case "!=":
                        return !values.Any(v => EqualsValue(v, c.Value));
                    default:
                        if (!double.TryParse(c.Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var wanted)) return false;
                        return values.Any(v => Number(v) is { } n && c.Op switch
                        {
                            ">" => n > wanted,
                            "<" => n < wanted,
                            ">=" => n >= wanted,
                            _ => n <= wanted,
                        });
                }

            default:
                return false;
        }
    }

    private static JsonElement Flags(JsonElement e) =>
        e.TryGetProperty("flags", out var flags) && flags.ValueKind == JsonValueKind.Object ? flags : default;

    private static List<string> FlagKeys(JsonElement flags, string key)
    {
        if (flags.ValueKind != JsonValueKind.Object) return [];
        if (flags.TryGetProperty(key, out _)) return [key];
        var suffix = "." + key;
        return [.. flags.EnumerateObject().Select(p => p.Name).Where(k => k.EndsWith(suffix, StringComparison.Ordinal))];
    }

    private static List<JsonElement> ValuesFor(JsonElement e, string key)
    {
        var flags = Flags(e);
        var lower = key.ToLowerInvariant();
        if (lower.StartsWith("flag.", StringComparison.Ordinal) || lower.StartsWith("f.", StringComparison.Ordinal))
            return [.. FlagKeys(flags, key[(key.IndexOf('.') + 1)..]).Select(k => flags.GetProperty(k))];
        var flagKeys = FlagKeys(flags, key);
        if (flagKeys.Count > 0) return [.. flagKeys.Select(k => flags.GetProperty(k))];
        return Field(e, lower) is { } value
            ? value.ValueKind == JsonValueKind.Array ? [.. value.EnumerateArray()] : [value]
            : [];
    }

    private static JsonElement? Field(JsonElement e, string field)
    {
        var property = field switch
        {
            "id" => "id",
            "name" => "name",
            "run" or "run_name" => "run_name",
            "state" or "current" => "current_state",
            "desired" => "desired_state",
            "nodes" => "nodes",
            "gpus" => "gpus",
            "group" => "group",
            "cloud" => "cloud",
            "region" => "region",
            "accelerator" => "accelerator",
            "restart" => "needs_restart",
            "deleted" => "deleted",
            "tag" => "tags",
            "job" => null,
            _ => "",
        };
        if (property is null) return JsonSerializer.SerializeToElement(ExperimentView.JobStatus(e) ?? "");
        if (property.Length == 0) return null;
        return e.TryGetProperty(property, out var value) && value.ValueKind != JsonValueKind.Null ? value : JsonSerializer.SerializeToElement("");
    }

    private static string Str(JsonElement e, string name) =>
        e.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString()! : "";

    private static string TextOf(JsonElement v) => v.ValueKind switch
    {
        JsonValueKind.String => v.GetString()!,
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        JsonValueKind.Null or JsonValueKind.Undefined => "",
        _ => v.GetRawText(),
    };

    private static double? Number(JsonElement v) => v.ValueKind switch
    {
        JsonValueKind.Number => v.GetDouble(),
        JsonValueKind.String when double.TryParse(v.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var n) => n,
        _ => null,
    };

    private static bool EqualsValue(JsonElement v, string wanted)
    {
        var text = TextOf(v).ToLowerInvariant();
        var w = wanted.ToLowerInvariant();
        if (w.Contains('*'))
            return Regex.IsMatch(text, "^" + string.Join(".*", w.Split('*').Select(Regex.Escape)) + "$", RegexOptions.Singleline);
        if (text == w) return true;
        return Number(v) is { } n && double.TryParse(w, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) && n == number;
    }
}
