using Microsoft.Extensions.Configuration;
using SkyDeck.Actors.Core;

namespace SkyDeck.Host.Tests.Configuration;

/// <summary>Prices per accelerator-hour: defaults, SkyDeck:Prices (appsettings or SkyDeck__Prices__X), SKYDECK_PRICES, spot.</summary>
public sealed class PriceConfigurationTests
{
    private static PriceTable Read(params (string Key, string Value)[] settings)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value)))
            .Build();
        return SkyDeckConfiguration.Read(configuration, new SkyDeckPaths(Path.Combine(Path.GetTempPath(), "skydeck-price-test"))).Reconcile.Prices;
    }

    [Fact]
    public void GivenNothingConfigured_WhenRead_ThenTheDocumentedListPricesAndSpotFactorApply()
    {
        var prices = Read();

        Assert.Equal(4.10, prices.PerGpuHour("A100", spot: false));
        Assert.Equal(4.10, prices.PerGpuHour("a100", spot: false));
        Assert.Equal(4.10 * 0.35, prices.PerGpuHour("A100", spot: true)!.Value, 6);
        Assert.Null(prices.PerGpuHour("TPU-v5", spot: false));
    }

    [Fact]
    public void GivenTheSectionAndTheEnvironmentList_WhenRead_ThenTheListWinsAndOthersAreAdded()
    {
        var prices = Read(
            ("SkyDeck:Prices:A100", "3.5"), ("SkyDeck:Prices:TPU-v5", "1.2"),
            ("SKYDECK_PRICES", "A100=2.9, H200=15"),
            ("SkyDeck:SpotPrices:H100", "4"), ("SKYDECK_SPOT_FACTOR", "0.5"));

        Assert.Equal(2.9, prices.PerGpuHour("A100", false));
        Assert.Equal(1.2, prices.PerGpuHour("TPU-v5", false));
        Assert.Equal(15, prices.PerGpuHour("H200", false));
        Assert.Equal(4, prices.PerGpuHour("H100", true));
        Assert.Equal(1.45, prices.PerGpuHour("A100", true)!.Value, 6);
    }

    [Theory]
    [InlineData("SKYDECK_PRICES", "A100", "SKYDECK_PRICES")]
    [InlineData("SKYDECK_PRICES", "A100=cheap", "SKYDECK_PRICES (A100)")]
    [InlineData("SkyDeck:Prices:A100", "-1", "SkyDeck:Prices:A100")]
    [InlineData("SKYDECK_SPOT_FACTOR", "2", "SKYDECK_SPOT_FACTOR")]
    public void GivenABadPrice_WhenRead_ThenTheErrorNamesTheSetting(string key, string value, string named) =>
        Assert.Contains(named, Assert.Throws<ConfigurationException>(() => Read((key, value))).Message);
}
