using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace SkyDeck.Host.Cli;

/// <summary>Checks that the server can listen before it is spawned, and names whoever holds the port.</summary>
internal static class PortCheck
{
    public static bool IsWildcard(string host) => host is "0.0.0.0" or "::" or "[::]" or "*" or "+";

    public static bool IsLoopback(string host) =>
        host.Equals("localhost", StringComparison.OrdinalIgnoreCase)
        || IPAddress.TryParse(host.Trim('[', ']'), out var address) && IPAddress.IsLoopback(address);

    /// <summary>The addresses Kestrel will bind for <paramref name="host"/>.</summary>
    public static IReadOnlyList<IPAddress> Addresses(string host)
    {
        if (host is "*" or "+" or "0.0.0.0") return [IPAddress.Any];
        if (host is "::" or "[::]") return [IPAddress.IPv6Any];
        if (host.Equals("localhost", StringComparison.OrdinalIgnoreCase))
            return Socket.OSSupportsIPv6 ? [IPAddress.Loopback, IPAddress.IPv6Loopback] : [IPAddress.Loopback];
        if (IPAddress.TryParse(host.Trim('[', ']'), out var address)) return [address];
        try
        {
            return Dns.GetHostAddresses(host);
        }
        catch (SocketException e)
        {
            throw new CliException($"cannot resolve the host '{host}': {e.Message}", e);
        }
    }

    /// <summary>Null when every address can be bound; otherwise why not.</summary>
    public static SocketError? TryBind(string host, int port)
    {
        foreach (var address in Addresses(host))
        {
            using var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
            try
            {
                // Like Kestrel: a port whose old connections linger in TIME_WAIT is free to listen on.
                if (!OperatingSystem.IsWindows()) socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
                socket.Bind(new IPEndPoint(address, port));
                socket.Listen();
            }
            catch (SocketException e)
            {
                // ::1 missing on a host without IPv6 loopback is not a conflict; Kestrel warns and carries on.
                if (address.Equals(IPAddress.IPv6Loopback) && e.SocketErrorCode == SocketError.AddressNotAvailable) continue;
                return e.SocketErrorCode;
            }
        }

        return null;
    }

    /// <summary>Throws a one-line, actionable <see cref="CliException"/> when the server could not listen.</summary>
    public static void EnsureFree(string host, int port)
    {
        switch (TryBind(host, port))
        {
            case null:
                return;
            case SocketError.AddressAlreadyInUse:
                var owner = DescribeOwner(port) ?? "another program?";
                throw new CliException($"port {port} is already in use (by {owner}) — try skydeck start --port {SuggestPort(host, port)}");
            case SocketError.AccessDenied:
                throw new CliException($"not allowed to listen on port {port} — ports below 1024 need privileges; try skydeck start --port {SuggestPort(host, port)}");
            case SocketError.AddressNotAvailable:
                throw new CliException($"cannot listen on {host}: it is not an address of this machine — try --host 127.0.0.1 or --host 0.0.0.0");
            case { } error:
                throw new CliException($"cannot listen on {host}:{port} ({error})");
        }
    }

    /// <summary>Waits (bounded) until the port can be bound again, e.g. after the old server exited during restart.</summary>
    public static async Task<bool> WaitUntilFreeAsync(string host, int port, TimeSpan timeout, CancellationToken ct)
    {
        var deadline = DateTimeOffset.UtcNow + timeout;
        while (TryBind(host, port) == SocketError.AddressAlreadyInUse)
        {
            if (DateTimeOffset.UtcNow >= deadline) return false;
            await Task.Delay(100, ct);
        }

        return true;
    }

    public static int SuggestPort(string host, int port)
    {
        var candidate = port == 8080 ? 8081 : 8080;
        for (var i = 0; i < 50; i++, candidate++)
        {
            if (candidate != port && TryBind(host, candidate) is null) return candidate;
        }

        return port + 1;
    }

    /// <summary>"pid 123 (python3)" for the process listening on <paramref name="port"/>, from /proc; null when unknown.</summary>
    public static string? DescribeOwner(int port)
    {
        if (!OperatingSystem.IsLinux()) return null;
        try
        {
            var inodes = ListeningInodes("/proc/net/tcp", port).Concat(ListeningInodes("/proc/net/tcp6", port)).ToHashSet();
            if (inodes.Count == 0) return null;
            foreach (var dir in Directory.EnumerateDirectories("/proc"))
            {
                if (!int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out var pid)) continue;
                if (!OwnsSocket(dir, inodes)) continue;
                if (Posix.IsSkyDeck(pid)) return $"another SkyDeck server, pid {pid}";
                var name = TryRead(Path.Combine(dir, "comm"))?.Trim();
                return name is { Length: > 0 } ? $"pid {pid} '{name}'?" : $"pid {pid}?";
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Best effort only.
        }

        return null;
    }

    private static IEnumerable<string> ListeningInodes(string table, int port)
    {
        if (TryRead(table) is not { } text) yield break;
        foreach (var line in text.Split('\n').Skip(1))
        {
            // sl local_address rem_address st tx:rx tr:when retrnsmt uid timeout inode
            var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length < 10 || fields[3] != "0A") continue;
            var colon = fields[1].LastIndexOf(':');
            if (colon < 0 || !int.TryParse(fields[1][(colon + 1)..], NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var local)) continue;
            if (local == port) yield return $"socket:[{fields[9]}]";
        }
    }

    private static bool OwnsSocket(string processDir, HashSet<string> sockets)
    {
        try
        {
            foreach (var fd in Directory.EnumerateFileSystemEntries(Path.Combine(processDir, "fd")))
            {
                if (new FileInfo(fd).LinkTarget is { } target && sockets.Contains(target)) return true;
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The process exited or is not ours to inspect.
        }

        return false;
    }

    private static string? TryRead(string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
