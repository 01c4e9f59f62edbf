using System.Net;
using System.Net.Sockets;

namespace SkyDeck.Browser.Tests;

/// <summary>The header shows webhook deliveries: a pill with their state and a panel with the recent ones.</summary>
[Trait("Category", "Slow")]
public sealed class NotificationPanelTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const string Id = "notify-panel";
    private DashboardServer _server = null!;
    private IPlaywright _playwright = null!;
    private IBrowser _browser = null!;

    public async Task InitializeAsync()
    {
        // Nothing listens on the webhook's port: the notification stays pending, retried, and says why.
        var deadPort = FreePort();
        DashboardServer.Sky.SetControl(c => c.WithScript($"skydeck-{Id}-*", "PENDING", "RUNNING", "SUCCEEDED"));
        _server = await DashboardServer.StartAsync(0.3, $"--SkyDeck:Webhooks:0:Url=http://127.0.0.1:{deadPort}/hooks/secret-token", "--SKYDECK_WEBHOOK_BACKOFF_BASE=30");
        _playwright = await Microsoft.Playwright.Playwright.CreateAsync();
        _browser = await Chromium.LaunchAsync(_playwright);
    }

    [Fact]
    public async Task GivenAWebhook_WhenAnExperimentSucceeds_ThenThePillAndPanelShowTheNotificationPendingWithItsError()
    {
        var context = await _browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = _server.BaseAddress.ToString() });
        var page = await context.NewPageAsync();
        await page.GotoAsync("/");
        var pill = page.GetByTestId("pill-notifications");
        await Expect(pill).ToBeVisibleAsync();
        await Expect(pill).ToContainTextAsync("0 sent");

        await _server.CreateAsync(Id, desired: "RUNNING");
        await page.ReloadAsync();
        await Expect(page.GetByTestId("pill-notifications")).ToContainTextAsync("1 pending", new() { Timeout = 60_000 });
        await page.GetByTestId("pill-notifications").ClickAsync();

        var item = page.GetByTestId("notifications-panel").GetByTestId("notification");
        await Expect(item).ToHaveCountAsync(1);
        await Expect(item).ToHaveAttributeAsync("data-status", "pending");
        await Expect(item).ToContainTextAsync($"{Id} succeeded");
        await Expect(item).ToContainTextAsync("experiment.succeeded");
        await Expect(page.GetByTestId("notifications-panel")).Not.ToContainTextAsync("secret-token");
        output.WriteLine(await item.InnerTextAsync());
        await context.DisposeAsync();
    }

    public async Task DisposeAsync()
    {
        await _browser.DisposeAsync();
        _playwright.Dispose();
        await _server.DisposeAsync();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
