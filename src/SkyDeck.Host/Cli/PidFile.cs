using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using SkyDeck.Actors.Core;
using SkyDeck.Actors.Hosting;

namespace SkyDeck.Host.Cli;

/// <summary>Reads and writes the pid file (JSON; a bare number from older tools is understood too).</summary>
internal static class PidFile
{
    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    /// <summary>The record, or null when there is no file. A damaged file gives a record with only what could be read.</summary>
    public static ServerRecord? Read(string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CliException($"cannot read the pid file '{path}': {e.Message}", e);
        }

        return Parse(text);
    }

    public static ServerRecord Parse(string text)
    {
        var trimmed = text.Trim();
        if (int.TryParse(trimmed, NumberStyles.None, CultureInfo.InvariantCulture, out var bare))
            return Unknown(bare);
        try
        {
            return JsonSerializer.Deserialize<ServerRecord>(trimmed, Json) ?? Unknown(0);
        }
        catch (JsonException)
        {
            return Unknown(0);
        }
    }

    public static void Write(string path, ServerRecord record)
    {
        var temp = $"{path}.{record.Pid}.tmp";
        PrivateFiles.Ensure(temp);
        File.WriteAllText(temp, JsonSerializer.Serialize(record, Json) + "\n");
        File.Move(temp, path, overwrite: true);
    }

    /// <summary>Removes the file only while it still names <paramref name="pid"/>: a newer server may have replaced it.</summary>
    public static void DeleteIfOwnedBy(string path, int pid)
    {
        try
        {
            if (Read(path) is { } record && record.Pid == pid) File.Delete(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or CliException)
        {
            // Best effort: a leftover file is detected as stale next time.
        }
    }

    private static ServerRecord Unknown(int pid) =>
        new(pid, new ServerSettings().Url, ServerSettings.DefaultHost, ServerSettings.DefaultPort, false, DateTimeOffset.MinValue, null);
}
