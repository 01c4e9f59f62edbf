using System.Text.RegularExpressions;

namespace SkyDeck.Browser.Tests;

/// <summary>
/// The table renders only the rows in view, yet behaves as if every row were there: the count, scrolling to the end,
/// filtering, select-all over every matching row, opening a far row from a link, live updates of rows off screen.
/// </summary>
[Collection(DashboardCollection.Name)]
[Trait("Category", "Slow")]
public sealed class VirtualizationTests(DashboardFixture fixture)
{
    private const int Count = 3000;

    private DashboardServer Server => fixture.Server;

    private static ILocator Cell(ILocator row, string key) => row.Locator($"[data-testid='cell-flag'][data-key='{key}']");

    private async Task<(DashboardPage Page, string Prefix)> OpenWithThousandsAsync(string hashExtra = "")
    {
        var p = Ids.New("virt");
        await Server.CreateAsync($"{p}-tpl", new Dictionary<string, object> { ["trainer.lr"] = 0.9, ["model.layers"] = 1, ["seed"] = -1 });
        var d = await DashboardPage.OpenAsync(fixture, $"#q={p}{hashExtra}");
        await Expect(d.Row($"{p}-tpl")).ToBeVisibleAsync();
        await d.Page.EvaluateAsync<double>(Synthetic.LoadScript($"{p}-tpl", p, Count));
        await Expect(d.Page.GetByTestId("row-count")).ToHaveTextAsync(new Regex($"^{Count + 1} shown"));
        return (d, p);
    }

    [Fact]
    public async Task Thousands_of_rows_put_only_a_screenful_in_the_DOM_and_scroll_to_the_last_one()
    {
        var (d, p) = await OpenWithThousandsAsync();
        await using var _ = d;
        var inDom = await d.Rows.CountAsync();
        Assert.InRange(inDom, 20, 120);
        // every row counts for assistive technology: the 2 header rows (trainer.lr / model.layers) and all experiments
        Assert.Equal(2 + Count + 1, int.Parse(await d.Page.GetByTestId("experiments-table").GetAttributeAsync("aria-rowcount") ?? "0"));

        // the scrollbar spans every row: scroll to the very end and the oldest row is there
        await d.Page.GetByTestId("table-wrap").EvaluateAsync("w => { w.scrollTop = w.scrollHeight; }");
        var last = d.Row($"{p}-{Count - 1:D5}");
        await Expect(last).ToBeInViewportAsync();
        await Expect(Cell(last, "seed")).ToHaveTextAsync((Count - 1).ToString());
        Assert.InRange(await d.Rows.CountAsync(), 20, 120);
        Assert.Equal(0, await d.Row($"{p}-00000").CountAsync());

        // and back to the top
        await d.Page.GetByTestId("table-wrap").EvaluateAsync("w => { w.scrollTop = 0; }");
        await Expect(d.Row($"{p}-tpl")).ToBeInViewportAsync();
    }

    [Fact]
    public async Task Rows_refilled_while_scrolling_name_their_own_experiment_everywhere()
    {
        var (d, p) = await OpenWithThousandsAsync();
        await using var _ = d;
        await d.Page.GetByTestId("row-select").First.CheckAsync(); // the template row, selected, then scrolled away
        await Expect(d.Page.GetByTestId("bulk-count")).ToHaveTextAsync("1 selected");
        // scroll down a few rows at a time, as a wheel does: the rows leaving at the top are re-filled with those entering
        await d.Page.GetByTestId("table-wrap").EvaluateAsync("""
            async w => { for (let i = 0; i < 40; i++) { w.scrollTop += 93; await new Promise(r => requestAnimationFrame(r)); } }
            """);
        await Expect(d.Row($"{p}-tpl")).ToHaveCountAsync(0);
        var mismatches = await d.Page.EvaluateAsync<string[]>("""
            () => [...document.querySelectorAll('[data-testid=row]')].flatMap(tr => {
              const id = tr.dataset.id;
              const bad = [];
              if (tr.querySelector('.id-text').textContent !== id) bad.push(`${id}: id text`);
              if (tr.querySelector('[data-testid=row-select]').getAttribute('aria-label') !== `Select ${id}`) bad.push(`${id}: box label`);
              if (tr.querySelector('[data-testid=row-select]').checked) bad.push(`${id}: checked`);
              if (!tr.querySelector('[data-testid=row-star]').getAttribute('aria-label').endsWith(` ${id}`)) bad.push(`${id}: star label`);
              const toggle = tr.querySelector('button[data-action]');
              if (!toggle.getAttribute('aria-label').includes(` ${id}`) || !toggle.title.includes(` ${id}`)) bad.push(`${id}: ${toggle.dataset.action} label`);
              return bad;
            })
            """);
        Assert.Empty(mismatches);
        await Expect(d.Page.GetByTestId("bulk-count")).ToHaveTextAsync("1 selected");
    }

    [Fact]
    public async Task Filter_and_select_all_act_on_every_matching_row_not_only_the_rendered_ones()
    {
        var (d, p) = await OpenWithThousandsAsync();
        await using var _ = d;
        await d.FilterAsync($"{p} lr=0.5 layers>=4");
        // i % 10 == 5 and 2 + i % 6 >= 4 → i odd, i % 6 in {3, 5}: i ≡ 5 (mod 10) and i ≡ 3 or 5 (mod 6)
        var expected = Enumerable.Range(0, Count).Count(i => i % 10 == 5 && 2 + i % 6 >= 4);
        await Expect(d.Page.GetByTestId("row-count")).ToHaveTextAsync(new Regex($"^{expected} shown"));
        await d.Page.GetByTestId("select-all").CheckAsync();
        await Expect(d.Page.GetByTestId("bulk-count")).ToHaveTextAsync($"{expected} selected");

        // a row selected while off screen shows as selected once scrolled to
        await d.Page.GetByTestId("table-wrap").EvaluateAsync("w => { w.scrollTop = w.scrollHeight; }");
        var lastChecked = d.Page.Locator("[data-testid='row']").Last.GetByTestId("row-select");
        await Expect(lastChecked).ToBeCheckedAsync();
        await d.Page.GetByTestId("bulk-clear").ClickAsync();
        await Expect(lastChecked).Not.ToBeCheckedAsync();
    }

    [Fact]
    public async Task A_link_to_a_far_row_scrolls_to_it_and_opens_its_panel()
    {
        var (d, p) = await OpenWithThousandsAsync();
        await using var _ = d;
        var far = $"{p}-{2500:D5}";
        await d.Page.EvaluateAsync($"() => {{ location.hash = 'q={p}&open={far}'; }}");
        await Expect(d.Row(far)).ToBeInViewportAsync();
        await Expect(d.Details(far)).ToBeVisibleAsync();
        await Expect(d.Details(far).GetByTestId("details-config")).ToContainTextAsync(far);

        // the panel survives scrolling away and back
        await d.Page.GetByTestId("table-wrap").EvaluateAsync("w => { w.scrollTop = 0; }");
        await Expect(d.Details(far)).ToHaveCountAsync(0);
        await d.Page.GetByTestId("table-wrap").EvaluateAsync("w => { w.scrollTop = w.scrollHeight; }");
        await d.Page.GetByTestId("table-wrap").EvaluateAsync("w => { w.scrollTop = 2501 * 31; }"); // the template row, then rows 0…2499 above it
        await Expect(d.Details(far)).ToBeVisibleAsync();
        await Expect(d.Row(far)).ToHaveAttributeAsync("aria-expanded", "true");
    }

    [Fact]
    public async Task An_update_to_a_row_off_screen_shows_when_it_is_scrolled_to()
    {
        var (d, p) = await OpenWithThousandsAsync();
        await using var _ = d;
        var far = $"{p}-{2999:D5}";
        await d.Page.EvaluateAsync($$"""
            () => {
              const e = __skydeck.snapshot().find(x => x.id === '{{far}}');
              __skydeck.ingest([{ ...e, version: e.version + 1, flags: { ...e.flags, seed: 123456 } }]);
            }
            """);
        Assert.Equal(0, await d.Row(far).CountAsync());
        await d.Page.GetByTestId("table-wrap").EvaluateAsync("w => { w.scrollTop = w.scrollHeight; }");
        await Expect(Cell(d.Row(far), "seed")).ToHaveTextAsync("123,456");
    }
}
