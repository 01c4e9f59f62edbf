using System.Diagnostics;

namespace SkyDeck.Reliability.Tests.Support;

/// <summary>Waits for an asynchronous effect by polling (never a fixed sleep), failing with the last value seen.</summary>
public static class Eventually
{
    public static async Task<T> Until<T>(Func<Task<T>> probe, Func<T, bool> done, string what, TimeSpan timeout, Func<T, string>? describe = null)
    {
        var clock = Stopwatch.StartNew();
        var delay = TimeSpan.FromMilliseconds(20);
        while (true)
        {
            var value = await probe();
            if (done(value)) return value;
            if (clock.Elapsed > timeout)
                throw new TimeoutException($"waited {timeout.TotalSeconds:0.#} s for {what}; last: {(describe is null ? value?.ToString() : describe(value))}");
            await Task.Delay(delay);
            delay = TimeSpan.FromMilliseconds(Math.Min(delay.TotalMilliseconds * 1.5, 250));
        }
    }

    public static Task Until(Func<bool> condition, string what, TimeSpan timeout) =>
        Until(() => Task.FromResult(condition()), ok => ok, what, timeout);
}
