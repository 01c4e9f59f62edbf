namespace SkyDeck.FakeSky.Commands;

/// <summary>The sky subcommands the fake implements, in <c>sky --help</c> order.</summary>
internal static class CommandRegistry
{
    public static IReadOnlyList<ISkyCommand> All { get; } =
    [
        new LaunchCommand(),
        new ExecCommand(),
        new StatusCommand(),
        new CostReportCommand(),
        new QueueCommand(),
        new LogsCommand(),
        new CancelCommand(),
        new StartCommand(),
        new TeardownCommand(terminate: false),
        new TeardownCommand(terminate: true),
    ];

    public static ISkyCommand? Find(string name) => All.FirstOrDefault(c => c.Name == name);
}
