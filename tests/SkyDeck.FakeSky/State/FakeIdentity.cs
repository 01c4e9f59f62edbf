namespace SkyDeck.FakeSky.State;

/// <summary>The single user every fake job and cluster belongs to.</summary>
public static class FakeIdentity
{
    public const string UserName = "skydeck";

    public const string UserHash = "5ca1ab1e";

    public const string Version = "0.12.0";
}
