namespace SkyDeck.Benchmarks.Baselines;

/// <summary>
/// Counts this process's live children named <c>fake-sky</c> every few milliseconds, from /proc — an independent
/// check of the process cap that trusts neither SkyDeck's counter nor the fake's records.
/// </summary>
public sealed class ChildProcessSampler : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private int _max;
    private long _samples;

    public ChildProcessSampler(string name, TimeSpan every)
    {
        _loop = Task.Run(async () =>
        {
            while (!_stop.IsCancellationRequested)
            {
                var count = Count(name);
                if (count > _max) _max = count;
                _samples++;
                try
                {
                    await Task.Delay(every, _stop.Token);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        });
    }

    public int Max => _max;

    public long Samples => _samples;

    public static bool Supported => Directory.Exists("/proc/self/task");

    private static int Count(string name)
    {
        var count = 0;
        foreach (var task in Directory.EnumerateDirectories("/proc/self/task"))
        {
            string children;
            try
            {
                children = File.ReadAllText(Path.Combine(task, "children"));
            }
            catch (IOException)
            {
                continue;
            }
            catch (UnauthorizedAccessException)
            {
                continue;
            }

            foreach (var pid in children.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            {
                try
                {
                    if (File.ReadAllText($"/proc/{pid}/comm").Trim() == name) count++;
                }
                catch (IOException)
                {
                    // Exited between the two reads.
                }
            }
        }

        return count;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _loop;
        _stop.Dispose();
    }
}
