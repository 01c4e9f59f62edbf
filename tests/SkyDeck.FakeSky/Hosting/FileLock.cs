using System.Diagnostics;

namespace SkyDeck.FakeSky.Hosting;

/// <summary>
/// An exclusive lock on a file shared by every fake process and by in-process test helpers.
/// On Unix .NET implements <see cref="FileShare.None"/> with <c>flock(LOCK_EX | LOCK_NB)</c>, so a second
/// opener fails fast and we retry with short, jittered sleeps.
/// </summary>
internal sealed class FileLock : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    private readonly FileStream _stream;

    private FileLock(FileStream stream) => _stream = stream;

    public static FileLock Acquire(string path)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                return new FileLock(new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None));
            }
            catch (IOException) when (clock.Elapsed < Timeout)
            {
                Thread.Sleep(Random.Shared.Next(2, 20));
            }
            catch (IOException e)
            {
                throw new TimeoutException($"could not lock {path} within {Timeout.TotalSeconds:0} s", e);
            }
        }
    }

    public void Dispose() => _stream.Dispose();
}
