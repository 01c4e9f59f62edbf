using System.Diagnostics;

namespace SkyDeck.Host.Tests.Support;

/// <summary>Waits for an asynchronous effect by polling (never a fixed sleep), failing with the last value seen.</summary>
public static class Eventually
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(10);

    public static async Task<T> Until<T>(Func<Task<T>> probe, Func<T, bool> done, string what, TimeSpan? timeout = null)
    {
        var limit = timeout ?? DefaultTimeout;
        var clock = Stopwatch.StartNew();
        var delay = TimeSpan.FromMilliseconds(20);
        while (true)
        {
            var value = await probe();
            if (done(value)) return value;
            if (clock.Elapsed > limit)
                throw new TimeoutException($"waited {limit.TotalSeconds:0.#} s for {what}; last value: {Describe(value)}");
            await Task.Delay(delay);
            delay = TimeSpan.FromMilliseconds(Math.Min(delay.TotalMilliseconds * 1.5, 200));
        }
    }

    public static Task Until(Func<bool> condition, string what, TimeSpan? timeout = null) =>
        Until(() => Task.FromResult(condition()), ok => ok, what, timeout);

    private static string Describe<T>(T value) => value switch
    {
        null => "null",
        System.Text.Json.JsonElement e => e.GetRawText() is { Length: > 2000 } raw ? raw[..2000] + "…" : e.GetRawText(),
        _ => value.ToString() ?? "",
    };
}
