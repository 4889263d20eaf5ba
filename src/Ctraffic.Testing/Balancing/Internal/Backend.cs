using System.Collections.Concurrent;
using Ctraffic.Testing.Relay;

namespace Ctraffic.Testing.Balancing.Internal;

/// <summary>A server in a balancer's pool: its open connections, whether it drains, which of its addresses is next.</summary>
internal sealed class Backend(CtrafficServer server, bool owned)
{
    private readonly ConcurrentDictionary<TcpRelay, byte> _connections = new();
    private readonly Lock _lock = new();
    private int _active;
    private int _nextAddress;
    private TaskCompletionSource? _idle;

    public CtrafficServer Server { get; } = server;

    /// <summary>Whether the balancer disposes the server with itself (it started it, e.g. in a rolling upgrade).</summary>
    public bool Owned { get; } = owned;

    /// <summary>Open connections through the balancer to this backend.</summary>
    public int Active => Volatile.Read(ref _active);

    /// <summary>Takes no new connection (drained or removed).</summary>
    public bool Closed { get; set; }

    public IEnumerable<TcpRelay> Connections => _connections.Keys;

    /// <summary>The index of the server's address to try first for the next connection: its addresses in turn.</summary>
    public int NextAddress() => Interlocked.Increment(ref _nextAddress) - 1;

    public void Opened(TcpRelay connection)
    {
        _connections[connection] = 0;
        lock (_lock)
        {
            _active++;
        }
    }

    public void Ended(TcpRelay connection)
    {
        if (!_connections.TryRemove(connection, out _))
        {
            return;
        }

        TaskCompletionSource? idle = null;
        lock (_lock)
        {
            if (--_active == 0)
            {
                (idle, _idle) = (_idle, null);
            }
        }

        idle?.TrySetResult();
    }

    /// <summary>Completes once no connection is open to this backend (any number of callers wait on the same).</summary>
    public Task IdleAsync()
    {
        lock (_lock)
        {
            return _active == 0 ? Task.CompletedTask : (_idle ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;
        }
    }
}
