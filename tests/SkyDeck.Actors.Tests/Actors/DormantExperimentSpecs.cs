using Akka.Actor;
using Microsoft.Data.Sqlite;
using SkyDeck.Actors.Core;
using SkyDeck.Actors.Experiments;
using SkyDeck.Actors.Hosting;
using SkyDeck.Actors.Tests.Support;
using SkyDeck.Testing;
using static SkyDeck.Actors.Core.ExperimentCommands;
using static SkyDeck.Actors.Tests.Support.Specs;

namespace SkyDeck.Actors.Tests.Actors;

/// <summary>
/// The stored read model: after a restart the table is complete from disk, experiments at rest get no actor until a
/// message arrives, and a stored row the journal has moved past is never trusted.
/// </summary>
public sealed class DormantExperimentSpecs : IDisposable
{
    private readonly TempDatabase _db = new();

    public void Dispose() => _db.Dispose();

    private static async Task<bool> HasActorAsync(HostedSkyDeck skyDeck, string id)
    {
        try
        {
            await skyDeck.System.ActorSelection($"/user/experiments/{id}").ResolveOne(TimeSpan.FromSeconds(3));
            return true;
        }
        catch (ActorNotFoundException)
        {
            return false;
        }
    }

    [Fact]
    public async Task GivenExperimentsAtRestAndOneWithWork_WhenRestarted_ThenAllAreListedAndOnlyTheOneWithWorkIsRecovered()
    {
        var sky = new ScriptedSkyGateway();
        IReadOnlyList<ExperimentSummary> before;
        await using (var first = await HostedSkyDeck.StartAsync(_db.Path, sky))
        {
            foreach (var id in new[] { "idle-1", "idle-2", "idle-3" }) Assert.Equal(CommandResult.Accepted, await first.AskAsync(CreateNow(id, DesiredState.Stopped)));
            Assert.Equal(CommandResult.Accepted, await first.AskAsync(CreateNow("runner", DesiredState.Running)));
            await first.EventuallyAsync(async () => (await first.GetAsync("runner")).Jobs.FirstOrDefault()?.Phase == JobPhase.Submitted, "the launch");
            before = await first.ListAsync();
        }

        Assert.True(before.Single(s => s.Id == "idle-1").AtRest);
        Assert.False(before.Single(s => s.Id == "runner").AtRest);

        await using var second = await HostedSkyDeck.StartAsync(_db.Path, new ScriptedSkyGateway());
        var listed = await second.ListAsync();

        Assert.Equal(before.Select(s => s.Id), listed.Select(s => s.Id));
        Assert.Equal(before.Single(s => s.Id == "idle-2"), listed.Single(s => s.Id == "idle-2"));
        Assert.True(await HasActorAsync(second, "runner"), "an experiment with a live job is recovered at start");
        foreach (var id in new[] { "idle-1", "idle-2", "idle-3" }) Assert.False(await HasActorAsync(second, id), $"{id} is at rest and needs no actor");

        var detail = await second.GetAsync("idle-1");
        Assert.Equal(Spec(), detail.Summary.Spec);
        Assert.True(await HasActorAsync(second, "idle-1"), "a message starts an experiment at rest");
        Assert.Equal(CommandResult.Accepted, await second.AskAsync(new SetDesiredState("idle-3", DesiredState.Running, DateTimeOffset.UtcNow, "bob")));
        Assert.Equal(DesiredState.Running, (await second.ListAsync()).Single(s => s.Id == "idle-3").Desired);
    }

    [Fact]
    public async Task GivenAStoredRowTheJournalMovedPast_WhenRestarted_ThenTheExperimentIsRecoveredAndListedAsTheJournalSays()
    {
        await using (var first = await HostedSkyDeck.StartAsync(_db.Path, new ScriptedSkyGateway()))
        {
            Assert.Equal(CommandResult.Accepted, await first.AskAsync(CreateNow("edited", DesiredState.Stopped)));
            await first.EventuallyAsync(() => Task.FromResult(StoredRow("edited") is not null), "the summary to be saved");
        }

        var (oldVersion, oldBody) = StoredRow("edited")!.Value;
        await using (var second = await HostedSkyDeck.StartAsync(_db.Path, new ScriptedSkyGateway()))
        {
            Assert.Equal(CommandResult.Accepted, await second.AskAsync(new UpdateSpec("edited", Spec(layers: 9), DateTimeOffset.UtcNow, "bob")));
            await second.EventuallyAsync(() => Task.FromResult(StoredRow("edited")!.Value.Version != oldVersion), "the edit's summary to be saved");
        }

        // As if the process died after journaling the edit and before its summary was saved.
        WriteRow("edited", oldVersion, oldBody);

        await using var third = await HostedSkyDeck.StartAsync(_db.Path, new ScriptedSkyGateway());
        var listed = Assert.Single(await third.ListAsync());

        Assert.Equal(Spec(layers: 9), listed.Spec);
        Assert.Equal(2, listed.Generation);
        Assert.True(await HasActorAsync(third, "edited"));
    }

    [Fact]
    public async Task GivenTheStoredTableIsGone_WhenLoadedWithRebuilding_ThenEachExperimentAtRestIsFoldedFromTheJournalAsItsActorListedIt()
    {
        IReadOnlyList<ExperimentSummary> before;
        // Snapshots every 2 events, so the fold starts from a snapshot as the actor's recovery does.
        await using (var first = await HostedSkyDeck.StartAsync(_db.Path, new ScriptedSkyGateway(), o => o with { SnapshotEvery = 2 }))
        {
            foreach (var id in new[] { "idle-1", "idle-2", "idle-3" }) Assert.Equal(CommandResult.Accepted, await first.AskAsync(CreateNow(id, DesiredState.Stopped)));
            Assert.Equal(CommandResult.Accepted, await first.AskAsync(new UpdateSpec("idle-2", Spec(layers: 9), DateTimeOffset.UtcNow, "bob")));
            Assert.Equal(CommandResult.Accepted, await first.AskAsync(new UpdateSpec("idle-2", Spec(layers: 10), DateTimeOffset.UtcNow, "bob")));
            Assert.Equal(CommandResult.Accepted, await first.AskAsync(CreateNow("runner", DesiredState.Running)));
            await first.EventuallyAsync(async () => (await first.GetAsync("runner")).Jobs.FirstOrDefault()?.Phase == JobPhase.Submitted, "the launch");
            before = await first.ListAsync();
        }

        DropStoredTable();
        var loaded = await new SqliteSummaryStore(_db.Path, ReconcileSettings.Default, rebuildAtLeast: 1).LoadAsync(CancellationToken.None);

        foreach (var id in new[] { "idle-1", "idle-2", "idle-3" })
            Assert.Equal(before.Single(s => s.Id == id), loaded.Dormant(id));
        Assert.Equal(["idle-1", "idle-2", "idle-3"], loaded.Rebuilt.Order());
        Assert.Null(loaded.Dormant("runner"));
    }

    [Fact]
    public async Task GivenTheStoredTableIsGone_WhenRestartedWithManyExperiments_ThenTheTableIsRebuiltFromTheJournalWithoutActorsAndStoredAgain()
    {
        var ids = Enumerable.Range(0, SqliteSummaryStore.DefaultRebuildAtLeast).Select(i => $"idle-{i:000}").ToList();
        IReadOnlyList<ExperimentSummary> before;
        await using (var first = await HostedSkyDeck.StartAsync(_db.Path, new ScriptedSkyGateway()))
        {
            var created = await Task.WhenAll(ids.Select(id => first.AskAsync(CreateNow(id, DesiredState.Stopped))));
            Assert.All(created, result => Assert.Equal(CommandResult.Accepted, result));
            Assert.Equal(CommandResult.Accepted, await first.AskAsync(CreateNow("runner", DesiredState.Running)));
            await first.EventuallyAsync(async () => (await first.GetAsync("runner")).Jobs.FirstOrDefault()?.Phase == JobPhase.Submitted, "the launch");
            before = await first.ListAsync();
        }

        DropStoredTable();
        await using var second = await HostedSkyDeck.StartAsync(_db.Path, new ScriptedSkyGateway());
        var listed = await second.ListAsync();

        Assert.Equal(before, listed);
        Assert.True(await HasActorAsync(second, "runner"), "an experiment with a live job is recovered at start");
        foreach (var id in new[] { ids[0], ids[^1] }) Assert.False(await HasActorAsync(second, id), $"{id} is at rest and needs no actor");
        await second.EventuallyAsync(() => Task.FromResult(ids.All(id => StoredRow(id) is not null)), "the rebuilt rows to be stored again");
    }

    private void DropStoredTable()
    {
        SqliteConnection.ClearAllPools();
        using var connection = new SqliteConnection($"Data Source={_db.Path}");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "DROP TABLE skydeck_summary";
        command.ExecuteNonQuery();
    }

    private (long Version, byte[] Body)? StoredRow(string id)
    {
        using var connection = new SqliteConnection($"Data Source={_db.Path}");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT version, body FROM skydeck_summary WHERE id = $id";
        command.Parameters.AddWithValue("$id", id);
        try
        {
            using var reader = command.ExecuteReader();
            return reader.Read() ? (reader.GetInt64(0), reader.GetFieldValue<byte[]>(1)) : null;
        }
        catch (SqliteException)
        {
            return null;
        }
    }

    private void WriteRow(string id, long version, byte[] body)
    {
        using var connection = new SqliteConnection($"Data Source={_db.Path}");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "UPDATE skydeck_summary SET version = $version, body = $body WHERE id = $id";
        command.Parameters.AddWithValue("$id", id);
        command.Parameters.AddWithValue("$version", version);
        command.Parameters.AddWithValue("$body", body);
        Assert.Equal(1, command.ExecuteNonQuery());
    }
}
