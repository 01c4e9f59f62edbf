using System.Text.Json;

namespace SkyDeck.Browser.Tests;

/// <summary>The Edit panel of an experiment: what it sends for fields the user changed or emptied.</summary>
[Collection(DashboardCollection.Name)]
[Trait("Category", "Slow")]
public sealed class EditorTests(DashboardFixture fixture)
{
    private DashboardServer Server => fixture.Server;

    [Fact]
    public async Task Emptying_optional_fields_in_the_editor_clears_them_and_keeps_the_rest()
    {
        var id = Ids.New("clear");
        await Server.SendAsync(HttpMethod.Post, "api/experiments", new
        {
            id,
            name = id,
            base_command = "python train.py",
            nodes = 1,
            gpus = 0,
            flags = new Dictionary<string, object> { ["lr"] = 0.1 },
            description = "to be cleared",
            group = "sweep-1",
            cloud = "aws",
        });
        await using var d = await DashboardPage.OpenAsync(fixture, $"#q={id}");
        await d.Row(id).GetByTestId("cell-id").ClickAsync();
        var details = d.Details(id);
        await Expect(details.GetByTestId("config-description")).ToHaveTextAsync("to be cleared");

        await details.GetByTestId("detail-edit").ClickAsync();
        var editor = details.GetByTestId("edit-form");
        await Expect(editor.GetByTestId("field-description")).ToHaveValueAsync("to be cleared");
        await editor.GetByTestId("field-description").FillAsync("");
        await editor.GetByTestId("field-group").FillAsync("  ");
        await editor.GetByTestId("edit-save").ClickAsync();

        await Expect(editor).ToBeHiddenAsync();
        await Expect(details.GetByTestId("config-description")).ToHaveTextAsync("—");
        await Expect(details.GetByTestId("config-group")).ToHaveTextAsync("—");
        var saved = await Server.GetAsync(id);
        Assert.Equal(JsonValueKind.Null, saved.GetProperty("description").ValueKind);
        Assert.Equal(JsonValueKind.Null, saved.GetProperty("group").ValueKind);
        Assert.Equal("aws", saved.GetProperty("cloud").GetString());
        Assert.Equal(0.1, saved.GetProperty("flags").GetProperty("lr").GetDouble());

        // Cleared is saved, not just shown: a fresh page and editor start with the field empty.
        await using var again = await DashboardPage.OpenAsync(fixture, $"#q={id}");
        await again.Row(id).GetByTestId("cell-id").ClickAsync();
        await again.Details(id).GetByTestId("detail-edit").ClickAsync();
        await Expect(again.Details(id).GetByTestId("edit-form").GetByTestId("field-description")).ToHaveValueAsync("");
        Assert.Empty(d.Errors);
        Assert.Empty(again.Errors);
    }
}
