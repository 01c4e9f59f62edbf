using System.Net.Sockets;
using Microsoft.AspNetCore.Connections;
using SkyDeck.Actors.Core;
using SkyDeck.Actors.Hosting;

namespace SkyDeck.Host.Cli;

/// <summary>
/// Turns the ways a server start can fail into one sentence, and leaves that sentence in the log as a fatal line so
/// that the <c>skydeck start</c> that spawned a detached server (whose stderr is /dev/null) can show it.
/// </summary>
internal static class StartupFailure
{
    private const string Tag = "[FTL] SkyDeck.Host.Cli: cannot start: ";

    /// <summary>A sentence for an expected failure; null for a bug.</summary>
    public static string? Describe(Exception exception, ServerSettings settings)
    {
        foreach (var e in Chain(exception))
        {
            switch (e)
            {
                case CliException:
                    return e.Message;
                case ConfigurationException:
                    return $"bad setting: {e.Message}";
                case DatabaseUnavailableException:
                    return e.Message;
                case AddressInUseException:
                case SocketException { SocketErrorCode: SocketError.AddressAlreadyInUse }:
                    return $"port {settings.Port} is already in use (by {PortCheck.DescribeOwner(settings.Port) ?? "another program?"}) — try skydeck start --port {PortCheck.SuggestPort(settings.Host, settings.Port)}";
                case InvalidDataException when e.Message.Contains("configuration", StringComparison.OrdinalIgnoreCase):
                    return $"{e.Message} {e.InnerException?.Message}".Trim();
            }
        }

        return null;
    }

    /// <summary>Appends the failure to the log (best effort: the log directory may be the very thing that is broken).</summary>
    public static void Record(SkyDeckPaths paths, string message, Exception? details)
    {
        try
        {
            if (!Directory.Exists(paths.Home)) return;
            PrivateFiles.Ensure(paths.LogFile);
            using var stream = new FileStream(paths.LogFile, FileMode.Append, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete);
            using var writer = new StreamWriter(stream);
            writer.WriteLine($"{DateTimeOffset.Now:yyyy-MM-dd HH:mm:ss.fff zzz} {Tag}{message.ReplaceLineEndings(" ")}");
            if (details is not null) writer.WriteLine(details.ToString());
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Nowhere to record it; the caller still prints it.
        }
    }

    /// <summary>The sentences recorded by <see cref="Record"/> among <paramref name="lines"/>.</summary>
    public static IReadOnlyList<string> FatalMessages(IEnumerable<string> lines) =>
        lines.Select(line => line.IndexOf(Tag, StringComparison.Ordinal) is var at and >= 0 ? line[(at + Tag.Length)..] : null)
            .OfType<string>()
            .Distinct()
            .ToList();

    private static IEnumerable<Exception> Chain(Exception exception)
    {
        var pending = new Stack<Exception>([exception]);
        while (pending.TryPop(out var e))
        {
            yield return e;
            if (e is AggregateException aggregate)
            {
                foreach (var inner in aggregate.InnerExceptions.Reverse()) pending.Push(inner);
            }
            else if (e.InnerException is { } inner)
            {
                pending.Push(inner);
            }
        }
    }
}
