using System.Text.RegularExpressions;
using SkyDeck.FakeSky.Cli;
using SkyDeck.FakeSky.Control;

namespace SkyDeck.FakeSky.Commands;

/// <summary>The task a <c>sky launch</c> / <c>sky exec</c> describes, read from the shared task and resource options.</summary>
internal sealed partial record TaskRequest(
    string? Name,
    Entrypoint Entrypoint,
    int NumNodes,
    string? Accelerators,
    string? Cpus,
    bool UseSpot,
    Infra Infra,
    IReadOnlyDictionary<string, string> Env)
{
    /// <summary>Inline commands run as task <c>sky-cmd</c> unless <c>-n</c> names them.</summary>
    public string TaskName => Name ?? Entrypoint.YamlName ?? "sky-cmd";

    /// <summary>The RESOURCES cell of <c>sky queue</c>: <c>1x[A100:4]</c>, <c>2x[CPU:1+]</c>, <c>1x[T4:1][Spot]</c>.</summary>
    public string JobResources
    {
        get
        {
            var demand = (Accelerators, Cpus) switch
            {
                (null, null) => "CPU:1+",
                (null, { } cpus) => $"CPU:{cpus}",
                ({ } gpus, null) => gpus,
                ({ } gpus, { } cpus) => $"{gpus}, cpus={cpus}",
            };
            return $"{NumNodes}x[{demand}]{(UseSpot ? "[Spot]" : "")}";
        }
    }

    /// <summary>
    /// Options shared by launch and exec (SkyPilot's <c>TASK_OPTIONS</c> + <c>EXTRA_RESOURCES_OPTIONS</c>). Before 0.10
    /// there is no <c>--infra</c> and <c>--cloud/--region/--zone</c> are the documented options.
    /// </summary>
    public static IReadOnlyList<OptionSpec> OptionsFor(FakeSkyControl control) => control.HasInfraOption()
        ?
        [
            NameOption, WorkdirOption,
            OptionSpec.Text("infra", "Infrastructure: cloud[/region[/zone]], e.g. aws/us-east-1.", "--infra"),
            OptionSpec.Text("cloud", "Deprecated: use --infra.", "--cloud") with { Hidden = true },
            OptionSpec.Text("region", "Deprecated: use --infra.", "--region") with { Hidden = true },
            OptionSpec.Text("zone", "Deprecated: use --infra.", "--zone") with { Hidden = true },
            .. Options,
        ]
        :
        [
            NameOption, WorkdirOption,
            OptionSpec.Text("cloud", "The cloud to use. If specified, overrides the cloud in the YAML.", "--cloud"),
            OptionSpec.Text("region", "The region to use. If specified, overrides the region in the YAML.", "--region"),
            OptionSpec.Text("zone", "The zone to use. If specified, overrides the zone in the YAML.", "--zone"),
            .. Options,
        ];

    private static readonly OptionSpec NameOption = OptionSpec.Text("name", "Task name.", "-n", "--name");
    private static readonly OptionSpec WorkdirOption = OptionSpec.Text("workdir", "Working directory to sync.", "--workdir");

    private static IReadOnlyList<OptionSpec> Options { get; } =
    [
        OptionSpec.Integer("num_nodes", "Number of nodes to execute the task on.", "--num-nodes"),
        OptionSpec.Text("gpus", "Type and number of GPUs to use, e.g. V100:8.", "--gpus"),
        OptionSpec.Text("cpus", "Number of vCPUs each instance must have, e.g. 8 or 8+.", "--cpus"),
        OptionSpec.Text("memory", "Memory (GB) each instance must have.", "--memory"),
        OptionSpec.Integer("disk_size", "OS disk size in GB.", "--disk-size"),
        OptionSpec.Choice("disk_tier", "OS disk tier.", ["low", "medium", "high", "ultra", "best", "none"], "--disk-tier"),
        OptionSpec.Choice("network_tier", "Network tier.", ["standard", "best", "none"], "--network-tier"),
        OptionSpec.Text("instance_type", "Instance type to use.", "-t", "--instance-type"),
        OptionSpec.Text("image_id", "Custom image id.", "--image-id"),
        OptionSpec.Many("ports", "Ports to open on the cluster.", "--ports"),
        OptionSpec.Switch("use_spot", "Whether to request spot instances.", ["--use-spot"], ["--no-use-spot"]),
        OptionSpec.Many("env", "Environment variable KEY=VALUE (or KEY to copy the local value).", "--env"),
        OptionSpec.Text("env_file", "Path to a dotenv file with environment variables.", "--env-file"),
        OptionSpec.Many("secret", "Secret environment variable KEY=VALUE.", "--secret"),
        OptionSpec.Many("config", "Config overrides KEY=VALUE or a YAML path.", "--config"),
        OptionSpec.Text("git_url", "Git repository URL for the workdir.", "--git-url"),
        OptionSpec.Text("git_ref", "Git ref to check out.", "--git-ref"),
        OptionSpec.Integer("priority", "Job priority, 0 to 1000.", "--priority"),
    ];

    /// <summary>Reads the shared options; bad values become Click usage errors.</summary>
    public static TaskRequest Read(ParsedArgs args, IReadOnlyList<string> entrypointTokens, CommandSpec spec)
    {
        var gpus = args.Value("gpus");
        if (gpus is not null && !AcceleratorPattern().IsMatch(gpus))
        {
            throw UsageException.For(spec, $"Invalid value for '--gpus': '{gpus}' is not a valid accelerator spec (expected NAME or NAME:COUNT).");
        }

        var cpus = args.Value("cpus");
        if (cpus is not null && !CpusPattern().IsMatch(cpus))
        {
            throw UsageException.For(spec, $"Invalid value for '--cpus': '{cpus}' is not a valid number of vCPUs.");
        }

        var numNodes = args.Integer("num_nodes") ?? 1;
        if (numNodes < 1)
        {
            throw UsageException.For(spec, $"Invalid value for '--num-nodes': {numNodes} is not in the range x>=1.");
        }

        return new TaskRequest(
            args.Value("name"),
            Entrypoint.From(entrypointTokens),
            numNodes,
            gpus is null || gpus.Equals("none", StringComparison.OrdinalIgnoreCase) ? null : gpus,
            cpus,
            args.Flag("use_spot"),
            Infra.Parse(args.Value("infra"), args.Value("cloud"), args.Value("region"), args.Value("zone")),
            ReadEnv(args, spec));
    }

    private static Dictionary<string, string> ReadEnv(ParsedArgs args, CommandSpec spec)
    {
        var env = new Dictionary<string, string>(StringComparer.Ordinal);
        if (args.Value("env_file") is { } envFile)
        {
            if (!File.Exists(envFile))
            {
                throw UsageException.For(spec, $"Invalid value for '--env-file': Path '{envFile}' does not exist.");
            }

            foreach (var line in File.ReadLines(envFile).Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#')))
            {
                var (key, value) = SplitPair(line);
                env[key] = value ?? "";
            }
        }

        foreach (var pair in args.Values("env"))
        {
            var (key, value) = SplitPair(pair);
            env[key] = value
                ?? Environment.GetEnvironmentVariable(key)
                ?? throw UsageException.For(spec, $"{key} is not set in local environment.");
        }

        return env;
    }

    private static (string Key, string? Value) SplitPair(string pair)
    {
        var eq = pair.IndexOf('=', StringComparison.Ordinal);
        return eq < 0 ? (pair, null) : (pair[..eq], pair[(eq + 1)..]);
    }

    [GeneratedRegex(@"^([A-Za-z0-9][A-Za-z0-9_.-]*(:\d+(\.\d+)?)?|none)$")]
    private static partial Regex AcceleratorPattern();

    [GeneratedRegex(@"^\d+(\.\d+)?\+?$")]
    private static partial Regex CpusPattern();
}
