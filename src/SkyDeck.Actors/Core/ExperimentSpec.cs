using System.Collections.Immutable;
using System.Text.RegularExpressions;

namespace SkyDeck.Actors.Core;

/// <summary>Everything the researcher declares about an experiment except its desired state.</summary>
public sealed partial record ExperimentSpec(
    string Name,
    string BaseCommand,
    string RunName,
    ImmutableSortedDictionary<string, FlagValue> Flags,
    int Nodes,
    int Gpus,
    string? Accelerator = null,
    string? Cloud = null,
    string? Region = null,
    bool UseSpot = false,
    string? Description = null,
    ImmutableArray<string> Tags = default,
    string? Group = null,
    int? AutostopMinutes = null,
    bool AutostopDown = false,
    Budget? Budget = null,
    RetryPolicy? Retry = null,
    string? Sweep = null)
{
    /// <summary>The retry policy in force: the spec's own, else SkyDeck's defaults.</summary>
    public RetryPolicy ResolvedRetry => Retry ?? RetryPolicy.Default;

    /// <summary>A week: the longest idle time SkyDeck passes to <c>sky launch -i</c>.</summary>
    public const int MaxAutostopMinutes = 7 * 24 * 60;

    /// <summary>Idle minutes before the cluster is stopped (or torn down): the spec's own, else SkyDeck's default; 0 is off.</summary>
    public int ResolvedAutostopMinutes(int defaultMinutes) => AutostopMinutes ?? defaultMinutes;

    public const int MaxNodes = 512;
    public const int MaxGpus = 64;
    public const int MaxFlags = 500;
    public const int MaxFlagKeyLength = 200;
    public const int MaxTextLength = 4096;
    public const int MaxNameLength = 200;
    public const int MaxBaseCommandLength = 1000;

    public ImmutableArray<string> Tags { get; init; } = Tags.IsDefault ? [] : Tags;

    /// <summary>What a create starts from before its fields apply: named and run as its id, one node, no GPUs, no flags.</summary>
    public static ExperimentSpec Defaults(string id) =>
        new(Name: id, BaseCommand: "", RunName: id, Flags: ImmutableSortedDictionary.Create<string, FlagValue>(StringComparer.Ordinal), Nodes: 1, Gpus: 0);

    public bool Equals(ExperimentSpec? other) =>
        other is not null
        && Name == other.Name
        && BaseCommand == other.BaseCommand
        && RunName == other.RunName
        && Flags.Count == other.Flags.Count
        && Flags.All(kv => other.Flags.TryGetValue(kv.Key, out var v) && v == kv.Value)
        && Nodes == other.Nodes
        && Gpus == other.Gpus
        && Accelerator == other.Accelerator
        && Cloud == other.Cloud
        && Region == other.Region
        && UseSpot == other.UseSpot
        && Description == other.Description
        && Tags.SequenceEqual(other.Tags)
        && Group == other.Group
        && AutostopMinutes == other.AutostopMinutes
        && AutostopDown == other.AutostopDown
        && Budget == other.Budget
        && Equals(Retry, other.Retry)
        && Sweep == other.Sweep;

    /// <summary>
    /// The same but for what does not change what runs (the budget, the retry policy): such a change needs no new
    /// generation, so no "restart to apply".
    /// </summary>
    public bool SameLaunchAs(ExperimentSpec other) => this with { Budget = null, Retry = null } == other with { Budget = null, Retry = null };

    public override int GetHashCode() => HashCode.Combine(Name, BaseCommand, RunName, Flags.Count, Nodes, Gpus);

    /// <summary>A flag key's pattern, unanchored: the same text in .NET and ECMAScript (the dashboard gets it from /api/meta).</summary>
    public const string FlagKeyPatternBody = @"[A-Za-z_][A-Za-z0-9_\-]*(\.[A-Za-z0-9_\-]+)*";

    /// <summary>An accelerator's, cloud's or region's pattern, unanchored (as <see cref="FlagKeyPatternBody"/>).</summary>
    public const string ResourceNamePatternBody = @"[A-Za-z0-9][A-Za-z0-9_\-]*";

    [GeneratedRegex("^" + FlagKeyPatternBody + @"\z", RegexOptions.CultureInvariant)]
    private static partial Regex FlagKeyPattern();

    /// <summary>A dotted identifier (letters, digits, '_' and '-', separated by '.'), at most <see cref="MaxFlagKeyLength"/> long.</summary>
    public static bool IsValidFlagKey(string? key) => key is { Length: > 0 and <= MaxFlagKeyLength } && FlagKeyPattern().IsMatch(key);

    [GeneratedRegex("^" + ResourceNamePatternBody + @"\z", RegexOptions.CultureInvariant)]
    private static partial Regex ResourceNamePattern();

    /// <summary>Every problem with this spec, each naming its field (snake_case, as the API spells it).</summary>
    public ImmutableArray<FieldError> Validate()
    {
        var errors = ImmutableArray.CreateBuilder<FieldError>();
        RequireText(errors, "name", Name, MaxNameLength);
        RequireText(errors, "base_command", BaseCommand, MaxBaseCommandLength);
        RequireText(errors, "run_name", RunName, 200);
        if (Nodes is < 1 or > MaxNodes) errors.Add(new("nodes", $"must be between 1 and {MaxNodes}"));
        if (Gpus is < 0 or > MaxGpus) errors.Add(new("gpus", $"must be between 0 and {MaxGpus} (per node)"));
        OptionalResourceName(errors, "accelerator", Accelerator);
        OptionalResourceName(errors, "cloud", Cloud);
        OptionalResourceName(errors, "region", Region);
        OptionalText(errors, "description", Description, MaxTextLength, allowNewlines: true);
        OptionalText(errors, "group", Group, 200, allowNewlines: false);
        if (AutostopMinutes is < 0 or > MaxAutostopMinutes)
            errors.Add(new("autostop_minutes", $"must be between 0 (off) and {MaxAutostopMinutes} (a week)"));
        if (Budget is not null) errors.AddRange(Budget.Validate());
        if (Tags.Length > 50) errors.Add(new("tags", "at most 50 tags"));
        foreach (var tag in Tags)
            if (string.IsNullOrWhiteSpace(tag) || tag.Length > 100 || !SafeText.IsSafe(tag))
            {
                errors.Add(new("tags", $"each tag must be 1 to 100 printable characters{(SafeText.Problem(tag) is { } why ? $": one {why}" : "")}"));
                break;
            }

        Retry?.Validate(errors);
        if (Sweep is not null && SweepId.Validate(Sweep) is { } sweepError) errors.Add(new("sweep", sweepError));
        ValidateFlags(errors);
        return errors.ToImmutable();
    }

    /// <summary>
    /// Linear in the size of the flags, and stops at the first limit exceeded: a body of 20,000 flags is refused by its
    /// count before any key is looked at (the old pairwise prefix check took 70 s for that inside the actor).
    /// </summary>
    private void ValidateFlags(ImmutableArray<FieldError>.Builder errors)
    {
        if (Flags.Count > MaxFlags)
        {
            errors.Add(new("flags", $"at most {MaxFlags} flags (got {Flags.Count})"));
            return;
        }

        foreach (var (key, value) in Flags)
        {
            if (key.Length > MaxFlagKeyLength || !FlagKeyPattern().IsMatch(key))
                errors.Add(new($"flags.{Truncate(key)}", "flag keys are dotted identifiers: letters, digits, '_' and '-', separated by '.'"));
            else if (value is FlagValue.Text t && t.Value.Length > MaxTextLength)
                errors.Add(new($"flags.{key}", $"string values must be at most {MaxTextLength} characters"));
            else if (value is FlagValue.Text text && SafeText.Problem(text.Value, allowNewlines: true) is { } unsafeText)
                errors.Add(new($"flags.{key}", unsafeText));
            else if (value is FlagValue.Float f && !double.IsFinite(f.Value))
                errors.Add(new($"flags.{key}", "float values must be finite"));
        }

        // A key that is also a dotted prefix of another ("a" and "a.b") cannot be one column and a group of columns.
        foreach (var key in Flags.Keys)
            for (var dot = key.IndexOf('.'); dot > 0; dot = key.IndexOf('.', dot + 1))
                if (Flags.ContainsKey(key[..dot]))
                {
                    errors.Add(new($"flags.{key[..dot]}", "a flag key cannot also be the prefix of another flag key"));
                    return;
                }
    }

    private static void RequireText(ImmutableArray<FieldError>.Builder errors, string field, string? value, int max)
    {
        if (string.IsNullOrWhiteSpace(value)) errors.Add(new(field, "is required"));
        else OptionalText(errors, field, value, max, allowNewlines: false);
    }

    private static void OptionalText(ImmutableArray<FieldError>.Builder errors, string field, string? value, int max, bool allowNewlines)
    {
        if (value is null) return;
        if (value.Length > max) errors.Add(new(field, $"must be at most {max} characters"));
        else if (SafeText.Problem(value, allowNewlines) is { } problem) errors.Add(new(field, problem));
    }

    private static void OptionalResourceName(ImmutableArray<FieldError>.Builder errors, string field, string? value)
    {
        if (value is null) return;
        if (value.Length > 64 || !ResourceNamePattern().IsMatch(value))
            errors.Add(new(field, "must be a plain name of letters, digits, '-' and '_' (e.g. A100, aws, us-east-1)"));
    }

    private static string Truncate(string key) => key.Length <= 40 ? key : key[..40] + "…";
}

/// <summary>One validation problem: the API field it concerns and what is wrong with it.</summary>
public sealed record FieldError(string Field, string Message);
