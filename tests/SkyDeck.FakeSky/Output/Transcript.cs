using System.Globalization;
using SkyDeck.FakeSky.State;

namespace SkyDeck.FakeSky.Output;

/// <summary>The fixed pieces of SkyPilot's launch/exec/logs output (SKYPILOT_CLI.md §1.3).</summary>
internal static class Transcript
{
    /// <summary>U+2699 U+FE0E, SkyPilot's text-presentation gear.</summary>
    public const string Gear = "⚙︎";

    public const string Check = "✓";

    /// <summary>The optimizer's "Considered resources" table with the chosen row ticked.</summary>
    public static IEnumerable<string> ConsideredResources(int nodes, string infra, string instance, double vcpus, double memory, string? gpus, double cost)
    {
        var table = new PrettyTable(["INFRA", "INSTANCE", "vCPUs", "Mem(GB)", "GPUS", "COST ($)", "CHOSEN"], leftPadding: 1, rightPadding: 2);
        table.CentredColumns.Add(6);
        table.AddRow(infra, instance, Number(vcpus), Number(memory), gpus ?? "-", cost.ToString("0.00", CultureInfo.InvariantCulture), "✔");
        var lines = table.Lines();
        var rule = new string('-', lines.Max(l => l.TrimEnd().Length) + 1);
        yield return $"Considered resources ({nodes} node{(nodes == 1 ? "" : "s")}):";
        yield return rule;
        yield return lines[0];
        yield return rule;
        yield return lines[1];
        yield return rule;
    }

    /// <summary><c>ux_utils.command_hint_messages(CLUSTER_JOB, …)</c>: tab-separated, glyphs dimmed and commands bold under ANSI.</summary>
    public static IEnumerable<string> UsefulCommands(Style style, string cluster, int? jobId)
    {
        var branch = style.Dim("├── ");
        var last = style.Dim("└── ");
        yield return "";
        yield return "📋 Useful Commands";
        if (jobId is { } id)
        {
            yield return $"Job ID: {id}";
            yield return $"{branch}To cancel the job:\t\t{style.Bold($"sky cancel {cluster} {id}")}";
            yield return $"{branch}To stream job logs:\t\t{style.Bold($"sky logs {cluster} {id}")}";
            yield return $"{last}To view job queue:\t\t{style.Bold($"sky queue {cluster}")}";
        }

        yield return $"Cluster name: {cluster}";
        yield return $"{branch}To log into the head VM:\t{style.Bold($"ssh {cluster}")}";
        yield return $"{branch}To submit a job:\t\t{style.Bold($"sky exec {cluster} yaml_file")}";
        yield return $"{branch}To stop the cluster:\t{style.Bold($"sky stop {cluster}")}";
        yield return $"{last}To teardown the cluster:\t{style.Bold($"sky down {cluster}")}";
    }

    /// <summary>What streaming a job's logs shows: the waiting/started tree, the task's lines and the verdict.</summary>
    public static IEnumerable<string> JobStream(FakeJob job, int nodes)
    {
        yield return $"├── Waiting for task resources on {nodes} node{(nodes == 1 ? "" : "s")}.";
        if (job.StartAt is not null)
        {
            yield return "└── Job started. Streaming logs... (Ctrl-C to exit log streaming; job will not be killed)";
            foreach (var line in TaskLines(job))
            {
                yield return line;
            }
        }

        foreach (var line in Verdict(job))
        {
            yield return line;
        }
    }

    /// <summary>Made-up output of the user's program, prefixed like Ray's log lines: <c>(task-name, pid=1234) </c>.</summary>
    public static IReadOnlyList<string> TaskLines(FakeJob job)
    {
        if (job.StartAt is null)
        {
            return [];
        }

        var prefix = $"({job.JobName}, pid={Pid(job)}) ";
        if (job.LogLines is { } own)
        {
            return [.. own.Select(l => prefix + l)];
        }

        var lines = new List<string>
        {
            $"{prefix}fake-sky: job {job.JobId} running: {job.Command}",
            $"{prefix}step 1/3 loss=0.912",
            $"{prefix}step 2/3 loss=0.604",
        };
        if (job.Status == JobStatuses.Succeeded)
        {
            lines.Add($"{prefix}step 3/3 loss=0.297");
            lines.Add($"{prefix}done.");
        }
        else if (JobStatuses.IsFailure(job.Status))
        {
            lines.Add($"{prefix}RuntimeError: fake-sky scripted failure");
        }

        return lines;
    }

    /// <summary>The lines after a finished job's logs: an ERROR line for failures, then <c>✓ Job finished (status: …).</c></summary>
    public static IEnumerable<string> Verdict(FakeJob job)
    {
        if (!JobStatuses.IsTerminal(job.Status))
        {
            yield break;
        }

        if (JobStatuses.IsFailure(job.Status))
        {
            yield return FailureLine(job);
        }

        yield return $"{Check} Job finished (status: {job.Status}).";
    }

    /// <summary>
    /// SkyPilot's failure line: <c>ERROR: Job N failed with return code list: [1]</c>; with several nodes where one failed
    /// and the others were cleaned up (137), the list plus PR #5838's explanation.
    /// </summary>
    public static string FailureLine(FakeJob job)
    {
        var codes = job.ExitCodes is { Count: > 0 } given ? given : [1];
        var line = $"ERROR: Job {job.JobId} failed with return code list: [{string.Join(", ", codes)}]";
        var worker = codes.FirstOrDefault(c => c is not 0 and not 137);
        return codes.Count > 1 && worker != 0 && codes.Contains(137)
            ? $"{line} (A worker failed with return code {worker}, SkyPilot cleaned up the processes on other nodes with return code 137)"
            : line;
    }

    /// <summary>A stable fake pid per job, so repeated <c>sky logs</c> calls print identical lines.</summary>
    public static int Pid(FakeJob job) => 1233 + job.JobId;

    private static string Number(double value) => value.ToString("0.##", CultureInfo.InvariantCulture);
}
