using System.Collections.Concurrent;
using System.Collections.Immutable;

namespace Ctraffic.Testing.Relay;

/// <summary>
/// Where a relay's connection can go, as a <see cref="IBalancingPolicy"/> sees it: a balancer's
/// backend (a server's address list) or one of a fault proxy's upstream addresses. It counts its
/// open connections (what least-connections compares), can be closed to new ones (a drain, a
/// removal), and keeps which of its addresses is next.
/// </summary>
internal abstract class RelayTarget
{
    private readonly ConcurrentDictionary<TcpRelay, byte> _connections = new();
    private readonly Lock _lock = new();
    private int _active;
    private int _nextAddress;
    private TaskCompletionSource? _idle;

    /// <summary>The addresses to connect to, each in turn (parsed once, <see cref="Upstream"/>).</summary>
    /// <exception cref="ArgumentException">The address list is not valid now.</exception>
    public abstract ImmutableArray<Upstream> Addresses { get; }

    /// <summary>Open connections through the relay to this target.</summary>
    public int Active => Volatile.Read(ref _active);

    /// <summary>Takes no new connection (drained or removed).</summary>
    public bool Closed { get; set; }

    /// <summary>The open connections.</summary>
    public IEnumerable<TcpRelay> Connections => _connections.Keys;

    /// <summary>The index of the address to try first for the next connection: the addresses in turn.</summary>
    public int NextAddress() => Interlocked.Increment(ref _nextAddress) - 1;

    /// <summary>Counts <paramref name="connection"/> as open to this target.</summary>
    public void Opened(TcpRelay connection)
    {
        _connections[connection] = 0;
        lock (_lock)
        {
            _active++;
        }
    }

    /// <summary>Counts <paramref name="connection"/> as ended (once; again does nothing).</summary>
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

    /// <summary>Completes once no connection is open to this target (any number of callers wait on the same).</summary>
    public Task IdleAsync()
    {
        lock (_lock)
        {
            return _active == 0 ? Task.CompletedTask : (_idle ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;
        }
    }
}
