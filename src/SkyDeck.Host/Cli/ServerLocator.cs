namespace SkyDeck.Host.Cli;

/// <summary>Finds the running server from the pid file, and removes the file when it is stale.</summary>
internal static class ServerLocator
{
    /// <summary>The running server, or null. A stale pid file (dead process, zombie, or a pid now used by another
    /// program) is deleted and <paramref name="console"/> is told why.</summary>
    public static ServerRecord? FindRunning(SkyDeckPaths paths, CliConsole console)
    {
        if (PidFile.Read(paths.PidFile) is not { } record) return null;
        if (record.Pid > 0 && Posix.IsSkyDeck(record.Pid)) return record;

        var why = record.Pid <= 0 ? "it is not readable"
            : Posix.IsAlive(record.Pid) ? $"pid {record.Pid} now belongs to another program"
            : $"process {record.Pid} is no longer running";
        try
        {
            File.Delete(paths.PidFile);
            console.Note($"removed a stale pid file ({why})");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            console.Warn($"the pid file '{paths.PidFile}' is stale ({why}) but cannot be removed: {e.Message}");
        }

        return null;
    }
}
