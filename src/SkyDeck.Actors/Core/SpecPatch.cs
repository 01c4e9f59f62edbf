using System.Collections.Immutable;

namespace SkyDeck.Actors.Core;

/// <summary>
/// A partial change to a spec: null leaves a field as it is; <see cref="Cleared"/> names optional fields set back to
/// nothing. Applied inside the experiment actor, so concurrent patches of different fields never lose each other.
/// </summary>
public sealed record SpecPatch(
    string? Name = null,
    string? BaseCommand = null,
    string? RunName = null,
    ImmutableSortedDictionary<string, FlagValue>? Flags = null,
    int? Nodes = null,
    int? Gpus = null,
    string? Accelerator = null,
    string? Cloud = null,
    string? Region = null,
    bool? UseSpot = null,
    string? Description = null,
    ImmutableArray<string>? Tags = null,
    string? Group = null,
    ImmutableArray<string> Cleared = default,
    int? AutostopMinutes = null,
    bool? AutostopDown = null,
    Budget? Budget = null,
    RetryPolicy? Retry = null)
{
    /// <summary>Cleared: no budget.</summary>
    public const string BudgetField = "budget";

    /// <summary>Cleared: back to SkyDeck's defaults (<c>SKYDECK_MAX_RESTARTS</c>, retry on preemption).</summary>
    public const string RetryField = "retry";

    /// <summary>Cleared: back to SkyDeck's default (<c>SKYDECK_AUTOSTOP</c>).</summary>
    public const string AutostopMinutesField = "autostop_minutes";

    public const string AcceleratorField = "accelerator";
    public const string CloudField = "cloud";
    public const string RegionField = "region";
    public const string DescriptionField = "description";
    public const string GroupField = "group";

    public ExperimentSpec ApplyTo(ExperimentSpec spec)
    {
        var cleared = Cleared.IsDefault ? [] : Cleared;
        string? Optional(string field, string? value, string? current) => cleared.Contains(field) ? null : value ?? current;
        return spec with
        {
            Name = Name ?? spec.Name,
            BaseCommand = BaseCommand ?? spec.BaseCommand,
            RunName = RunName ?? spec.RunName,
            Flags = Flags ?? spec.Flags,
            Nodes = Nodes ?? spec.Nodes,
            Gpus = Gpus ?? spec.Gpus,
            Accelerator = Optional(AcceleratorField, Accelerator, spec.Accelerator),
            Cloud = Optional(CloudField, Cloud, spec.Cloud),
            Region = Optional(RegionField, Region, spec.Region),
            UseSpot = UseSpot ?? spec.UseSpot,
            Description = Optional(DescriptionField, Description, spec.Description),
            Tags = Tags ?? spec.Tags,
            Group = Optional(GroupField, Group, spec.Group),
            AutostopMinutes = cleared.Contains(AutostopMinutesField) ? null : AutostopMinutes ?? spec.AutostopMinutes,
            AutostopDown = AutostopDown ?? spec.AutostopDown,
            Budget = cleared.Contains(BudgetField) ? null : Budget is null ? spec.Budget : Budget.IsEmpty ? null : Budget,
            Retry = cleared.Contains(RetryField) ? null : Retry ?? spec.Retry,
        };
    }
}
