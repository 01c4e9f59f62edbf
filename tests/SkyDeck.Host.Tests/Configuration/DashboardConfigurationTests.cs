using Microsoft.Extensions.Configuration;
using SkyDeck.Host.Api;

namespace SkyDeck.Host.Tests.Configuration;

/// <summary>The dashboard's paging threshold: SkyDeck:Dashboard:PagedAbove, overridden by SKYDECK_DASHBOARD_PAGED_ABOVE.</summary>
public sealed class DashboardConfigurationTests
{
    private static DashboardOptions Read(params (string Key, string Value)[] settings) =>
        SkyDeckConfiguration.ReadDashboard(new ConfigurationBuilder()
            .AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value)))
            .Build());

    [Fact]
    public void GivenNothingConfigured_WhenRead_ThenTheTablePagesAbove5000()
    {
        Assert.Equal(5_000, Read().PagedAbove);
    }

    [Fact]
    public void GivenTheSectionAndTheEnvironment_WhenRead_ThenTheEnvironmentWins()
    {
        Assert.Equal(200, Read(("SkyDeck:Dashboard:PagedAbove", "200")).PagedAbove);
        Assert.Equal(0, Read(("SkyDeck:Dashboard:PagedAbove", "200"), ("SKYDECK_DASHBOARD_PAGED_ABOVE", "0")).PagedAbove);
    }

    [Theory]
    [InlineData("-1")]
    [InlineData("lots")]
    public void GivenABadThreshold_WhenRead_ThenTheErrorNamesTheSetting(string value) =>
        Assert.Contains("SKYDECK_DASHBOARD_PAGED_ABOVE", Assert.Throws<ConfigurationException>(() => Read(("SKYDECK_DASHBOARD_PAGED_ABOVE", value))).Message);
}
