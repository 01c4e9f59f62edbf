using SkyDeck.FakeSky.Cli;
using SkyDeck.FakeSky.Control;
using SkyDeck.FakeSky.Output;
using SkyDeck.FakeSky.State;

namespace SkyDeck.FakeSky.Commands;

/// <summary>
/// <c>sky launch</c>: provisions (or restarts) the cluster, submits the job and prints SkyPilot's transcript.
/// Detached (<c>-d</c>) it exits 0 once the job is submitted; attached it walks the job's script to the end and
/// exits with its JobExitCode.
/// </summary>
internal sealed class LaunchCommand : ISkyCommand
{
    public string Name => "launch";

    public CommandSpec CreateSpec(FakeSkyControl control) => new(
        Name,
        "Launch a cluster or task.",
        [
            OptionSpec.Text("cluster", "A cluster name. If provided, either reuse the cluster or provision one with that name.", "-c", "--cluster"),
            OptionSpec.Switch("detach_run", "If True, as soon as a job is submitted, return from this call.", ["-d", "--detach-run"], ["-no-d"]),
            CommonOptions.Yes,
            OptionSpec.Integer("idle_minutes", "Automatically stop the cluster after this many idle minutes.", "-i", "--idle-minutes-to-autostop"),
            OptionSpec.Choice("wait_for", "What resets the idleness timer.", ["jobs_and_ssh", "jobs", "none"], "--wait-for"),
            OptionSpec.Flag("down", "Autodown the cluster when all jobs finish.", "--down"),
            OptionSpec.Flag("retry_until_up", "Retry provisioning until the cluster is up.", "-r", "--retry-until-up"),
            OptionSpec.Flag("dryrun", "Only print the provisioning plan.", "--dryrun"),
            OptionSpec.Flag("no_setup", "Skip setup phase when (re-)launching cluster.", "--no-setup"),
            OptionSpec.Flag("fast", "Skip setup and provisioning steps when the cluster is already up.", "--fast"),
            OptionSpec.Text("clone_disk_from", "Clone the disk from an existing cluster.", "--clone-disk-from", "--clone"),
            .. TaskRequest.OptionsFor(control),
            CommonOptions.Async,
        ],
        [new ArgumentSpec("ENTRYPOINT", Required: false, Variadic: true)]);

    public int Execute(ParsedArgs args, CommandContext context)
    {
        var task = TaskRequest.Read(args, args.Positionals, context.Spec);
        if (task.Entrypoint.LooksLikeMissingYaml)
        {
            return context.AbortAtPrompt(task.Entrypoint.MissingYamlQuestion);
        }

        var clusterName = args.Value("cluster") ?? $"sky-{Random.Shared.Next(0x10000):x4}-{FakeIdentity.UserName}";
        var existing = context.Home.ReadState().FindCluster(clusterName);
        var offer = Catalog.Choose(task.Infra, task.Accelerators, task.Cpus, task.NumNodes);
        var plan = Transcript.ConsideredResources(task.NumNodes, task.Infra.Display, offer.InstanceType, offer.Vcpus, offer.MemoryGb, task.Accelerators, offer.HourlyCost).ToList();

        if (!task.Entrypoint.IsEmpty)
        {
            context.Out.WriteLine(task.Entrypoint.Announcement);
        }

        if (args.Flag("dryrun"))
        {
            context.Out.WriteLines(plan);
            return 0;
        }

        if (!args.Flag("yes") && existing?.Status != ClusterStatuses.Up)
        {
            if (existing is null)
            {
                context.Out.WriteLines(plan);
                return context.AbortAtPrompt($"Launching a new cluster '{clusterName}'. Proceed?");
            }

            return context.AbortAtPrompt($"Restarting the stopped cluster '{clusterName}'. Proceed?");
        }

        context.Out.WriteLine($"Running on cluster: {clusterName}");
        if (context.Fault?.Kind == FaultKind.Capacity)
        {
            context.Out.WriteLines(plan);
            context.Out.WriteLine($"{Transcript.Gear} Launching on {task.Infra.LaunchDisplay}.");
            return context.Raise(
                "ResourcesUnavailableError",
                $"Failed to provision all possible launchable resources. Relax the task's resource requirements: {task.JobResources}");
        }

        if (existing is not null && Mismatch(existing, task, args) is { } requested)
        {
            // SkyPilot's check_resources_fit_cluster: an existing cluster only takes a task it can hold as launched.
            return context.Raise(
                "ResourcesMismatchError",
                "Requested resources do not match the existing cluster.\n"
                + $"  Requested:\t{{{requested}}}\n"
                + $"  Existing:\t{Describe(existing.NumNodes, existing.Cloud, existing.Accelerators, existing.UseSpot)}\n"
                + $"To fix: specify a new cluster name, or down the existing cluster first: sky down {clusterName}");
        }

        var attached = !args.Flag("detach_run") && !args.Flag("async");
        var outcome = context.Home.Update(state => Apply(state, clusterName, task, offer, args, context, attached));

        if (args.Flag("async"))
        {
            WriteAsyncReceipt(context);
        }
        else
        {
            WriteProvisioning(context, outcome, plan);
        }

        var exitCode = 0;
        if (outcome.Job is { } job)
        {
            Submissions.Record(context, clusterName, job, task);
            if (!args.Flag("async"))
            {
                exitCode = Submissions.Report(context, job, task.NumNodes, attached);
            }
        }

        if (!args.Flag("async"))
        {
            context.Out.WriteLines(Transcript.UsefulCommands(context.Style, clusterName, outcome.Job?.JobId));
        }

        return exitCode;
    }

    private static LaunchOutcome Apply(FakeSkyState state, string name, TaskRequest task, Offer offer, ParsedArgs args, CommandContext context, bool attached)
    {
        var cluster = state.FindCluster(name);
        var created = cluster is null;
        var provisioned = created || cluster!.Status != ClusterStatuses.Up;
        if (cluster is null)
        {
            cluster = NewCluster(name, task, offer);
            state.Clusters.Add(cluster);
        }

        if (provisioned)
        {
            cluster.Status = ClusterStatuses.Up;
            cluster.LaunchedAt = (long)context.Now;
            cluster.Opened(context.Now);
        }

        cluster.LastUse = context.CommandLine;
        if (args.Integer("idle_minutes") is { } idle)
        {
            cluster.Autostop = idle;
        }

        if (args.Flag("down"))
        {
            cluster.ToDown = true;
        }

        var job = task.Entrypoint.IsEmpty ? null : Submissions.Submit(context, cluster, task, attached);
        return new LaunchOutcome(name, new Infra(cluster.Cloud, cluster.Region, cluster.Zone), created, provisioned, job);
    }

    /// <summary>
    /// The requested resources, described, if the existing cluster cannot hold them: more nodes, another or a larger
    /// accelerator, another cloud or region (when one is asked for), or another spot setting. Fewer that fit are fine.
    /// </summary>
    private static string? Mismatch(FakeCluster cluster, TaskRequest task, ParsedArgs args)
    {
        var placed = args.Value("infra") is not null || args.Value("cloud") is not null;
        var fits = task.NumNodes <= cluster.NumNodes
            && task.UseSpot == cluster.UseSpot
            && AcceleratorsFit(task.Accelerators, cluster.Accelerators)
            && (!placed || (task.Infra.Cloud == cluster.Cloud && (task.Infra.Region is null || task.Infra.Region == cluster.Region)));
        return fits ? null : Describe(task.NumNodes, task.Infra.Cloud, task.Accelerators, task.UseSpot);
    }

    private static bool AcceleratorsFit(string? requested, string? existing)
    {
        if (requested is null) return true;
        if (existing is null) return false;
        var (name, count) = SplitAccelerator(requested);
        var (haveName, haveCount) = SplitAccelerator(existing);
        return string.Equals(name, haveName, StringComparison.OrdinalIgnoreCase) && count <= haveCount;
    }

    private static (string Name, double Count) SplitAccelerator(string accelerators) =>
        accelerators.Split(':', 2) is [var name, var count] ? (name, double.Parse(count, System.Globalization.CultureInfo.InvariantCulture)) : (accelerators, 1);

    private static string Describe(int nodes, string cloud, string? accelerators, bool spot) =>
        $"{nodes}x {cloud}({(accelerators is null ? "" : $"{{'{SplitAccelerator(accelerators).Name}': {SplitAccelerator(accelerators).Count}}}")}{(spot ? ", [Spot]" : "")})";

    private static FakeCluster NewCluster(string name, TaskRequest task, Offer offer) => new()
    {
        Name = name,
        Cloud = task.Infra.Cloud,
        Region = task.Infra.Region,
        Zone = task.Infra.Zone,
        NumNodes = task.NumNodes,
        Accelerators = task.Accelerators,
        InstanceType = offer.InstanceType,
        Cpus = offer.Vcpus,
        Memory = offer.MemoryGb,
        UseSpot = task.UseSpot,
    };

    private static void WriteProvisioning(CommandContext context, LaunchOutcome outcome, IReadOnlyList<string> plan)
    {
        if (outcome.Created)
        {
            context.Out.WriteLines(plan);
        }

        if (outcome.Provisioned)
        {
            context.Out.WriteLine($"{Transcript.Gear} Launching on {outcome.Infra.LaunchDisplay}.");
            context.Out.WriteLine("└── Instance is up.");
            context.Out.WriteLine($"{Transcript.Check} Cluster launched: {outcome.Cluster}.  View logs: sky logs --provision {outcome.Cluster}");
        }

        if (outcome.Job is not null)
        {
            context.Out.WriteLine($"{Transcript.Gear} Syncing files.");
        }
    }

    private static void WriteAsyncReceipt(CommandContext context)
    {
        var requestId = Guid.NewGuid().ToString();
        var shortId = requestId[..8];
        context.Out.WriteLine(context.Style.InGreen($"Submitted sky.launch request: {requestId}"));
        context.Out.WriteLine($"├── Check logs with: sky api logs {shortId}");
        context.Out.WriteLine($"├── Or, visit: http://127.0.0.1:46580/api/stream?request_id={shortId}");
        context.Out.WriteLine($"└── To cancel the request, run: sky api cancel {shortId}");
    }

    /// <summary>What the state update did: whether the cluster was created or (re)started, and the job it got.</summary>
    private sealed record LaunchOutcome(string Cluster, Infra Infra, bool Created, bool Provisioned, FakeJob? Job);
}
