using System.Collections.Concurrent;
using System.Net;

namespace Ctraffic.Testing.Balancing;

/// <summary>A server in a balancer's pool: where to connect, its open connections, whether it drains.</summary>
internal sealed class Backend(CtrafficServer server, bool owned)
{
    private readonly ConcurrentDictionary<BalancedConnection, byte> _connections = new();
    private int _active;
    private TaskCompletionSource? _idle;

    public CtrafficServer Server { get; } = server;

    /// <summary>Whether the balancer disposes the server with itself (it started it, e.g. in a rolling upgrade).</summary>
    public bool Owned { get; } = owned;

    /// <summary>Open connections through the balancer to this backend.</summary>
    public int Active => Volatile.Read(ref _active);

    /// <summary>Takes no new connection (drained or removed).</summary>
    public bool Closed { get; set; }

    public IEnumerable<BalancedConnection> Connections => _connections.Keys;

    public EndPoint EndPoint()
    {
        var address = HostPort.Parse(Server.Address.Split(',')[0]);
        return address.IPAddress is { } ip ? new IPEndPoint(ip, address.Port) : new DnsEndPoint(address.Host, address.Port);
    }

    public void Opened(BalancedConnection connection)
    {
        _connections[connection] = 0;
        Interlocked.Increment(ref _active);
    }

    public void Ended(BalancedConnection connection)
    {
        if (_connections.TryRemove(connection, out _) && Interlocked.Decrement(ref _active) == 0)
        {
            Volatile.Read(ref _idle)?.TrySetResult();
        }
    }

    /// <summary>Completes once no connection is open to this backend.</summary>
    public Task IdleAsync()
    {
        var idle = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Volatile.Write(ref _idle, idle);
        if (Active == 0)
        {
            idle.TrySetResult();
        }

        return idle.Task;
    }
}
