
namespace SkyDeck.Actors.Core;

/// <summary>
/// The command SkyPilot runs on the cluster: <c>base_command run=&lt;run_name&gt; key=value …</c>, keys sorted
/// ordinally, every token POSIX-quoted so a value like <c>a b; rm -rf ~</c> arrives as one literal argument.
/// </summary>
public static class RemoteCommand
{
    public static string Build(ExperimentSpec spec) => ShellQuote.Join(Tokens(spec));

    public static IEnumerable<string> Tokens(ExperimentSpec spec)
    {
        foreach (var token in spec.BaseCommand.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries))
            yield return token;
        yield return $"run={spec.RunName}";
        foreach (var (key, value) in spec.Flags.OrderBy(kv => kv.Key, StringComparer.Ordinal))
            yield return $"{key}={value.ToCommandText()}";
    }
}
