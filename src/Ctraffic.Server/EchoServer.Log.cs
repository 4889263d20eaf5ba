using System.Collections.Concurrent;

namespace Ctraffic.Server;

/// <content>
/// Log lines go to <see cref="EchoServerOptions.Log"/> from a queue, never from the accept loop
/// itself: a log that throws (stderr closed) or blocks (stderr a full pipe) costs log lines, not
/// accepts. At most <see cref="MaxQueuedLogLines"/> wait; more are dropped and counted.
/// </content>
public sealed partial class EchoServer
{
    private const int MaxQueuedLogLines = 64;
    private readonly ConcurrentQueue<string> _logLines = new();
    private int _logQueued;
    private int _logDraining;
    private long _logDropped;

    /// <summary>Log lines dropped because <see cref="EchoServerOptions.Log"/> failed or could not keep up.</summary>
    public long DroppedLogLines => Interlocked.Read(ref _logDropped);

    private void Log(string line)
    {
        if (_options.Log is null)
        {
            return;
        }

        if (Interlocked.Increment(ref _logQueued) > MaxQueuedLogLines)
        {
            Interlocked.Decrement(ref _logQueued);
            Interlocked.Increment(ref _logDropped);
            return;
        }

        _logLines.Enqueue(line);
        if (Interlocked.CompareExchange(ref _logDraining, 1, 0) == 0)
        {
            ThreadPool.UnsafeQueueUserWorkItem(static server => server.DrainLog(), this, preferLocal: false);
        }
    }

    private void DrainLog()
    {
        var log = _options.Log!;
        while (true)
        {
            while (_logLines.TryDequeue(out var line))
            {
                Interlocked.Decrement(ref _logQueued);
                try
                {
                    log(line);
                }
#pragma warning disable CA1031 // Whatever the log throws, the server goes on.
                catch (Exception)
#pragma warning restore CA1031
                {
                    Interlocked.Increment(ref _logDropped);
                }
            }

            Volatile.Write(ref _logDraining, 0);
            if (_logLines.IsEmpty || Interlocked.CompareExchange(ref _logDraining, 1, 0) != 0)
            {
                return;
            }
        }
    }
}
