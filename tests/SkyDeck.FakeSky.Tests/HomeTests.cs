using System.Text.Json;
using SkyDeck.FakeSky.Control;
using SkyDeck.FakeSky.State;

namespace SkyDeck.FakeSky.Tests;

[Trait("Category", "Slow")]
public sealed class HomeTests : FakeSkyTestBase
{
    [Fact]
    public void Control_is_written_as_snake_case_json_and_read_back()
    {
        Home.WriteControl(FakeSkyControl.Default
            .WithFault("queue", "exit:3")
            .WithDelay("launch", 250)
            .WithScript("skydeck-exp1-*", "PENDING", "RUNNING", "SUCCEEDED") with { JsonOutput = false, Ansi = true });

        var raw = JsonDocument.Parse(File.ReadAllText(Home.ControlPath)).RootElement;
        var control = Home.ReadControl();

        Assert.Equal(
            ["json_output", "version", "ansi", "delays_ms", "faults", "scripts", "default_script"],
            raw.EnumerateObject().Select(p => p.Name));
        Assert.Equal("skydeck-exp1-*", raw.GetProperty("scripts")[0].GetProperty("match").GetString());
        Assert.False(control.JsonOutput);
        Assert.Equal(250, control.DelaysMs["launch"]);
        Assert.Equal(["PENDING", "RUNNING", "SUCCEEDED"], control.ScriptFor("skydeck-exp1-g3"));
        Assert.Equal(["PENDING", "RUNNING"], control.ScriptFor("other"));
    }

    [Fact]
    public async Task A_hand_written_partial_control_file_uses_defaults_for_the_rest()
    {
        File.WriteAllText(Home.ControlPath, """{"faults": {"status": "exit:4"}}""");

        var result = await Sky("status");

        Assert.Equal(4, result.ExitCode);
        Assert.True(Home.ReadControl().JsonOutput);
    }

    [Fact]
    public async Task A_control_file_with_an_unknown_member_is_an_internal_error_not_silently_ignored()
    {
        File.WriteAllText(Home.ControlPath, """{"fault": {"status": "exit:4"}}""");

        var result = await Sky("status");

        Assert.Equal(70, result.ExitCode);
        Assert.Contains("control.json is not valid", result.StdErr);
    }

    [Fact]
    public async Task Ctl_set_status_pins_the_job_and_dump_prints_the_state()
    {
        Home.SetControl(c => c with { DefaultScript = ["PENDING", "RUNNING", "SUCCEEDED"] });
        await LaunchAsync("c1", "x");

        var set = await Sky("ctl", "set-status", "c1", "1", "running");
        await Sky("queue", "c1");
        await Sky("queue", "c1");
        var dump = await Sky("ctl", "dump");

        Assert.Equal(0, set.ExitCode);
        var state = JsonDocument.Parse(dump.StdOut).RootElement;
        var job = state.GetProperty("clusters")[0].GetProperty("jobs")[0];
        Assert.Equal("RUNNING", job.GetProperty("status").GetString());
        Assert.Equal(JsonValueKind.Number, job.GetProperty("start_at").ValueKind);
    }

    [Fact]
    public async Task Ctl_reports_unknown_jobs_and_bad_usage()
    {
        var missing = await Sky("ctl", "set-status", "c1", "1", "FAILED");
        var usage = await Sky("ctl", "json", "maybe");

        Assert.Equal(1, missing.ExitCode);
        Assert.Contains("no job 1 on cluster 'c1'", missing.StdErr);
        Assert.Equal(2, usage.ExitCode);
        Assert.Contains("expected on or off", usage.StdErr);
    }

    [Theory]
    [InlineData("--help")]
    [InlineData("-h")]
    public async Task Ctl_help_prints_the_usage_and_exits_0(string flag)
    {
        var result = await Sky("ctl", flag);

        Assert.Equal(0, result.ExitCode);
        Assert.StartsWith("Usage: fake-sky ctl COMMAND [ARGS]...", result.StdOut);
        Assert.Contains("set-status CLUSTER JOB_ID STATUS", result.StdOut);
        Assert.Equal("", result.StdErr);
    }

    [Fact]
    public async Task Ctl_control_commands_edit_control_json()
    {
        await Sky("ctl", "json", "off");
        await Sky("ctl", "ansi", "on");
        await Sky("ctl", "delay", "queue", "5");
        await Sky("ctl", "fault", "launch", "capacity");
        await Sky("ctl", "script", "exp-*", "pending", "succeeded");
        await Sky("ctl", "default-script", "RUNNING");

        var control = Home.ReadControl();

        Assert.False(control.JsonOutput);
        Assert.True(control.Ansi);
        Assert.Equal(5, control.DelaysMs["queue"]);
        Assert.Equal("capacity", control.Faults["launch"]);
        Assert.Equal(["PENDING", "SUCCEEDED"], control.ScriptFor("exp-1"));
        Assert.Equal(["RUNNING"], control.DefaultScript);
    }

    [Fact]
    public async Task In_process_set_status_and_vanish_are_seen_by_the_executable()
    {
        await LaunchAsync("c1", "x");
        await LaunchAsync("c2", "y");

        Home.SetStatus("c1", 1, JobStatuses.FailedDriver);
        Home.Vanish("c2");

        Assert.Equal(100, (await Sky("logs", "c1", "1", "--status")).ExitCode);
        Assert.Equal(["c1"], Home.ReadState().Clusters.Select(c => c.Name));
        Assert.Throws<InvalidOperationException>(() => Home.Vanish("c2"));
    }

    [Fact]
    public async Task Reset_forgets_everything()
    {
        await LaunchAsync("c1", "x");
        Home.SetControl(c => c with { Ansi = true });

        await Sky("ctl", "reset");

        Assert.Empty(Home.ReadState().Clusters);
        Assert.Empty(Home.ReadLaunches());
        Assert.False(Home.ReadControl().Ansi);
    }
}
