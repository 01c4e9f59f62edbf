using System.Diagnostics;
using System.Text.Json;

namespace SkyDeck.Testing;

/// <summary>
/// Waits for an asynchronous effect by polling (never a fixed sleep): first after 20 ms, then 1.5× longer each time up
/// to 200 ms, so a quick effect is seen at once and a slow one is not hammered. Fails with what was awaited and the
/// last value seen.
/// </summary>
public static class Eventually
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(10);

    private static readonly TimeSpan FirstInterval = TimeSpan.FromMilliseconds(20);
    private static readonly TimeSpan LongestInterval = TimeSpan.FromMilliseconds(200);

    /// <summary>Probes until <paramref name="done"/> holds for the value and returns that value.</summary>
    /// <param name="describe">How to show the last value in the timeout message (default: JSON as text, else <c>ToString</c>).</param>
    public static async Task<T> Until<T>(Func<Task<T>> probe, Func<T, bool> done, string what, TimeSpan? timeout = null, Func<T, string>? describe = null)
    {
        var limit = timeout ?? DefaultTimeout;
        var clock = Stopwatch.StartNew();
        var interval = FirstInterval;
        while (true)
        {
            var value = await probe();
            if (done(value)) return value;
            if (clock.Elapsed > limit)
                throw new TimeoutException($"waited {limit.TotalSeconds:0.#} s for {what}; last value: {(describe ?? Describe)(value)}");
            await Task.Delay(interval);
            interval = TimeSpan.FromMilliseconds(Math.Min(interval.TotalMilliseconds * 1.5, LongestInterval.TotalMilliseconds));
        }
    }

    public static Task Until(Func<bool> condition, string what, TimeSpan? timeout = null) =>
        Until(() => Task.FromResult(condition()), ok => ok, what, timeout);

    private static string Describe<T>(T value) => value switch
    {
        null => "null",
        JsonElement e => e.GetRawText() is { Length: > 2000 } raw ? raw[..2000] + "…" : e.GetRawText(),
        _ => value.ToString() ?? "",
    };
}
