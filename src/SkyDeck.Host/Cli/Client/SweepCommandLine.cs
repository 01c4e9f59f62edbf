using System.CommandLine;

namespace SkyDeck.Host.Cli;

/// <summary>The <c>skydeck sweep</c> verbs' arguments and options (their work: <see cref="SweepVerbs"/>).</summary>
public static partial class SkyDeckCommandLine
{
    private static Command SweepCommand(SkyDeckPaths paths, CliConsole console)
    {
        var sweep = new Command(
            "sweep",
            "Sweeps: a template, axes and a desired state whose cells are ordinary experiments. "
            + "skydeck sweep ls | show ID | create FILE.json | refill ID | start|stop|terminate ID.");
        sweep.Subcommands.Add(SweepLsCommand(paths, console));
        sweep.Subcommands.Add(SweepShowCommand(paths, console));
        sweep.Subcommands.Add(SweepCreateCommand(paths, console));
        sweep.Subcommands.Add(SweepRefillCommand(paths, console));
        sweep.Subcommands.Add(SweepDesiredCommand(paths, console, "start", "RUNNING", "Run every cell of the sweep (desired RUNNING)."));
        sweep.Subcommands.Add(SweepDesiredCommand(paths, console, "stop", "STOPPED", "Stop every cell of the sweep, keeping its cluster (desired STOPPED)."));
        sweep.Subcommands.Add(SweepDesiredCommand(paths, console, "terminate", "TERMINATED", "Tear every cell's cluster down (desired TERMINATED)."));
        return sweep;
    }

    private static Command SweepLsCommand(SkyDeckPaths paths, CliConsole console)
    {
        var all = new Option<bool>("--all", "-a") { Description = "Include deleted sweeps." };
        var json = JsonOption("the sweeps as the API lists them");
        var url = UrlOption();
        var command = new Command("ls", "List sweeps with their progress: cells, finished, counts by state.\n\n" + ExitCodes.ClientHelpText) { all, json, url };
        command.SetAction(async (parse, ct) =>
        {
            using var api = ApiClient.Connect(parse.GetValue(url), paths, console);
            return await SweepVerbs.ListAsync(api, parse.GetValue(all), parse.GetValue(json), console, ct);
        });
        return command;
    }

    private static Command SweepShowCommand(SkyDeckPaths paths, CliConsole console)
    {
        var id = new Argument<string>("id") { Description = "The sweep." };
        var json = JsonOption("the sweep, its progress and its cells as JSON");
        var url = UrlOption();
        var command = new Command("show", "Show one sweep: template, axes, counts, progress and its cells as a table fitted to the terminal.\n\n" + ExitCodes.ClientHelpText)
        {
            id, json, url,
        };
        command.SetAction(async (parse, ct) =>
        {
            using var api = ApiClient.Connect(parse.GetValue(url), paths, console);
            return await SweepVerbs.ShowAsync(api, parse.GetValue(id)!, parse.GetValue(json), console, ct);
        });
        return command;
    }

    private static Command SweepCreateCommand(SkyDeckPaths paths, CliConsole console)
    {
        var file = new Argument<FileInfo>("file")
        {
            Description = "The sweep as JSON, as POST /api/sweeps takes it: {\"id\", \"name\", \"template\": {…}, \"axes\": {\"trainer.lr\": [0.001, 0.0003]}, \"mode\", \"desired_state\"}.",
        };
        var preview = PreviewOption("the cells it would create");
        var json = JsonOption("the API's answer");
        var url = UrlOption();
        var command = new Command("create", "Create a sweep from a JSON file (again with the same file: nothing changes).\n\n" + ExitCodes.ClientHelpText)
        {
            file, preview, json, url,
        };
        command.SetAction(async (parse, ct) =>
        {
            using var api = ApiClient.Connect(parse.GetValue(url), paths, console);
            return await SweepVerbs.CreateAsync(api, parse.GetValue(file)!, parse.GetValue(preview), parse.GetValue(json), console, ct);
        });
        return command;
    }

    private static Command SweepRefillCommand(SkyDeckPaths paths, CliConsole console) =>
        SweepActionCommand(paths, console, "refill",
            "Run again the cells that failed, were deleted or are missing; successful and running cells are left alone.",
            "which cells it would run again", "refill", body: null);

    private static Command SweepDesiredCommand(SkyDeckPaths paths, CliConsole console, string verb, string desired, string description) =>
        SweepActionCommand(paths, console, verb, description + " Cells changed on their own follow too.",
            "which cells would change", "state", new Dictionary<string, string> { ["desired_state"] = desired });

    /// <summary>A verb that POSTs to one of a sweep's actions (<c>api/sweeps/{id}/{action}</c>), or to its preview.</summary>
    private static Command SweepActionCommand(
        SkyDeckPaths paths, CliConsole console, string verb, string description, string previewWhat, string action, object? body)
    {
        var id = new Argument<string>("id") { Description = "The sweep." };
        var preview = PreviewOption(previewWhat);
        var json = JsonOption("the API's answer");
        var url = UrlOption();
        var command = new Command(verb, description + "\n\n" + ExitCodes.ClientHelpText) { id, preview, json, url };
        command.SetAction(async (parse, ct) =>
        {
            using var api = ApiClient.Connect(parse.GetValue(url), paths, console);
            var sweep = parse.GetValue(id)!;
            return await SweepVerbs.SendAsync(
                api, sweep, $"api/sweeps/{Uri.EscapeDataString(sweep)}/{action}", body, parse.GetValue(preview), parse.GetValue(json), console, ct);
        });
        return command;
    }

    private static Option<bool> PreviewOption(string what) => new("--preview") { Description = $"Only show {what}; change nothing." };
}
