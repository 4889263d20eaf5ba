using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Ctraffic.Server.Internal;

namespace Ctraffic.Server;

/// <summary>
/// The ctraffic echo server, hostable in-process: answers the 64-byte host-name handshake and
/// echoes everything else. Start it with <see cref="Start"/>; stop it gracefully (FIN on every
/// connection) with <see cref="StopAsync"/>, or abruptly (RST on every connection) with <see cref="Kill"/>.
/// With <see cref="EchoServerOptions.Udp"/> it answers datagrams on the same port too.
/// </summary>
public sealed partial class EchoServer : IAsyncDisposable
{
    private readonly EchoServerOptions _options;
    private readonly Socket _listener;
    private readonly byte[] _hostName;
    private readonly ConcurrentDictionary<long, EchoConnection> _connections = new();
    private readonly Lock _drainGate = new();
    private readonly Action<EchoConnection> _onClosed;
    private TaskCompletionSource? _drained;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _acceptLoop;
    private readonly DescriptorReserve _reserve = new(16);
    private readonly UdpResponder? _udp;
    private readonly int _baselineDescriptors;
    private long _accepted;
    private long _acceptErrors;
    private int _stopped;
    private volatile bool _killed;

    private EchoServer(EchoServerOptions options)
    {
        _options = options;
        _onClosed = OnClosed;
        HostName = options.EffectiveHostName;
        _hostName = Encoding.UTF8.GetBytes(HostName);
        var address = HostPort.Parse(options.Address);
        var ip = address.IPAddress ?? IPAddress.IPv6Any;
        _listener = new Socket(ip.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            if (ip.AddressFamily == AddressFamily.InterNetworkV6 && ip.Equals(IPAddress.IPv6Any))
            {
                _listener.DualMode = true;
            }

            ListenAddressReuse.Allow(_listener);
            _listener.Bind(new IPEndPoint(ip, address.Port));
            _listener.Listen(options.Backlog);
            LocalEndPoint = (IPEndPoint)_listener.LocalEndPoint!;
            if (options.Udp)
            {
                _udp = UdpResponder.Start(new IPEndPoint(ip, LocalEndPoint.Port), _hostName);
            }
        }
        catch
        {
            _listener.Dispose();
            throw;
        }

        EchoConnection.LoadCode();
        _baselineDescriptors = FileLimit.OpenNow();
        _acceptLoop = AcceptLoopAsync();
    }

    /// <summary>The address the server listens on, with the port it got.</summary>
    public IPEndPoint LocalEndPoint { get; }

    /// <summary>The address as <c>host:port</c> a client can connect to (a wildcard listen address becomes loopback).</summary>
    public string ConnectAddress
    {
        get
        {
            var ip = LocalEndPoint.Address;
            if (ip.Equals(IPAddress.IPv6Any))
            {
                ip = IPAddress.IPv6Loopback;
            }
            else if (ip.Equals(IPAddress.Any))
            {
                ip = IPAddress.Loopback;
            }

            return HostPort.Format(new IPEndPoint(ip, LocalEndPoint.Port));
        }
    }

    /// <summary>The host name the server writes in the handshake.</summary>
    public string HostName { get; }

    /// <summary>Connections open now.</summary>
    public int ActiveConnections => _connections.Count;

    /// <summary>
    /// The remote (client) endpoints of the connections open now, a snapshot: shows which source
    /// addresses the clients use.
    /// </summary>
    public IReadOnlyList<IPEndPoint> RemoteEndPoints => [.. _connections.Values.Select(c => c.Remote).OfType<IPEndPoint>()];

    /// <summary>Connections accepted since the start.</summary>
    public long AcceptedConnections => Interlocked.Read(ref _accepted);

    /// <summary>Accept errors survived (e.g. out of file descriptors).</summary>
    public long AcceptErrors => Interlocked.Read(ref _acceptErrors);

    /// <summary>UDP datagrams answered since the start.</summary>
    public long UdpReplies => _udp?.Replies ?? 0;

    /// <summary>Starts a server listening on <see cref="EchoServerOptions.Address"/>.</summary>
    /// <exception cref="ArgumentException">An option is invalid.</exception>
    /// <exception cref="SocketException">The address cannot be bound (e.g. in use).</exception>
    public static EchoServer Start(EchoServerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options = options.Clone();
        options.Validate();
        return new EchoServer(options);
    }

    /// <summary>
    /// Stops gracefully: no new connections, a FIN on every connection, then waits up to
    /// <paramref name="grace"/> (5 s if <see langword="null"/>, on <see cref="EchoServerOptions.TimeProvider"/>)
    /// for the clients to close before resetting the rest.
    /// </summary>
    public async Task StopAsync(TimeSpan? grace = null, CancellationToken cancellationToken = default)
    {
        StopListening();
        await _acceptLoop.ConfigureAwait(false);
        foreach (var connection in _connections.Values)
        {
            connection.Stop();
        }

        var all = WhenAllClosed();
        try
        {
            await all.WaitAsync(grace ?? TimeSpan.FromSeconds(5), _options.TimeProvider, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
        }
        finally
        {
            Kill();
        }

        await all.ConfigureAwait(false);
    }

    /// <summary>Kills the server as a crash would: stops listening and resets (RST) every connection at once.</summary>
    public void Kill()
    {
        _killed = true;
        StopListening();
        foreach (var connection in _connections.Values)
        {
            connection.Abort();
        }
    }

    /// <summary>Kills the server and waits until every socket is closed.</summary>
    public async ValueTask DisposeAsync()
    {
        Kill();
        await _acceptLoop.ConfigureAwait(false);
        await WhenAllClosed().ConfigureAwait(false);
        if (_udp is not null)
        {
            await _udp.DisposeAsync().ConfigureAwait(false);
        }

        _stopping.Dispose();
    }

    private void StopListening()
    {
        if (Interlocked.Exchange(ref _stopped, 1) != 0)
        {
            return;
        }

        _stopping.Cancel();
        _listener.Dispose();
        _reserve.Dispose();
        _udp?.Stop();
    }

    /// <summary>A connection's socket is closed: it is no longer counted, and the last one ends a drain.</summary>
    private void OnClosed(EchoConnection connection)
    {
        _connections.TryRemove(connection.Id, out _);
        lock (_drainGate)
        {
            if (_drained is not null && _connections.IsEmpty)
            {
                _drained.TrySetResult();
            }
        }
    }

    /// <summary>Completes once no connection is open; call after the accept loop has ended.</summary>
    private Task WhenAllClosed()
    {
        lock (_drainGate)
        {
            if (_connections.IsEmpty)
            {
                return Task.CompletedTask;
            }

            _drained ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            return _drained.Task;
        }
    }
}
