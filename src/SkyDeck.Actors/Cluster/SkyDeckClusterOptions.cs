using System.Collections.Immutable;
using Akka.Actor;
using SkyDeck.Actors.Core;

namespace SkyDeck.Actors.Cluster;

/// <summary>
/// How this process takes part in a SkyDeck cluster: where it listens for other nodes, which nodes it contacts to
/// join, and the PostgreSQL database every node shares (events, snapshots and sharding state).
/// </summary>
public sealed record SkyDeckClusterOptions
{
    /// <summary>The actor system's name; every seed node address must use it (<c>akka.tcp://skydeck@host:port</c>).</summary>
    public const string SystemName = "skydeck";

    public const int DefaultRemotePort = 4053;

    /// <summary>Npgsql connection string of the shared PostgreSQL database (<c>SKYDECK_DB</c>).</summary>
    public required string ConnectionString { get; init; }

    /// <summary>Nodes contacted to join (<c>SKYDECK_SEED_NODES</c>); the first one forms the cluster when it starts alone.</summary>
    public required ImmutableArray<string> SeedNodes { get; init; }

    /// <summary>Address the node listens on for other nodes (<c>SKYDECK_REMOTE_HOST</c>).</summary>
    public string RemoteHost { get; init; } = "127.0.0.1";

    /// <summary>Port the node listens on for other nodes (<c>SKYDECK_REMOTE_PORT</c>).</summary>
    public int RemotePort { get; init; } = DefaultRemotePort;

    /// <summary>Address other nodes use to reach this one when it differs from the bind address (<c>SKYDECK_REMOTE_PUBLIC_HOST</c>).</summary>
    public string? PublicHost { get; init; }

    /// <summary>Null when <paramref name="seed"/> is a usable seed node address, else a sentence saying what is wrong.</summary>
    public static string? ValidateSeedNode(string seed)
    {
        Address address;
        try
        {
            address = Address.Parse(seed);
        }
        catch (Exception e) when (e is UriFormatException or ArgumentException or FormatException)
        {
            return $"'{seed}' is not an address like akka.tcp://{SystemName}@host:port";
        }

        if (address.Protocol != "akka.tcp") return $"'{seed}' must use akka.tcp:// (got {address.Protocol}://)";
        if (address.System != SystemName) return $"'{seed}' must name the actor system '{SystemName}' (akka.tcp://{SystemName}@host:port)";
        if (string.IsNullOrEmpty(address.Host) || address.Port is not > 0) return $"'{seed}' must give a host and a port (akka.tcp://{SystemName}@host:port)";
        return null;
    }
}
