using System.Collections.Immutable;
using SkyDeck.Actors.Core;
using SkyDeck.Host.Api;

namespace SkyDeck.Host.Tests.Api;

/// <summary>
/// <see cref="ExperimentFilter"/> is filter.js in C#: the same table as <c>tests/ui/filter.test.mjs</c> (same rows, same
/// queries, same answers), so a query selects the same experiments in the dashboard and on the server.
/// </summary>
public sealed class ExperimentFilterTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 1, 0, 0, 0, TimeSpan.Zero);

    public static ExperimentSummary Row(
        string id, string name, string run, CurrentState current, DesiredState desired, int nodes, int gpus,
        IReadOnlyDictionary<string, FlagValue> flags, string[]? tags = null, string? group = null, bool deleted = false, bool restart = false, int minute = 0) =>
        new(id,
            new ExperimentSpec(name, "lt", run, ImmutableSortedDictionary.CreateRange(StringComparer.Ordinal, flags), nodes, gpus,
                Tags: [.. tags ?? []], Group: group),
            desired, current, 1, 1, deleted, null, null, true, restart, null, null, 0, T0.AddMinutes(minute), T0.AddMinutes(60 - minute), 1);

    private static readonly ExperimentSummary[] Rows =
    [
        Row("lr-small", "ResNet small lr", "r1", CurrentState.Running, DesiredState.Running, 1, 8,
            new Dictionary<string, FlagValue> { ["trainer.lr"] = FlagValue.Of(0.001), ["model.layers"] = FlagValue.Of(50L), ["data.name"] = FlagValue.Of("imagenet") },
            tags: ["baseline"], group: "resnet", minute: 1),
        Row("lr-big", "ResNet big lr", "r2", CurrentState.Failed, DesiredState.Running, 2, 8,
            new Dictionary<string, FlagValue> { ["trainer.lr"] = FlagValue.Of(0.1), ["model.layers"] = FlagValue.Of(101L) }, group: "resnet", minute: 2),
        Row("vit", "ViT", "vit-run", CurrentState.Stopped, DesiredState.Stopped, 4, 0,
            new Dictionary<string, FlagValue> { ["optim.lr"] = FlagValue.Of(0.0003), ["debug"] = FlagValue.Of(true) }, deleted: true, restart: true, minute: 3),
    ];

    private static string Ids(string query) => string.Join(",", Rows.Where(ExperimentFilter.Parse(query).Matches).Select(r => r.Id));

    [Theory]
    // an empty query matches every row
    [InlineData("", "lr-small,lr-big,vit")]
    [InlineData("   ", "lr-small,lr-big,vit")]
    // bare text searches id, name and run name, case-insensitively; flag values are not free text
    [InlineData("RESNET", "lr-small,lr-big")]
    [InlineData("vit-run", "vit")]
    [InlineData("imagenet", "")]
    [InlineData("\"\"", "lr-small,lr-big,vit")]
    // all terms must match
    [InlineData("resnet state=FAILED", "lr-big")]
    // a key may be a full flag key or its last segments; numbers compare by value, not spelling
    [InlineData("trainer.lr=0.1", "lr-big")]
    [InlineData("lr=0.1", "lr-big")]
    [InlineData("lr=3e-4", "vit")]
    [InlineData("flag.layers=50", "lr-small")]
    [InlineData("f.layers=50", "lr-small")]
    [InlineData("f.nodes=1", "")]
    // != matches rows whose flag differs or is missing
    [InlineData("layers!=50", "lr-big,vit")]
    // numeric comparisons ignore rows without a number
    [InlineData("layers>=100", "lr-big")]
    [InlineData("nodes<2", "lr-small")]
    [InlineData("nodes>abc", "")]
    [InlineData("data.name>1", "")]
    [InlineData("nodes>", "lr-small,lr-big,vit")]
    [InlineData("gpus<=0x8", "lr-small,lr-big,vit")]
    // * is a wildcard and quotes keep spaces; regex metacharacters are literal
    [InlineData("name=\"resnet big*\"", "lr-big")]
    [InlineData("id=lr-*", "lr-small,lr-big")]
    [InlineData("name=*.*", "")]
    // lr-small's data.name flag answers for "name" (a flag's last segment wins over the field), as in filter.js
    [InlineData("name=*s*l*", "lr-big")]
    [InlineData("name=imag*", "lr-small")]
    [InlineData("id=*", "lr-small,lr-big,vit")]
    // has: and -has: test presence of a flag
    [InlineData("has:debug", "vit")]
    [InlineData("-has:layers", "vit")]
    // fields: state, desired, tag, group, restart, deleted; booleans compare as true/false
    [InlineData("desired=STOPPED", "vit")]
    [InlineData("STATE=running", "lr-small")]
    [InlineData("tag=baseline", "lr-small")]
    [InlineData("tag!=baseline", "lr-big,vit")]
    [InlineData("group=resnet", "lr-small,lr-big")]
    [InlineData("group=", "vit")]
    [InlineData("restart=true", "vit")]
    [InlineData("deleted=true", "vit")]
    [InlineData("debug=true", "vit")]
    [InlineData("run=r*", "lr-small,lr-big")]
    [InlineData("unknown=x", "")]
    [InlineData("unknown!=x", "lr-small,lr-big,vit")]
    // characters no term takes are skipped, as the regex in filter.js skips them
    [InlineData("=vit", "")]
    public void GivenTheDashboardsRows_WhenFiltered_ThenTheSameRowsMatchAsInFilterJs(string query, string expected)
    {
        Assert.Equal(expected, Ids(query));
    }

    [Fact]
    public void GivenAFlagNamedLikeAField_WhenFiltered_ThenTheFlagWins()
    {
        var shadow = Row("x", "x", "x", CurrentState.Running, DesiredState.Running, 1, 0, new Dictionary<string, FlagValue> { ["state"] = FlagValue.Of("custom") });

        Assert.True(ExperimentFilter.Parse("state=custom").Matches(shadow));
        Assert.False(ExperimentFilter.Parse("state=running").Matches(shadow));
    }

    [Fact]
    public void GivenAQuery_WhenParsed_ThenTermsAreSplitAndValuesUnquoted()
    {
        Assert.Equal(
            [
                new ExperimentFilter.TextTerm("a"),
                new ExperimentFilter.TextTerm("b c"),
                new ExperimentFilter.CompareTerm("lr", ">=", "0.1"),
                new ExperimentFilter.HasTerm("x", false),
                new ExperimentFilter.HasTerm("y", true),
                new ExperimentFilter.CompareTerm("name", "=", "q r"),
            ],
            ExperimentFilter.Parse("a \"b c\" lr>=0.1 has:x -has:y name=\"q r\"").Terms);
    }

    [Theory]
    [InlineData("", 0.0)]
    [InlineData(" 12 ", 12.0)]
    [InlineData("-1.5e3", -1500.0)]
    [InlineData(".5", 0.5)]
    [InlineData("5.", 5.0)]
    [InlineData("0x1F", 31.0)]
    [InlineData("0b101", 5.0)]
    [InlineData("abc", null)]
    [InlineData("1_000", null)]
    [InlineData("1,5", null)]
    [InlineData("-0x10", null)]
    public void GivenText_WhenReadAsANumber_ThenItReadsAsJavaScriptsNumberDoes(string text, double? expected)
    {
        Assert.Equal(expected, ExperimentFilter.JsNumber(text));
    }

    [Theory]
    [InlineData("id", "lr-big,lr-small,vit")]
    [InlineData("id:desc", "vit,lr-small,lr-big")]
    [InlineData("created", "lr-small,lr-big,vit")]
    [InlineData("updated", "vit,lr-big,lr-small")]
    [InlineData("state", "lr-small,lr-big,vit")] // the dashboard's state order (RUNNING, …, FAILED, …, STOPPED), not by name
    [InlineData("f:model.layers", "lr-small,lr-big,vit")]
    [InlineData("f:model.layers:desc", "lr-big,lr-small,vit")]
    [InlineData("f:debug:desc", "vit,lr-small,lr-big")]
    public void GivenASort_WhenOrdering_ThenByTheColumnWithMissingFlagsLastAndTheIdBreakingTies(string sort, string expected)
    {
        var (order, problem) = ExperimentSort.Parse(sort);
        Assert.Null(problem);

        var sorted = Rows.OrderBy(r => order!.KeyOf(r), Comparer<ExperimentSort.Key>.Create(order!.Compare)).Select(r => r.Id);

        Assert.Equal(expected, string.Join(",", sorted));
    }

    [Theory]
    [InlineData("size")]
    [InlineData("f:")]
    [InlineData("id:down")]
    [InlineData("")]
    public void GivenAnUnknownSort_WhenParsed_ThenItIsRefusedWithTheChoices(string sort)
    {
        var (order, problem) = ExperimentSort.Parse(sort);

        Assert.Null(order);
        Assert.Contains("f:", problem);
    }

    [Theory]
    [InlineData("a2", "a10", -1)]
    [InlineData("A", "b", -1)]
    [InlineData("run-010", "run-9", 1)]
    [InlineData("x", "x", 0)]
    [InlineData("X", "x", -1)]
    public void GivenTwoTexts_WhenComparedNaturally_ThenDigitRunsCompareByValueAndCaseOnlyBreaksTies(string a, string b, int expected)
    {
        Assert.Equal(expected, Math.Sign(ExperimentSort.Natural(a, b)));
    }

    [Fact]
    public void GivenAPosition_WhenMadeACursorAndReadBack_ThenItIsTheSamePositionAndOnlyForItsSort()
    {
        var (order, _) = ExperimentSort.Parse("f:trainer.lr:desc");
        var key = order!.KeyOf(Rows[0]);

        var cursor = ExperimentPages.Cursor(order, key);

        var (parsed, problem) = ExperimentPages.ParseCursor(cursor, order);
        Assert.Equal(key, parsed);
        Assert.Null(problem);
        Assert.Contains("sort=f:trainer.lr:desc", ExperimentPages.ParseCursor(cursor, ExperimentSort.Default).Problem);
        Assert.NotNull(ExperimentPages.ParseCursor("bm90IGEgY3Vyc29y", order).Problem);
        Assert.NotNull(ExperimentPages.ParseCursor("%%%", order).Problem);
    }
}
