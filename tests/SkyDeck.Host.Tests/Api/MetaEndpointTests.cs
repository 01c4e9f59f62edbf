using System.Text.Json;
using System.Text.RegularExpressions;
using SkyDeck.Actors.Core;
using SkyDeck.Host.Tests.Support;

namespace SkyDeck.Host.Tests.Api;

/// <summary><c>GET /api/meta</c>: the rules the page checks as you type are the ones the server validates with.</summary>
public sealed class MetaEndpointTests(ApiFixture fx) : IClassFixture<ApiFixture>
{
    private async Task<JsonElement> MetaAsync()
    {
        using var response = await fx.Client.GetAsync("/api/meta");
        response.EnsureSuccessStatusCode();
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
    }

    private static string[] Strings(JsonElement array) => [.. array.EnumerateArray().Select(e => e.GetString()!)];

    [Theory]
    [InlineData("a")]
    [InlineData("ppo_baseline")]
    [InlineData("lr-0.1.seed-2")]
    [InlineData("1abc")]
    [InlineData("abc-")]
    [InlineData("a b")]
    [InlineData("é")]
    public async Task GivenAnId_WhenTheSentPatternChecksIt_ThenItAgreesWithTheServersValidator(string id)
    {
        var meta = await MetaAsync();
        var rules = meta.GetProperty("id");
        var pattern = new Regex(rules.GetProperty("pattern").GetString()!, RegexOptions.ECMAScript);
        Assert.Equal(ExperimentId.IsValid(id), pattern.IsMatch(id) && id.Length <= rules.GetProperty("max_length").GetInt32());
        Assert.Equal(ExperimentId.Reserved, rules.GetProperty("reserved").GetString());
        Assert.Equal(ExperimentId.FileLikeSuffixes, Strings(rules.GetProperty("forbidden_suffixes")));
    }

    [Theory]
    [InlineData("lr", true)]
    [InlineData("trainer.optimizer.lr", true)]
    [InlineData("_private-x", true)]
    [InlineData("a..b", false)]
    [InlineData("1st", false)]
    [InlineData("a.", false)]
    [InlineData("a b", false)]
    public async Task GivenAFlagKey_WhenTheSentPatternChecksIt_ThenItAgreesWithTheServer(string key, bool valid)
    {
        var flagKey = (await MetaAsync()).GetProperty("flag_key");
        var pattern = new Regex(flagKey.GetProperty("pattern").GetString()!, RegexOptions.ECMAScript);
        Assert.Equal(valid, ExperimentSpec.IsValidFlagKey(key));
        Assert.Equal(valid, pattern.IsMatch(key));
        Assert.Equal(ExperimentSpec.MaxFlagKeyLength, flagKey.GetProperty("max_length").GetInt32());
    }

    [Fact]
    public async Task GivenEveryPhaseAndStatus_WhenTheSentLivenessDecides_ThenItAgreesWithTheServersRule()
    {
        var jobs = (await MetaAsync()).GetProperty("jobs");
        var livePhases = Strings(jobs.GetProperty("live_phases"));
        var untilTerminal = Strings(jobs.GetProperty("live_until_terminal_phases"));
        var terminal = Strings(jobs.GetProperty("terminal_statuses"));
        Assert.Equal(["REQUESTED"], livePhases);
        Assert.Equal(["SUBMITTED"], untilTerminal);
        foreach (var phase in Enum.GetValues<JobPhase>())
        {
            var phaseText = phase == JobPhase.LaunchFailed ? "LAUNCH_FAILED" : phase.ToString().ToUpperInvariant();
            foreach (var status in new SkyJobStatus?[] { null }.Concat(Enum.GetValues<SkyJobStatus>().Select(s => (SkyJobStatus?)s)))
            {
                var sent = livePhases.Contains(phaseText)
                    || untilTerminal.Contains(phaseText) && (status is null || !terminal.Contains(status.Value.ToSkyString()));
                Assert.True(JobRecord.IsLiveIn(phase, status) == sent, $"{phaseText} / {status?.ToSkyString() ?? "no status"}");
            }
        }
        Assert.Contains("LOST", Strings(jobs.GetProperty("statuses")));
    }

    [Fact]
    public async Task GivenTheMeta_WhenRead_ThenEveryCurrentStateComesOnceInTheDisplayOrderAndTheLimitsAreTheServers()
    {
        var meta = await MetaAsync();
        var states = Strings(meta.GetProperty("current_states"));
        Assert.Equal(Enum.GetValues<CurrentState>().Select(s => s.ToApi()).Order(), states.Order());
        Assert.Equal("RUNNING", states[0]);
        Assert.Equal(["RUNNING", "STOPPED", "TERMINATED"], Strings(meta.GetProperty("desired_states")));
        var limits = meta.GetProperty("limits");
        Assert.Equal(ExperimentSpec.MaxNodes, limits.GetProperty("max_nodes").GetInt32());
        Assert.Equal(ExperimentSpec.MaxGpus, limits.GetProperty("max_gpus").GetInt32());
        Assert.Equal(ExperimentSpec.MaxAutostopMinutes, limits.GetProperty("max_autostop_minutes").GetInt32());
        Assert.Equal(RetryPolicy.MaxRestartsLimit, limits.GetProperty("max_restarts_on_errors").GetInt32());
        Assert.Equal(255, limits.GetProperty("max_exit_code").GetInt32());
        Assert.Matches(new Regex(meta.GetProperty("resource_name_pattern").GetString()!, RegexOptions.ECMAScript), "us-east-1");
    }

    [Fact]
    public async Task GivenNoThresholdSetting_WhenMetaIsRead_ThenTheDashboardPagesAboveTheDefault()
    {
        var dashboard = (await MetaAsync()).GetProperty("dashboard");
        Assert.Equal(SkyDeck.Host.Api.DashboardOptions.DefaultPagedAbove, dashboard.GetProperty("paged_above").GetInt32());
    }
}
