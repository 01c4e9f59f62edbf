using SkyDeck.Actors.Core;
using static SkyDeck.Actors.Tests.Sweeps.SweepSamples;

namespace SkyDeck.Actors.Tests.Sweeps;

public sealed class SweepExpansionTests
{
    [Fact]
    public void GivenTwoAxes_WhenGrid_ThenTheCartesianProductWithReadableIds()
    {
        var (cells, errors) = SweepExpansion.Expand("lrs", [Axis("trainer.lr", 0.001, 0.0003), Axis("seed", 1, 2, 3)], SweepMode.Grid, 1000);

        Assert.Empty(errors);
        Assert.Equal(6, cells.Length);
        Assert.Equal(
            ["lrs.seed1_lr0.001", "lrs.seed2_lr0.001", "lrs.seed3_lr0.001", "lrs.seed1_lr0.0003", "lrs.seed2_lr0.0003", "lrs.seed3_lr0.0003"],
            cells.Select(c => c.Id));
        Assert.All(cells, c => Assert.True(ExperimentId.IsValid(c.Id), c.Id));
    }

    [Fact]
    public void GivenEqualLengthAxes_WhenZip_ThenTheIthValuesPair()
    {
        var (cells, errors) = SweepExpansion.Expand("z", [Axis("a", 1, 2, 3), Axis("b", "x", "y", "z")], SweepMode.Zip, 1000);

        Assert.Empty(errors);
        Assert.Equal(["z.a1_bx", "z.a2_by", "z.a3_bz"], cells.Select(c => c.Id));
    }

    [Fact]
    public void GivenUnequalAxes_WhenZip_ThenRefusedNamingAxes()
    {
        var (_, errors) = SweepExpansion.Expand("z", [Axis("a", 1, 2), Axis("b", 1)], SweepMode.Zip, 1000);

        Assert.Equal("axes", Assert.Single(errors).Field);
    }

    [Theory]
    [InlineData("bad key")]
    [InlineData("1lr")]
    [InlineData("a..b")]
    public void GivenAnAxisKeyThatIsNotAFlagKey_ThenRefusedNamingIt(string key)
    {
        var (_, errors) = SweepExpansion.Expand("s", [Axis(key, 1)], SweepMode.Grid, 1000);

        Assert.Equal($"axes.{key}", Assert.Single(errors).Field);
    }

    [Fact]
    public void GivenAnEmptyAxisOrNoAxes_ThenRefused()
    {
        Assert.Equal("axes.lr", Assert.Single(SweepExpansion.Expand("s", [Axis("lr")], SweepMode.Grid, 1000).Errors).Field);
        Assert.Equal("axes", Assert.Single(SweepExpansion.Expand("s", [], SweepMode.Grid, 1000).Errors).Field);
    }

    [Fact]
    public void GivenMoreCellsThanTheCap_ThenRefusedBeforeExpanding()
    {
        var (cells, errors) = SweepExpansion.Expand("s", [Axis("a", [.. Enumerable.Range(0, 1000).Cast<object>()]), Axis("b", [.. Enumerable.Range(0, 1000).Cast<object>()])], SweepMode.Grid, 1000);

        Assert.Empty(cells);
        Assert.Contains("more than 1000 cells", Assert.Single(errors).Message);
    }

    [Fact]
    public void GivenValuesOfEveryType_ThenIdsAreDistinctValidAndStable()
    {
        object[] values = [1, -1, 0.5, -0.5, 1e-5, 1.0, true, false, "true", "m1", "adam", "1", "a b", "a_b", "x.json", "", "ünïcode", new string('x', 60)];
        var (cells, errors) = SweepExpansion.Expand("types", [Axis("v", values)], SweepMode.Grid, 1000);

        Assert.Empty(errors);
        Assert.Equal(values.Length, cells.Select(c => c.Id).Distinct().Count());
        Assert.All(cells, c => Assert.True(ExperimentId.IsValid(c.Id), c.Id));
        Assert.Equal(cells.Select(c => c.Id), SweepExpansion.Expand("types", [Axis("v", values)], SweepMode.Grid, 1000).Cells.Select(c => c.Id));
        Assert.Contains("types.v1", cells.Select(c => c.Id));
        Assert.Contains("types.vm1", cells.Select(c => c.Id));
        Assert.Contains("types.vadam", cells.Select(c => c.Id));
    }

    [Fact]
    public void GivenALongSweepIdAndManyAxes_ThenIdsStayWithinTheLimitAndDistinct()
    {
        var id = new string('s', SweepId.MaxLength);
        var (cells, errors) = SweepExpansion.Expand(id, [Axis("trainer.learning_rate", 0.001, 0.002), Axis("model.hidden_size", 128, 256), Axis("seed", 1, 2)], SweepMode.Grid, 1000);

        Assert.Empty(errors);
        Assert.Equal(8, cells.Select(c => c.Id).Distinct().Count());
        Assert.All(cells, c => Assert.True(ExperimentId.IsValid(c.Id) && c.Id.StartsWith(id + ".", StringComparison.Ordinal), c.Id));
    }

    [Fact]
    public void GivenAnExtendedAxis_ThenExistingCellsKeepTheirIds()
    {
        var before = SweepExpansion.Expand("s", [Axis("lr", 0.1, 0.2), Axis("seed", 1, 2)], SweepMode.Grid, 1000).Cells.Select(c => c.Id).ToHashSet();
        var after = SweepExpansion.Expand("s", [Axis("lr", 0.1, 0.2, 0.3), Axis("seed", 1, 2)], SweepMode.Grid, 1000).Cells.Select(c => c.Id).ToHashSet();

        Assert.Subset(after, before);
        Assert.Equal(2, after.Count - before.Count);
    }

    [Theory]
    [InlineData("has.dot")]
    [InlineData("directory")]
    [InlineData("a23456789012345678901234567890123")]
    public void GivenAnInvalidSweepId_ThenValidateSaysWhy(string id) => Assert.NotNull(SweepId.Validate(id));

    [Fact]
    public void TheCellSpecIsTheTemplateWithTheValuesAndTheSweep()
    {
        var cell = new SweepCell("lrs.seed1_lr0.001", Values(("trainer.lr", FlagValue.Of(0.001)), ("seed", FlagValue.Of(1L))));
        var spec = SweepExpansion.CellSpec("lrs", Support.Specs.Spec(), cell);

        Assert.Equal("lrs", spec.Sweep);
        Assert.Equal(FlagValue.Of(0.001), spec.Flags["trainer.lr"]);
        Assert.Equal("daveey.test_ppo.seed1_lr0.001", spec.RunName);
        Assert.Equal("Test PPO Training seed=1 lr=0.001", spec.Name);
        Assert.Empty(spec.Validate());
    }
}
