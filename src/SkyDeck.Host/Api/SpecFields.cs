using SkyDeck.Actors.Core;

namespace SkyDeck.Host.Api;

/// <summary>
/// The spec's fields as the API spells them, in one table: which names a body may use, which can be cleared with
/// <c>null</c>, and how each is read into a <see cref="SpecPatch"/>. Create and PATCH both read through it, and the
/// actor applies the patch (<see cref="SpecPatch.ApplyTo"/>) over the current spec — or, for a create, over
/// <see cref="ExperimentSpec.Defaults"/>.
/// </summary>
public static class SpecFields
{
    private sealed record Field(string Name, bool Clearable, Func<FieldReader, SpecPatch, SpecPatch> Read);

    private static readonly Field[] All =
    [
        new("name", false, (r, p) => p with { Name = r.String("name") }),
        new("base_command", false, (r, p) => p with { BaseCommand = r.String("base_command") }),
        new("run_name", false, (r, p) => p with { RunName = r.String("run_name") }),
        new("nodes", false, (r, p) => p with { Nodes = r.Int("nodes") }),
        new("gpus", false, (r, p) => p with { Gpus = r.Int("gpus") }),
        new("flags", false, (r, p) => p with { Flags = r.Flags("flags") }),
        new(SpecPatch.AcceleratorField, true, (r, p) => p with { Accelerator = r.String(SpecPatch.AcceleratorField) }),
        new(SpecPatch.CloudField, true, (r, p) => p with { Cloud = r.String(SpecPatch.CloudField) }),
        new(SpecPatch.RegionField, true, (r, p) => p with { Region = r.String(SpecPatch.RegionField) }),
        new("use_spot", false, (r, p) => p with { UseSpot = r.Bool("use_spot") }),
        new(SpecPatch.DescriptionField, true, (r, p) => p with { Description = r.String(SpecPatch.DescriptionField) }),
        new("tags", false, (r, p) => p with { Tags = r.Strings("tags") }),
        new(SpecPatch.GroupField, true, (r, p) => p with { Group = r.String(SpecPatch.GroupField) }),
        new(SpecPatch.AutostopMinutesField, true, (r, p) => p with { AutostopMinutes = r.Int(SpecPatch.AutostopMinutesField) }),
        new("autostop_down", false, (r, p) => p with { AutostopDown = r.Bool("autostop_down") }),
        new(SpecPatch.BudgetField, true, (r, p) => p with { Budget = r.Budget(SpecPatch.BudgetField) }),
        new(SpecPatch.RetryField, true, (r, p) => p with { Retry = r.Retry(SpecPatch.RetryField) }),
    ];

    public static IReadOnlyList<string> Names { get; } = [.. All.Select(f => f.Name)];

    /// <summary>
    /// The fields the body sets. For a change, an explicit <c>null</c> clears an optional field and is refused for a
    /// required one; for a create, <c>null</c> means "the default", like leaving the field out.
    /// </summary>
    public static SpecPatch Read(FieldReader read, bool creating)
    {
        var patch = new SpecPatch();
        var cleared = new List<string>();
        foreach (var field in All)
        {
            if (read.IsNull(field.Name))
            {
                if (creating) continue;
                if (field.Clearable) cleared.Add(field.Name);
                else read.Fail(field.Name, "cannot be cleared");
                continue;
            }

            patch = field.Read(read, patch);
        }

        return patch with { Cleared = [.. cleared] };
    }
}
