using System.Collections.Immutable;
using System.Globalization;
using System.Text.RegularExpressions;
using SkyDeck.Actors.Core;

namespace SkyDeck.Host.Api;

/// <summary>
/// The dashboard's filter language (<c>src/SkyDeck.Ui/wwwroot/filter.js</c>, the README's dashboard section) for
/// <c>GET /api/experiments?q=</c>, term for term: the same tokens, the same keys (a flag key, its last segments,
/// <c>flag.</c>/<c>f.</c> for flags only, else a field), the same comparisons (case-insensitive text, <c>*</c>
/// wildcards, numbers by value with JavaScript's <c>Number()</c> reading), so a query selects the same rows on either
/// side. Pure: a parser and an evaluator over <see cref="ExperimentSummary"/>.
/// </summary>
public sealed partial class ExperimentFilter
{
    /// <summary>The longest query accepted (characters).</summary>
    public const int MaxLength = 2000;

    public abstract record Term;

    /// <summary>Bare text: id, name or run name contains it (case-insensitive). <see cref="Value"/> is lower case.</summary>
    public sealed record TextTerm(string Value) : Term;

    /// <summary><c>has:key</c> / <c>-has:key</c>: a flag is present / absent.</summary>
    public sealed record HasTerm(string Key, bool Negate) : Term;

    /// <summary><c>key op value</c> with <see cref="Op"/> one of <c>= != &gt; &lt; &gt;= &lt;=</c>.</summary>
    public sealed record CompareTerm(string Key, string Op, string Value) : Term;

    private readonly IReadOnlyList<Term> _terms;

    private ExperimentFilter(IReadOnlyList<Term> terms) => _terms = terms;

    public static readonly ExperimentFilter All = new([]);

    public IReadOnlyList<Term> Terms => _terms;

    public bool MatchesEverything => _terms.Count == 0;

    /// <summary>Null when the query is acceptable (then <see cref="Parse"/> never fails), else why not.</summary>
    public static string? Problem(string query) =>
        query.Length > MaxLength ? $"must be at most {MaxLength} characters (got {query.Length})" : null;

    // filter.js's TERM, unchanged: has-terms, then key-op-value, then text (quoted or not). Unmatched characters are skipped.
    [GeneratedRegex("""(-?has:[^\s]+)|([^\s=!<>]+)(!=|>=|<=|=|>|<)("[^"]*"|[^\s]*)|("[^"]*"|[^\s]+)""")]
    private static partial Regex TermPattern();

    public static ExperimentFilter Parse(string? query)
    {
        var terms = new List<Term>();
        foreach (Match m in TermPattern().Matches(query ?? ""))
        {
            if (m.Groups[1].Success)
            {
                var negate = m.Groups[1].Value.StartsWith('-');
                terms.Add(new HasTerm(m.Groups[1].Value[(negate ? 5 : 4)..], negate));
            }
            else if (m.Groups[2].Success)
                terms.Add(new CompareTerm(m.Groups[2].Value, m.Groups[3].Value, Unquote(m.Groups[4].Value)));
            else if (m.Groups[5].Success)
                terms.Add(new TextTerm(Unquote(m.Groups[5].Value).ToLowerInvariant()));
        }

        return new ExperimentFilter(terms);
    }

    private static string Unquote(string s) => s.Length >= 2 && s[0] == '"' && s[^1] == '"' ? s[1..^1] : s;

    public bool Matches(ExperimentSummary e)
    {
        foreach (var term in _terms)
            if (!Matches(e, term)) return false;
        return true;
    }

    private static bool Matches(ExperimentSummary e, Term term) => term switch
    {
        TextTerm t => t.Value.Length == 0 || Contains(e.Id, t.Value) || Contains(e.Spec.Name, t.Value) || Contains(e.Spec.RunName, t.Value),
        HasTerm h => HasFlag(e.Spec.Flags, h.Key) != h.Negate,
        CompareTerm c => Compare(ValuesFor(e, c.Key), c),
        _ => throw new ArgumentOutOfRangeException(nameof(term)),
    };

    private static bool Contains(string? text, string lowered) => (text ?? "").ToLowerInvariant().Contains(lowered, StringComparison.Ordinal);

    private static bool Compare(List<Value> values, CompareTerm c)
    {
        switch (c.Op)
        {
            case "=":
                return values.Exists(v => Equal(v, c.Value));
            case "!=":
                return !values.Exists(v => Equal(v, c.Value));
            default:
                if (JsNumber(c.Value) is not { } wanted || !double.IsFinite(wanted)) return false;
                return values.Exists(v => v.Number is { } n && c.Op switch
                {
                    ">" => n > wanted,
                    "<" => n < wanted,
                    ">=" => n >= wanted,
                    _ => n <= wanted,
                });
        }
    }

    /// <summary>A value as filter.js sees it: its text (<c>textOf</c>) and, when it reads as a finite number, that (<c>numberOf</c>).</summary>
    private readonly record struct Value(string Text, double? Number)
    {
        public static Value Of(string? text) => new(text ?? "", NumericText(text));

        public static Value Of(long number) => new(number.ToString(CultureInfo.InvariantCulture), number);

        public static Value Of(bool flag) => new(flag ? "true" : "false", null);

        public static Value Of(FlagValue flag) => flag switch
        {
            FlagValue.Integer i => new(i.ToCommandText(), i.Value),
            FlagValue.Float f => new(f.ToCommandText(), f.Value),
            FlagValue.Boolean b => Of(b.Value),
            _ => Of(flag.ToCommandText()),
        };
    }

    private static bool Equal(Value v, string wanted)
    {
        var text = v.Text.ToLowerInvariant();
        var w = wanted.ToLowerInvariant();
        if (w.Contains('*')) return Glob(text, w);
        if (text == w) return true;
        return v.Number is { } n && NumericText(w) is { } number && n == number;
    }

    /// <summary>Whole-text match where <c>*</c> stands for any run of characters and nothing else is special.</summary>
    private static bool Glob(string text, string pattern)
    {
        var parts = pattern.Split('*');
        var first = parts[0];
        var last = parts[^1];
        if (text.Length < first.Length + last.Length || !text.StartsWith(first, StringComparison.Ordinal) || !text.EndsWith(last, StringComparison.Ordinal))
            return false;
        var at = first.Length;
        var end = text.Length - last.Length;
        for (var i = 1; i < parts.Length - 1; i++)
        {
            if (parts[i].Length == 0) continue;
            var found = text.IndexOf(parts[i], at, end - at, StringComparison.Ordinal);
            if (found < 0) return false;
            at = found + parts[i].Length;
        }

        return true;
    }

    /// <summary>filter.js's <c>valuesFor</c>: flag values for a flag key (or <c>flag.</c>/<c>f.</c>-prefixed), else the field's.</summary>
    private static List<Value> ValuesFor(ExperimentSummary e, string key)
    {
        var flags = e.Spec.Flags;
        var lower = key.ToLowerInvariant();
        if (lower.StartsWith("flag.", StringComparison.Ordinal) || lower.StartsWith("f.", StringComparison.Ordinal))
            return FlagValuesFor(flags, key[(key.IndexOf('.') + 1)..]);
        var values = FlagValuesFor(flags, key);
        if (values.Count > 0) return values;
        return lower switch
        {
            "id" => [Value.Of(e.Id)],
            "name" => [Value.Of(e.Spec.Name)],
            "run" or "run_name" => [Value.Of(e.Spec.RunName)],
            "state" or "current" => [Value.Of(e.Current.ToApi())],
            "desired" => [Value.Of(e.Desired.ToApi())],
            "nodes" => [Value.Of(e.Spec.Nodes)],
            "gpus" => [Value.Of(e.Spec.Gpus)],
            "job" => [Value.Of(e.CurrentJob is null ? "" : JobEndpoints.StatusOf(e.CurrentJob))],
            "group" => [Value.Of(e.Spec.Group)],
            "cloud" => [Value.Of(e.Spec.Cloud)],
            "region" => [Value.Of(e.Spec.Region)],
            "accelerator" => [Value.Of(e.Spec.Accelerator)],
            "restart" => [Value.Of(e.NeedsRestart)],
            "deleted" => [Value.Of(e.Deleted)],
            "tag" => [.. e.Spec.Tags.Select(Value.Of)],
            _ => [],
        };
    }

    /// <summary>The values of the flag keys a filter key refers to: itself when present, else every key ending in <c>.key</c>.</summary>
    private static List<Value> FlagValuesFor(ImmutableSortedDictionary<string, FlagValue> flags, string key)
    {
        if (flags.TryGetValue(key, out var exact)) return [Value.Of(exact)];
        var values = new List<Value>();
        foreach (var (k, v) in flags)
            if (k.Length > key.Length && k[^(key.Length + 1)] == '.' && k.EndsWith(key, StringComparison.Ordinal)) values.Add(Value.Of(v));
        return values;
    }

    private static bool HasFlag(ImmutableSortedDictionary<string, FlagValue> flags, string key)
    {
        if (flags.ContainsKey(key)) return true;
        foreach (var (k, _) in flags)
            if (k.Length > key.Length && k[^(key.Length + 1)] == '.' && k.EndsWith(key, StringComparison.Ordinal)) return true;
        return false;
    }

    /// <summary>filter.js's test for a number in text: not blank, and <c>Number(text)</c> finite.</summary>
    private static double? NumericText(string? text) =>
        text is not null && text.Trim().Length > 0 && JsNumber(text) is { } n && double.IsFinite(n) ? n : null;

    /// <summary>
    /// JavaScript's <c>Number(text)</c>: blank is 0, <c>Infinity</c>, <c>0x</c>/<c>0o</c>/<c>0b</c> integers, decimal
    /// literals with an optional sign and exponent; null where JavaScript gives NaN.
    /// </summary>
    public static double? JsNumber(string text)
    {
        var s = text.Trim();
        if (s.Length == 0) return 0;
        switch (s)
        {
            case "Infinity" or "+Infinity": return double.PositiveInfinity;
            case "-Infinity": return double.NegativeInfinity;
        }

        if (s.Length > 2 && s[0] == '0' && char.ToLowerInvariant(s[1]) is 'x' or 'o' or 'b')
        {
            var radix = char.ToLowerInvariant(s[1]) switch { 'x' => 16, 'o' => 8, _ => 2 };
            double value = 0;
            foreach (var ch in s[2..])
            {
                var digit = ch switch
                {
                    >= '0' and <= '9' => ch - '0',
                    >= 'a' and <= 'f' => ch - 'a' + 10,
                    >= 'A' and <= 'F' => ch - 'A' + 10,
                    _ => 99,
                };
                if (digit >= radix) return null;
                value = value * radix + digit;
            }

            return value;
        }

        if (!DecimalLiteral().IsMatch(s)) return null;
        return double.Parse(s, NumberStyles.Float, CultureInfo.InvariantCulture);
    }

    [GeneratedRegex(@"^[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?$")]
    private static partial Regex DecimalLiteral();
}
