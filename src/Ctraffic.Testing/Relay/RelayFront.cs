using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace Ctraffic.Testing.Relay;

/// <summary>
/// The front of a relay (the balancer's, the fault proxy's): its listener (<see cref="Listener"/>),
/// one <see cref="AcceptLoop"/> on the owner's clock, and the handler of each accepted connection,
/// tracked so that the owner can wait for them all when it is disposed. Opened and closed any
/// number of times (kill and start, a refusal): each opening is a generation, which a handler is
/// given, so that a connection accepted by a front closed meanwhile is told apart.
/// </summary>
internal sealed class RelayFront(TimeProvider time, Func<Socket, int, Task> handle)
{
    private readonly ConcurrentDictionary<Task, byte> _handlers = new();
    private readonly Lock _lock = new();
    private AcceptLoop? _loop;
    private int _generation;
    private long _acceptErrors;

    /// <summary>Accept errors (out of descriptors, ...) the accept loops have waited out.</summary>
    public long AcceptErrors => Interlocked.Read(ref _acceptErrors);

    /// <summary>Whether it listens.</summary>
    public bool IsOpen => Volatile.Read(ref _loop) is not null;

    /// <summary>The opening now; a handler given another one belongs to a front closed since.</summary>
    public int Generation => Volatile.Read(ref _generation);

    /// <summary>Completes once every accepted connection's handler has ended.</summary>
    public Task HandlersEnded => Task.WhenAll(_handlers.Keys);

    /// <summary>Listens on <paramref name="endPoint"/>; <see langword="false"/> if it listens already.</summary>
    /// <returns>Whether it listens now on a socket of this call; the bound address in <paramref name="bound"/>.</returns>
    /// <exception cref="SocketException">The address cannot be bound.</exception>
    public bool TryOpen(IPEndPoint endPoint, out IPEndPoint bound)
    {
        var listener = Listener.BindTcp(endPoint);
        bound = (IPEndPoint)listener.LocalEndPoint!;
        if (TryAdopt(listener))
        {
            return true;
        }

        listener.Dispose();
        return false;
    }

    /// <summary>Accepts on <paramref name="listener"/> (bound by <see cref="Listener.BindTcp"/>); <see langword="false"/> if it listens already (the caller keeps the socket).</summary>
    public bool TryAdopt(Socket listener)
    {
        lock (_lock)
        {
            if (_loop is not null)
            {
                return false;
            }

            var generation = Generation;
            Volatile.Write(ref _loop, AcceptLoop.Start(listener, time, socket => Track(handle(socket, generation)), () => Interlocked.Increment(ref _acceptErrors)));
            return true;
        }
    }

    /// <summary>Stops listening (new connects are refused); the handlers of connections accepted before go on.</summary>
    public void Close()
    {
        AcceptLoop? loop;
        lock (_lock)
        {
            Interlocked.Increment(ref _generation);
            loop = _loop;
            Volatile.Write(ref _loop, null);
        }

        loop?.Stop();
    }

    private void Track(Task handler)
    {
        if (handler.IsCompleted)
        {
            return;
        }

        _handlers[handler] = 0;
        _ = handler.ContinueWith(static (t, s) => ((ConcurrentDictionary<Task, byte>)s!).TryRemove(t, out _), _handlers, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }
}
