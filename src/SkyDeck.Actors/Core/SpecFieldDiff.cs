using System.Collections.Immutable;

namespace SkyDeck.Actors.Core;

/// <summary>
/// Pure: a spec's fields by the names the API uses (<c>gpus</c>, <c>tags</c>, one <c>flags.KEY</c> per flag), which
/// of them differ between two specs, and copying one field's value from one spec into another.
/// </summary>
public static class SpecFieldDiff
{
    private const string FlagPrefix = "flags.";

    private sealed record Field(string Name, Func<ExperimentSpec, ExperimentSpec, bool> Same, Func<ExperimentSpec, ExperimentSpec, ExperimentSpec> Take);

    private static readonly Field[] Fields =
    [
        new("name", (a, b) => a.Name == b.Name, (t, f) => t with { Name = f.Name }),
        new("base_command", (a, b) => a.BaseCommand == b.BaseCommand, (t, f) => t with { BaseCommand = f.BaseCommand }),
        new("run_name", (a, b) => a.RunName == b.RunName, (t, f) => t with { RunName = f.RunName }),
        new("nodes", (a, b) => a.Nodes == b.Nodes, (t, f) => t with { Nodes = f.Nodes }),
        new("gpus", (a, b) => a.Gpus == b.Gpus, (t, f) => t with { Gpus = f.Gpus }),
        new(SpecPatch.AcceleratorField, (a, b) => a.Accelerator == b.Accelerator, (t, f) => t with { Accelerator = f.Accelerator }),
        new(SpecPatch.CloudField, (a, b) => a.Cloud == b.Cloud, (t, f) => t with { Cloud = f.Cloud }),
        new(SpecPatch.RegionField, (a, b) => a.Region == b.Region, (t, f) => t with { Region = f.Region }),
        new("use_spot", (a, b) => a.UseSpot == b.UseSpot, (t, f) => t with { UseSpot = f.UseSpot }),
        new(SpecPatch.DescriptionField, (a, b) => a.Description == b.Description, (t, f) => t with { Description = f.Description }),
        new("tags", (a, b) => a.Tags.SequenceEqual(b.Tags), (t, f) => t with { Tags = f.Tags }),
        new(SpecPatch.GroupField, (a, b) => a.Group == b.Group, (t, f) => t with { Group = f.Group }),
        new(SpecPatch.AutostopMinutesField, (a, b) => a.AutostopMinutes == b.AutostopMinutes, (t, f) => t with { AutostopMinutes = f.AutostopMinutes }),
        new("autostop_down", (a, b) => a.AutostopDown == b.AutostopDown, (t, f) => t with { AutostopDown = f.AutostopDown }),
        new(SpecPatch.BudgetField, (a, b) => a.Budget == b.Budget, (t, f) => t with { Budget = f.Budget }),
        new(SpecPatch.RetryField, (a, b) => Equals(a.Retry, b.Retry), (t, f) => t with { Retry = f.Retry }),
    ];

    /// <summary>The names of the fields whose values differ, in table order, then <c>flags.KEY</c> in key order.</summary>
    public static ImmutableArray<string> Differences(ExperimentSpec a, ExperimentSpec b)
    {
        var names = ImmutableArray.CreateBuilder<string>();
        foreach (var field in Fields)
            if (!field.Same(a, b)) names.Add(field.Name);
        foreach (var key in a.Flags.Keys.Union(b.Flags.Keys, StringComparer.Ordinal).Order(StringComparer.Ordinal))
            if (!SameFlag(a, b, key)) names.Add(FlagPrefix + key);
        return names.ToImmutable();
    }

    /// <summary>Whether <paramref name="a"/> and <paramref name="b"/> have the same value for the field <paramref name="name"/>.</summary>
    public static bool Same(ExperimentSpec a, ExperimentSpec b, string name) =>
        name.StartsWith(FlagPrefix, StringComparison.Ordinal) ? SameFlag(a, b, name[FlagPrefix.Length..]) : Fields.Single(f => f.Name == name).Same(a, b);

    /// <summary><paramref name="target"/> with the field <paramref name="name"/> as <paramref name="from"/> has it (a flag it lacks is removed).</summary>
    public static ExperimentSpec Take(ExperimentSpec target, ExperimentSpec from, string name)
    {
        if (!name.StartsWith(FlagPrefix, StringComparison.Ordinal)) return Fields.Single(f => f.Name == name).Take(target, from);
        var key = name[FlagPrefix.Length..];
        return target with { Flags = from.Flags.TryGetValue(key, out var value) ? target.Flags.SetItem(key, value) : target.Flags.Remove(key) };
    }

    private static bool SameFlag(ExperimentSpec a, ExperimentSpec b, string key)
    {
        var inA = a.Flags.TryGetValue(key, out var x);
        var inB = b.Flags.TryGetValue(key, out var y);
        return inA == inB && (!inA || x == y);
    }
}
