using Microsoft.Playwright;

namespace SkyDeck.Browser.Tests;

/// <summary>Debian's Chromium through Playwright (browsers are never downloaded here).</summary>
public static class Chromium
{
    public const string ExecutablePath = "/usr/bin/chromium";

    public static Task<IBrowser> LaunchAsync(IPlaywright playwright) =>
        playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ExecutablePath,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run", "--disable-sync"],
        });
}

/// <summary>
/// One server and one browser for the whole dashboard collection; each test opens its own context (fresh storage)
/// and uses experiment ids with its own prefix, so tests do not see each other's rows.
/// </summary>
public sealed class DashboardFixture : IAsyncLifetime
{
    private readonly string[] _settings;

    public DashboardFixture()
        : this(null)
    {
    }

    /// <param name="pagedAbove">The server's SKYDECK_DASHBOARD_PAGED_ABOVE (null: the default).</param>
    /// <param name="settings">More server settings (<c>--KEY=value</c>).</param>
    internal DashboardFixture(int? pagedAbove, params string[] settings) =>
        _settings = [.. pagedAbove is { } n ? [$"--SKYDECK_DASHBOARD_PAGED_ABOVE={n}"] : Array.Empty<string>(), .. settings];

    public DashboardServer Server { get; private set; } = null!;

    public IPlaywright Playwright { get; private set; } = null!;

    public IBrowser Browser { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Assertions.SetDefaultExpectTimeout(15_000);
        var server = DashboardServer.StartAsync(0.3, _settings);
        Playwright = await Microsoft.Playwright.Playwright.CreateAsync();
        Browser = await Chromium.LaunchAsync(Playwright);
        Server = await server;
    }

    public async Task DisposeAsync()
    {
        await Browser.DisposeAsync();
        Playwright.Dispose();
        await Server.DisposeAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class DashboardCollection : ICollectionFixture<DashboardFixture>
{
    public const string Name = "dashboard";
}

/// <summary>A page on the dashboard that records dialogs (none should ever open) and page errors.</summary>
public sealed class DashboardPage : IAsyncDisposable
{
    private readonly IBrowserContext _context;

    private DashboardPage(IBrowserContext context, IPage page)
    {
        _context = context;
        Page = page;
        page.Dialog += (_, dialog) =>
        {
            Dialogs.Add(dialog.Message);
            _ = dialog.DismissAsync();
        };
        page.PageError += (_, error) => Errors.Add(error);
        page.Console += (_, message) =>
        {
            if (message.Type == "error") ConsoleErrors.Add(message.Text);
        };
    }

    public IPage Page { get; }

    public List<string> Dialogs { get; } = [];

    public List<string> Errors { get; } = [];

    public List<string> ConsoleErrors { get; } = [];

    public IBrowserContext Context => _context;

    public static async Task<DashboardPage> OpenAsync(
        DashboardFixture fixture, string hash = "", Func<IBrowserContext, Task>? prepare = null, ColorScheme colorScheme = ColorScheme.Light)
    {
        var context = await fixture.Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = fixture.Server.BaseAddress.ToString(),
            ViewportSize = new ViewportSize { Width = 1500, Height = 950 },
            ColorScheme = colorScheme,
        });
        context.SetDefaultTimeout(15_000);
        if (prepare is not null) await prepare(context);
        var page = await context.NewPageAsync();
        var dashboard = new DashboardPage(context, page);
        await page.GotoAsync("/" + hash);
        await Assertions.Expect(page.GetByTestId("stream-status")).ToHaveAttributeAsync("data-state", "live", new() { Timeout = 15_000 });
        return dashboard;
    }

    public ILocator Row(string id) => Page.Locator($"[data-testid='row'][data-id='{id}']");

    public ILocator Details(string id) => Page.Locator($"[data-testid='details'][data-id='{id}']");

    public ILocator Rows => Page.Locator("[data-testid='row']");

    /// <summary>Types a filter; callers assert the rows they expect (auto-waiting past the input debounce).</summary>
    public Task FilterAsync(string query) => Page.GetByTestId("filter").FillAsync(query);

    public async ValueTask DisposeAsync() => await _context.DisposeAsync();
}
