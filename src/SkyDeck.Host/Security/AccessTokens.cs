using System.Net;
using System.Security.Cryptography;
using System.Text;

namespace SkyDeck.Host.Security;

/// <summary>One accepted bearer token and the identity recorded on the events its requests cause.</summary>
public sealed record AccessToken(string User, string Secret);

/// <summary>
/// Decides whether the API needs a token and which ones it accepts. Tokens come from <c>SKYDECK_TOKEN</c>
/// (<c>secret</c> or <c>user:secret</c>, comma-separated for several). Binding to anything but loopback without one
/// generates a token into <c>~/.skydeck/token</c> (mode 0600) — unless the user explicitly passed <c>--insecure</c>.
/// </summary>
public sealed class AccessTokens
{
    private readonly AccessToken[] _tokens;

    private AccessTokens(AccessToken[] tokens, string? generatedFile)
    {
        _tokens = tokens;
        GeneratedFile = generatedFile;
    }

    public bool Required => _tokens.Length > 0;

    /// <summary>Where the generated token was written, if one was.</summary>
    public string? GeneratedFile { get; }

    public static AccessTokens None { get; } = new([], null);

    public static AccessTokens Resolve(string? configured, ServerSettings settings, SkyDeckPaths paths)
    {
        if (!string.IsNullOrWhiteSpace(configured)) return new AccessTokens(Parse(configured), null);
        if (IsLoopback(settings.Host) || settings.Insecure) return None;
        return new AccessTokens([LoadOrCreate(paths.TokenFile)], paths.TokenFile);
    }

    /// <summary>The token whose secret was presented (alone, or as <c>user:secret</c> as the token file stores it).</summary>
    public AccessToken? Match(string presented)
    {
        AccessToken? found = null;
        foreach (var token in _tokens)
        {
            var secretOnly = CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(presented), Encoding.UTF8.GetBytes(token.Secret));
            var withUser = CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(presented), Encoding.UTF8.GetBytes($"{token.User}:{token.Secret}"));
            if (secretOnly | withUser) found = token;
        }
        return found;
    }

    public static bool IsLoopback(string host) =>
        host is "localhost" || IPAddress.TryParse(host.Trim('[', ']'), out var address) && IPAddress.IsLoopback(address);

    private static AccessToken[] Parse(string configured) =>
    [
        .. configured.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(entry =>
        {
            var colon = entry.IndexOf(':');
            var token = colon > 0 ? new AccessToken(entry[..colon], entry[(colon + 1)..]) : new AccessToken("token", entry);
            if (token.Secret.Length < 16) throw new ConfigurationException("SKYDECK_TOKEN secrets must be at least 16 characters");
            return token;
        }),
    ];

    private static AccessToken LoadOrCreate(string file)
    {
        if (File.Exists(file))
        {
            var existing = File.ReadAllText(file).Trim();
            if (existing.Length > 0) return Parse(existing)[0];
        }

        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        var created = new AccessToken(Environment.UserName, Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24)));
        var owner = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = owner;
        using (var writer = new StreamWriter(new FileStream(file, options)))
            writer.Write($"{created.User}:{created.Secret}\n");
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(file, owner);
        return created;
    }
}
