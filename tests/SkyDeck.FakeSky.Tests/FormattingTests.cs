using SkyDeck.FakeSky.Output;

namespace SkyDeck.FakeSky.Tests;

public sealed class FormattingTests
{
    private const double Now = 1_800_000_000;

    [Theory]
    [InlineData(null, "-")]
    [InlineData(0.4, "< 1 sec")]
    [InlineData(5d, "a few secs ago")]
    [InlineData(34d, "34 secs ago")]
    [InlineData(60d, "1 min ago")]
    [InlineData((double)(5 * 60 + 59), "5 mins ago")]
    [InlineData(3600d, "1 hr ago")]
    [InlineData((double)(2 * 3600 + 5), "2 hrs ago")]
    [InlineData(86400d, "1 day ago")]
    [InlineData((double)(15 * 86400), "2 weeks ago")]
    public void Relative_times_read_like_pendulum_with_shortened_units(double? secondsAgo, string expected) =>
        Assert.Equal(expected, HumanTime.Ago(secondsAgo is { } s ? Now - s : null, Now));

    [Theory]
    [InlineData(0.5, "< 1s")]
    [InlineData(3d, "3s")]
    [InlineData((double)(4 * 60 + 29), "4m 29s")]
    [InlineData((double)(3600 + 2 * 60 + 23), "1h 2m 23s")]
    [InlineData((double)(86400 + 21 * 3600 + 11 * 60 + 4), "1d 21h 11m 4s")]
    public void Durations_read_like_pendulum_in_words_shortened(double seconds, string expected) =>
        Assert.Equal(expected, HumanTime.Duration(Now - seconds, Now, Now + 999));

    [Fact]
    public void A_duration_without_a_start_is_a_dash_and_without_an_end_runs_to_now() =>
        Assert.Equal(("-", "10s"), (HumanTime.Duration(null, null, Now), HumanTime.Duration(Now - 10, null, Now)));

    [Fact]
    public void Pretty_table_pads_each_column_to_its_widest_cell_plus_two_and_ignores_ansi()
    {
        var table = new PrettyTable(["ID", "STATUS"]).AddRow("10", "\x1b[32mRUNNING\x1b[0m").AddRow("9", "FAILED");

        Assert.Equal(
            ["ID  STATUS   ", "10  \x1b[32mRUNNING\x1b[0m  ", "9   FAILED   "],
            table.Lines());
    }

    [Fact]
    public void An_empty_pretty_table_is_just_the_header() =>
        Assert.Equal(["NAME  INFRA  "], new PrettyTable(["NAME", "INFRA"]).Lines());
}
