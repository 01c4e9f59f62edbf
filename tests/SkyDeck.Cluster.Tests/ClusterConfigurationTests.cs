using Microsoft.Extensions.Configuration;
using SkyDeck.Host;

namespace SkyDeck.Cluster.Tests;

/// <summary>Cluster settings from env/appsettings: what is read, and which combinations are refused with a clear message.</summary>
public sealed class ClusterConfigurationTests
{
    private const string Db = "Host=db.internal;Database=skydeck;Username=skydeck;Password=secret";
    private const string Seeds = "akka.tcp://skydeck@10.0.0.1:4053, akka.tcp://skydeck@10.0.0.2:4053";

    [Fact]
    public void GivenNoClusterSettings_WhenRead_ThenSkyDeckRunsAsOneProcessOnSqlite() =>
        Assert.Null(Read().Cluster);

    [Fact]
    public void GivenClusterSeedsAndDb_WhenRead_ThenTheNodeIsConfigured()
    {
        var cluster = Read(("SKYDECK_CLUSTER", "true"), ("SKYDECK_SEED_NODES", Seeds), ("SKYDECK_DB", Db), ("SKYDECK_REMOTE_HOST", "10.0.0.3"), ("SKYDECK_REMOTE_PORT", "5000")).Cluster;

        Assert.NotNull(cluster);
        Assert.Equal<string>(["akka.tcp://skydeck@10.0.0.1:4053", "akka.tcp://skydeck@10.0.0.2:4053"], cluster.SeedNodes.ToArray());
        Assert.Equal(Db, cluster.ConnectionString);
        Assert.Equal("10.0.0.3", cluster.RemoteHost);
        Assert.Equal(5000, cluster.RemotePort);
        Assert.Null(cluster.PublicHost);
    }

    [Fact]
    public void GivenAppSettingsWithASeedArray_WhenRead_ThenDefaultsFillTheRest()
    {
        var cluster = Read(("SkyDeck:Cluster", "true"), ("SkyDeck:SeedNodes:0", "akka.tcp://skydeck@a:4053"), ("SkyDeck:Db", Db)).Cluster;

        Assert.NotNull(cluster);
        Assert.Equal<string>(["akka.tcp://skydeck@a:4053"], cluster.SeedNodes.ToArray());
        Assert.Equal("127.0.0.1", cluster.RemoteHost);
        Assert.Equal(4053, cluster.RemotePort);
    }

    [Theory]
    [InlineData("SKYDECK_SEED_NODES", "", "cluster mode needs SKYDECK_SEED_NODES")]
    [InlineData("SKYDECK_DB", "", "cluster mode needs SKYDECK_DB")]
    [InlineData("SKYDECK_DB", "Data Source=/home/me/.skydeck/skydeck.db", "SKYDECK_DB is not a PostgreSQL connection string")]
    [InlineData("SKYDECK_DB", "Database=skydeck;Username=skydeck", "SKYDECK_DB must name the PostgreSQL server")]
    [InlineData("SKYDECK_SEED_NODES", "10.0.0.1:4053", "SKYDECK_SEED_NODES: '10.0.0.1:4053' is not an address like akka.tcp://skydeck@host:port")]
    [InlineData("SKYDECK_SEED_NODES", "akka.tcp://other@10.0.0.1:4053", "must name the actor system 'skydeck'")]
    [InlineData("SKYDECK_REMOTE_PORT", "70000", "SKYDECK_REMOTE_PORT must be a whole number from 0 to 65535")]
    public void GivenClusterModeWithABadSetting_WhenRead_ThenTheErrorNamesIt(string key, string value, string message)
    {
        var settings = new Dictionary<string, string> { ["SKYDECK_CLUSTER"] = "true", ["SKYDECK_SEED_NODES"] = Seeds, ["SKYDECK_DB"] = Db, [key] = value };

        var error = Assert.Throws<ConfigurationException>(() => Read([.. settings.Select(kv => (kv.Key, kv.Value))]));

        Assert.Contains(message, error.Message);
    }

    [Theory]
    [InlineData("SKYDECK_DB", Db)]
    [InlineData("SKYDECK_SEED_NODES", Seeds)]
    [InlineData("SKYDECK_REMOTE_PORT", "4053")]
    public void GivenAClusterSettingWithoutClusterMode_WhenRead_ThenItIsRefusedRatherThanIgnored(string key, string value)
    {
        var error = Assert.Throws<ConfigurationException>(() => Read((key, value)));

        Assert.Contains(key, error.Message);
        Assert.Contains("SKYDECK_CLUSTER=true", error.Message);
    }

    [Fact]
    public void GivenANonBooleanClusterFlag_WhenRead_ThenTheErrorNamesIt() =>
        Assert.Contains("SKYDECK_CLUSTER must be true or false", Assert.Throws<ConfigurationException>(() => Read(("SKYDECK_CLUSTER", "maybe"))).Message);

    /// <summary>
    /// Two owners of an experiment are prevented by the downed side stopping its shards within the removal margin; a
    /// margin shorter than the resolver's stable-after would let the majority start them before the minority has decided.
    /// </summary>
    [Fact]
    public void GivenTheClusterTuning_WhenRead_ThenShardsMoveNoSoonerThanTheDownedSideStopsThem()
    {
        var tuning = Akka.Configuration.ConfigurationFactory.ParseString(Actors.Cluster.SkyDeckCluster.ShardingTuning);

        var stableAfter = tuning.GetTimeSpan("akka.cluster.split-brain-resolver.stable-after");
        var margin = tuning.GetTimeSpan("akka.cluster.down-removal-margin");

        Assert.True(margin >= stableAfter, $"down-removal-margin {margin} < stable-after {stableAfter}");
        Assert.True(stableAfter >= TimeSpan.FromSeconds(7), $"stable-after {stableAfter} is below Akka's minimum for small clusters (7 s)");
    }

    /// <summary>
    /// Npgsql's default pool (100 per node) let a few busy nodes exhaust PostgreSQL's default 100 connections; a node
    /// caps itself unless its connection string says how many it may open.
    /// </summary>
    [Theory]
    [InlineData(Db, 20)]
    [InlineData(Db + ";Maximum Pool Size=50", 50)]
    [InlineData(Db + ";maximum pool size=7", 7)]
    [InlineData(Db + ";MaxPoolSize=3", 3)]
    public void GivenTheDbConnectionString_WhenANodeUsesIt_ThenItsPoolIsCappedUnlessTheStringSetsASize(string given, int expected)
    {
        var used = new Npgsql.NpgsqlConnectionStringBuilder(Actors.Cluster.PostgresDatabase.NodeConnectionString(given));

        Assert.Equal(expected, used.MaxPoolSize);
        Assert.Equal("db.internal", used.Host);
        Assert.Equal("secret", used.Password);
    }

    private static Actors.Hosting.SkyDeckOptions Read(params (string Key, string Value)[] settings)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value)))
            .Build();
        return SkyDeckConfiguration.Read(configuration, new SkyDeckPaths(Path.Combine(Path.GetTempPath(), "skydeck-config-test")));
    }
}
