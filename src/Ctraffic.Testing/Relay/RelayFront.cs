using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace Ctraffic.Testing.Relay;

/// <summary>
/// The front of a relay (the balancer's, the fault proxy's): its listener (<see cref="Listener"/>),
/// one <see cref="AcceptLoop"/> on the owner's clock, and the handler of each accepted connection,
/// tracked so that the owner can wait for them all when it is disposed. Opened and closed by its
/// owner any number of times (kill and start): each opening is a generation, which a handler is
/// given, so that a connection accepted by a front closed meanwhile is told apart. While a fault
/// refuses every connection (<see cref="Refuse"/>) an open front does not listen, so that a connect
/// is refused by the kernel; the connections accepted before go on.
/// </summary>
internal sealed class RelayFront(TimeProvider time, Func<Socket, int, Task> handle)
{
    private readonly ConcurrentDictionary<Task, byte> _handlers = new();
    private readonly Lock _lock = new();
    private AcceptLoop? _loop;
    private IPEndPoint? _endPoint;
    private bool _open;
    private bool _refusing;
    private int _generation;
    private long _acceptErrors;

    /// <summary>Accept errors (out of descriptors, ...) the accept loops have waited out.</summary>
    public long AcceptErrors => Interlocked.Read(ref _acceptErrors);

    /// <summary>Whether its owner has it open (started, not killed or stopped), listening or held closed by a refusing fault.</summary>
    public bool IsOpen => Volatile.Read(ref _open);

    /// <summary>The opening now; a handler given another one belongs to a front closed since.</summary>
    public int Generation => Volatile.Read(ref _generation);

    /// <summary>Completes once every accepted connection's handler has ended.</summary>
    public Task HandlersEnded => Task.WhenAll(_handlers.Keys);

    /// <summary>Opens the front on <paramref name="endPoint"/>; <see langword="false"/> if it is open already.</summary>
    /// <returns>Whether it was opened by this call; the bound address in <paramref name="bound"/>.</returns>
    /// <exception cref="SocketException">The address cannot be bound.</exception>
    public bool TryOpen(IPEndPoint endPoint, out IPEndPoint bound)
    {
        lock (_lock)
        {
            bound = endPoint;
            if (_open)
            {
                return false;
            }

            if (!_refusing)
            {
                var listener = Listener.BindTcp(endPoint);
                bound = (IPEndPoint)listener.LocalEndPoint!;
                Listen(listener);
            }

            _endPoint = bound;
            Volatile.Write(ref _open, true);
            return true;
        }
    }

    /// <summary>Opens the front on <paramref name="listener"/> (bound by <see cref="Listener.BindTcp"/>); <see langword="false"/> if it is open already (the caller keeps the socket).</summary>
    public bool TryAdopt(Socket listener)
    {
        lock (_lock)
        {
            if (_open)
            {
                return false;
            }

            _endPoint = (IPEndPoint)listener.LocalEndPoint!;
            Volatile.Write(ref _open, true);
            if (_refusing)
            {
                listener.Dispose();
            }
            else
            {
                Listen(listener);
            }

            return true;
        }
    }

    /// <summary>Closes the front (new connects are refused) until it is opened again; the handlers of connections accepted before go on.</summary>
    public void Close()
    {
        lock (_lock)
        {
            Interlocked.Increment(ref _generation);
            Volatile.Write(ref _open, false);
            StopListening();
        }
    }

    /// <summary>While <paramref name="refusing"/>, an open front does not listen; then it listens again on its address.</summary>
    /// <exception cref="SocketException">The address cannot be bound again (taken meanwhile).</exception>
    public void Refuse(bool refusing)
    {
        lock (_lock)
        {
            _refusing = refusing;
            if (refusing)
            {
                StopListening();
            }
            else if (_open && _loop is null)
            {
                Listen(Listener.BindTcp(_endPoint!));
            }
        }
    }

    private void Listen(Socket listener)
    {
        var generation = Generation;
        _loop = AcceptLoop.Start(listener, time, socket => Track(handle(socket, generation)), () => Interlocked.Increment(ref _acceptErrors));
    }

    private void StopListening()
    {
        _loop?.Stop();
        _loop = null;
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
