using SkyDeck.FakeSky;
using SkyDeck.Testing;

namespace SkyDeck.Actors.Tests.Integration;

/// <summary>A spec against the production wiring and the <c>fake-sky</c> executable: a fresh SQLite database and fake-sky home, both removed afterwards.</summary>
public abstract class FakeSkyIntegrationSpec : IDisposable
{
    protected TempDatabase Db { get; } = new();

    protected FakeSkyHome Fake { get; } = FakeSkyHome.CreateTemporary();

    public void Dispose()
    {
        Db.Dispose();
        Directory.Delete(Fake.Directory, recursive: true);
        GC.SuppressFinalize(this);
    }
}
