using System.Collections.Immutable;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace SkyDeck.Actors.Core;

/// <summary><c>grid</c>: the cartesian product of the axes; <c>zip</c>: the i-th value of every axis together.</summary>
public enum SweepMode { Grid, Zip }

/// <summary>One varying flag and its values, in the order given.</summary>
public sealed record SweepAxis(string Key, ImmutableArray<FlagValue> Values)
{
    public bool Equals(SweepAxis? other) => other is not null && Key == other.Key && Values.SequenceEqual(other.Values);

    public override int GetHashCode() => HashCode.Combine(Key, Values.Length);
}

/// <summary>
/// Everything the researcher declares about a sweep: a template (every experiment field but the id), the axes, how they
/// combine, the desired state of every cell, and the sweep's own <paramref name="Budget"/> over all its cells (null:
/// none; the template's budget is each cell's own).
/// </summary>
public sealed record SweepSpec(string Name, ExperimentSpec Template, ImmutableArray<SweepAxis> Axes, SweepMode Mode, DesiredState Desired, Budget? Budget = null)
{
    public bool Equals(SweepSpec? other) =>
        other is not null && Name == other.Name && Template == other.Template && Axes.SequenceEqual(other.Axes) && Mode == other.Mode && Desired == other.Desired
        && Budget == other.Budget;

    public override int GetHashCode() => HashCode.Combine(Name, Template, Axes.Length, Mode, Desired, Budget);

    public ImmutableArray<string> AxisKeys => [.. Axes.Select(a => a.Key)];
}

/// <summary>One cell of a sweep: its deterministic experiment id and its value on every axis.</summary>
public sealed record SweepCell(string Id, ImmutableSortedDictionary<string, FlagValue> Values)
{
    public bool Equals(SweepCell? other) =>
        other is not null && Id == other.Id && Values.Count == other.Values.Count && Values.All(kv => other.Values.TryGetValue(kv.Key, out var v) && v == kv.Value);

    public override int GetHashCode() => Id.GetHashCode(StringComparison.Ordinal);
}

/// <summary>Sweep ids are experiment ids without '.', at most 32 characters: every cell id is the sweep id, '.', and a label.</summary>
public static class SweepId
{
    public const int MaxLength = 32;

    public static string? Validate(string? id)
    {
        if (ExperimentId.Validate(id) is { } error) return error;
        if (id!.Length > MaxLength) return $"must be at most {MaxLength} characters (got {id.Length}): cell ids add a label to it";
        if (id.Contains('.')) return "must not contain '.': a cell id is the sweep id, '.', and the cell's label";
        return null;
    }

    public static string PersistenceId(string sweepId) => "sweep-" + sweepId;
}

/// <summary>
/// Pure: axes → cells, and a cell → its id and its experiment spec. A cell id is <c>{sweep}.{label}</c>, the label
/// naming each axis (the last segment of its key) and value in key order, e.g. <c>lrs.seed1_lr0.001</c>. Values that
/// cannot be spelled plainly (other characters, negative numbers are spelled <c>m…</c>, long ids) give a readable
/// prefix, <c>-h</c> and 8 hex digits of a SHA-256 of the exact values. Plain labels hold no '-' and hashed ones do, and
/// no sweep id holds '.', so ids never collide across sweeps nor between the two forms; two hashed ids colliding within
/// one sweep is refused when it is expanded.
/// </summary>
public static partial class SweepExpansion
{
    public const int DefaultMaxCells = 1000;
    public const int MaxAxes = 20;
    public const int MaxValuesPerAxis = 1000;

    [GeneratedRegex(@"^[A-Za-z][A-Za-z0-9.]*[A-Za-z0-9]\z|^[A-Za-z]\z", RegexOptions.CultureInvariant)]
    private static partial Regex PlainText();

    [GeneratedRegex(@"^m[0-9]", RegexOptions.CultureInvariant)]
    private static partial Regex NegativeNumberLike();

    /// <summary>Every problem with the axes (each naming its field), or the cells in order (grid: the last axis varies fastest).</summary>
    public static (ImmutableArray<SweepCell> Cells, ImmutableArray<FieldError> Errors) Expand(string sweepId, ImmutableArray<SweepAxis> axes, SweepMode mode, int maxCells)
    {
        var errors = ImmutableArray.CreateBuilder<FieldError>();
        if (axes.IsDefaultOrEmpty) errors.Add(new("axes", "at least one axis is required, e.g. {\"trainer.lr\": [0.001, 0.0003]}"));
        else if (axes.Length > MaxAxes) errors.Add(new("axes", $"at most {MaxAxes} axes (got {axes.Length})"));
        else
        {
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var axis in axes)
            {
                var field = $"axes.{Shorten(axis.Key)}";
                if (!ExperimentSpec.IsValidFlagKey(axis.Key))
                    errors.Add(new(field, "an axis key is a flag key: dotted identifiers of letters, digits, '_' and '-', separated by '.'"));
                else if (!seen.Add(axis.Key)) errors.Add(new(field, "is given more than once"));
                if (axis.Values.IsDefaultOrEmpty) errors.Add(new(field, "must list at least one value"));
                else if (axis.Values.Length > MaxValuesPerAxis) errors.Add(new(field, $"at most {MaxValuesPerAxis} values (got {axis.Values.Length})"));
                else if (axis.Values.Distinct().Count() != axis.Values.Length) errors.Add(new(field, "lists a value more than once"));
            }

            foreach (var key in seen)
                for (var dot = key.IndexOf('.'); dot > 0; dot = key.IndexOf('.', dot + 1))
                    if (seen.Contains(key[..dot]))
                        errors.Add(new($"axes.{key[..dot]}", "an axis key cannot also be the prefix of another axis key"));
        }

        if (errors.Count > 0) return ([], errors.ToImmutable());

        long count;
        if (mode == SweepMode.Zip)
        {
            var lengths = axes.Select(a => a.Values.Length).Distinct().ToList();
            if (lengths.Count > 1)
                return ([], [new("axes", $"zip pairs the i-th values of every axis, so every axis needs as many values (got {string.Join(", ", axes.Select(a => $"{a.Key}: {a.Values.Length}"))})")]);
            count = lengths[0];
        }
        else
        {
            count = 1;
            foreach (var axis in axes)
            {
                count *= axis.Values.Length;
                if (count > maxCells) break;
            }
        }

        if (count > maxCells)
            return ([], [new("axes", $"would make more than {maxCells} cells (the cap, SKYDECK_MAX_SWEEP_CELLS); split the sweep or remove values")]);

        var cells = ImmutableArray.CreateBuilder<SweepCell>((int)count);
        var ids = new Dictionary<string, SweepCell>(StringComparer.Ordinal);
        foreach (var values in Combinations(axes, mode))
        {
            var cell = new SweepCell(CellId(sweepId, values), values);
            if (ids.TryGetValue(cell.Id, out var other))
                return ([], [new("axes", $"cells {Describe(other.Values)} and {Describe(values)} would get the same id '{cell.Id}'; change a value")]);
            ids[cell.Id] = cell;
            cells.Add(cell);
        }

        return (cells.MoveToImmutable(), []);
    }

    private static IEnumerable<ImmutableSortedDictionary<string, FlagValue>> Combinations(ImmutableArray<SweepAxis> axes, SweepMode mode)
    {
        if (mode == SweepMode.Zip)
        {
            for (var i = 0; i < axes[0].Values.Length; i++)
                yield return axes.ToImmutableSortedDictionary(a => a.Key, a => a.Values[i], StringComparer.Ordinal);
            yield break;
        }

        var index = new int[axes.Length];
        while (true)
        {
            yield return Enumerable.Range(0, axes.Length).ToImmutableSortedDictionary(i => axes[i].Key, i => axes[i].Values[index[i]], StringComparer.Ordinal);
            var position = axes.Length - 1;
            while (position >= 0 && ++index[position] == axes[position].Values.Length)
            {
                index[position] = 0;
                position--;
            }

            if (position < 0) yield break;
        }
    }

    /// <summary>The cell's id: derived from the sweep id and the cell's values only, so extending a sweep never renames a cell.</summary>
    public static string CellId(string sweepId, ImmutableSortedDictionary<string, FlagValue> values)
    {
        var parts = values.Select(kv => (Short: ShortKey(kv.Key), Value: Plain(kv.Value))).ToList();
        if (parts.All(p => p.Value is not null))
        {
            var plain = $"{sweepId}.{string.Join('_', parts.Select(p => p.Short + p.Value))}";
            if (ExperimentId.IsValid(plain)) return plain;
        }

        var hash = "-h" + Hash(values);
        var readable = string.Join('_', parts.Select(p => p.Short + Readable(p.Value ?? "")));
        var room = ExperimentId.MaxLength - sweepId.Length - 1 - hash.Length;
        readable = readable.Length > room ? readable[..Math.Max(0, room)] : readable;
        readable = readable.TrimEnd('_', '.', '-');
        return readable.Length == 0 ? $"{sweepId}.{hash[1..]}" : $"{sweepId}.{readable}{hash}";
    }

    /// <summary>The label part of a cell id (after the sweep id and '.').</summary>
    public static string Label(string sweepId, string cellId) => cellId.StartsWith(sweepId + ".", StringComparison.Ordinal) ? cellId[(sweepId.Length + 1)..] : cellId;

    /// <summary>
    /// The cell's experiment: the template with the cell's values over its flags, named and run by its label, carrying
    /// the sweep's id.
    /// </summary>
    public static ExperimentSpec CellSpec(string sweepId, ExperimentSpec template, SweepCell cell)
    {
        var label = Label(sweepId, cell.Id);
        return template with
        {
            Name = Cut($"{template.Name} {Describe(cell.Values)}", 200),
            RunName = Cut($"{template.RunName}.{label}", 200),
            Flags = template.Flags.SetItems(cell.Values),
            Sweep = sweepId,
        };
    }

    /// <summary><c>lr=0.001 seed=1</c>: the cell's values as the table and names show them.</summary>
    public static string Describe(ImmutableSortedDictionary<string, FlagValue> values) =>
        string.Join(' ', values.Select(kv => $"{LastSegment(kv.Key)}={OneLine(kv.Value.ToCommandText())}"));

    private static string OneLine(string text)
    {
        var line = text.Replace('\n', ' ').Replace('\r', ' ').Replace('\t', ' ');
        return line.Length > 40 ? line[..40] + "…" : line;
    }

    /// <summary>Plain spelling: injective across types (true/false; numbers start with a digit or 'm' and a digit, floats hold '.' or 'e'; text starts with any other letter).</summary>
    private static string? Plain(FlagValue value) => value switch
    {
        FlagValue.Boolean b => b.Value ? "true" : "false",
        FlagValue.Integer i => i.Value < 0 ? "m" + (-(decimal)i.Value).ToString(System.Globalization.CultureInfo.InvariantCulture) : i.ToCommandText(),
        FlagValue.Float f when double.IsFinite(f.Value) => PlainFloat(f.ToCommandText()),
        FlagValue.Text t when PlainText().IsMatch(t.Value) && t.Value is not ("true" or "false") && !NegativeNumberLike().IsMatch(t.Value) && t.Value.Length <= 40 => t.Value,
        _ => null,
    };

    private static string? PlainFloat(string text)
    {
        var spelled = text.ToLowerInvariant().Replace("-", "m", StringComparison.Ordinal).Replace("+", "", StringComparison.Ordinal);
        return spelled.All(c => char.IsAsciiLetterOrDigit(c) || c == '.') ? spelled : null;
    }

    private static string Readable(string plain) => new([.. plain.Where(char.IsAsciiLetterOrDigit)]);

    private static string ShortKey(string key) => new([.. LastSegment(key).Where(char.IsAsciiLetterOrDigit)]);

    private static string LastSegment(string key) => key[(key.LastIndexOf('.') + 1)..];

    private static string Hash(ImmutableSortedDictionary<string, FlagValue> values)
    {
        var canonical = string.Join('\n', values.Select(kv => $"{kv.Key}\u0001{kv.Value.Kind}\u0001{kv.Value.ToCommandText()}"));
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonical)))[..8];
    }

    private static string Cut(string text, int max) => text.Length <= max ? text : text[..max];

    private static string Shorten(string key) => key.Length <= 64 ? key : key[..64] + "…";
}
