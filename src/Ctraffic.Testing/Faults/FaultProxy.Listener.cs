using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Ctraffic.Testing.Faults.Internal;

namespace Ctraffic.Testing;

/// <content>Listening, accepting and connecting to the upstream server; refusing by not listening.</content>
public sealed partial class FaultProxy
{
    /// <summary>Tries at binding TCP and UDP on one free port before giving up.</summary>
    private const int BindAttempts = 20;

    private readonly Lock _listenLock = new();
    private readonly ConcurrentDictionary<long, TcpLink> _links = new();
    private IPEndPoint _endPoint = new(IPAddress.Loopback, 0);
    private Socket? _listener;
    private UdpRelay? _udp;

    private string Listen(HostPort address)
    {
        var requested = new IPEndPoint(address.IPAddress!, address.Port);
        for (var attempt = 1; ; attempt++)
        {
            var tcp = BindTcp(requested);
            var endPoint = (IPEndPoint)tcp.LocalEndPoint!;
            Socket? udp = null;
            if (_options.Udp)
            {
                udp = new Socket(endPoint.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
                try
                {
                    udp.Bind(endPoint);
                }
                catch (SocketException ex) when (ex.SocketErrorCode == SocketError.AddressAlreadyInUse && requested.Port == 0 && attempt < BindAttempts)
                {
                    // The free TCP port is taken for UDP: take another one.
                    udp.Dispose();
                    tcp.Dispose();
                    continue;
                }
                catch
                {
                    udp.Dispose();
                    tcp.Dispose();
                    throw;
                }
            }

            _endPoint = endPoint;
            _listener = tcp;
            _ = AcceptAsync(tcp);
            if (udp is not null)
            {
                _udp = new UdpRelay(this, udp, NextUpstream, _options.MaxUdpSessions, _options.UdpIdleTimeout);
            }

            return HostPort.Format(endPoint);
        }
    }

    private static Socket BindTcp(IPEndPoint endPoint)
    {
        var socket = new Socket(endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            // Bound again on the same port after a refusal while accepted connections still use it.
            socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
            socket.Bind(endPoint);
            socket.Listen(4096);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private static void ResetAndClose(Socket socket)
    {
        try
        {
            socket.LingerState = new LingerOption(true, 0);
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
        }

        socket.Dispose();
    }

    /// <summary>Listens when no fault refuses every connection, and not while one does (then a SYN gets RST).</summary>
    private void ReconcileListener()
    {
        lock (_listenLock)
        {
            var refuseAll = false;
            foreach (var active in Snapshot)
            {
                refuseAll |= active.Fault.Refuses && active.Fault.ConnectionFraction >= 1;
            }

            if (refuseAll || Volatile.Read(ref _disposed) != 0)
            {
                _listener?.Dispose();
                _listener = null;
            }
            else if (_listener is null)
            {
                _listener = BindTcp(_endPoint);
                _ = AcceptAsync(_listener);
            }
        }
    }

    private void StopListening()
    {
        lock (_listenLock)
        {
            _listener?.Dispose();
            _listener = null;
        }
    }

    private async Task AcceptAsync(Socket listener)
    {
        while (true)
        {
            Socket client;
            try
            {
                client = await listener.AcceptAsync().ConfigureAwait(false);
            }
            catch (ObjectDisposedException)
            {
                return;
            }
            catch (SocketException)
            {
                lock (_listenLock)
                {
                    if (!ReferenceEquals(_listener, listener))
                    {
                        return;
                    }
                }

                // Out of descriptors or the like: try again shortly rather than spin.
                await Task.Delay(TimeSpan.FromMilliseconds(10), TimeProvider.System).ConfigureAwait(false);
                continue;
            }

            _ = CarryAsync(client);
        }
    }

    private async Task CarryAsync(Socket client)
    {
        var id = NextConnection();
        if (Volatile.Read(ref _disposed) != 0 || FaultPlanner.Refuses(Snapshot, id))
        {
            Interlocked.Increment(ref Counters.Refused);
            ResetAndClose(client);
            return;
        }

        Socket? server = null;
        try
        {
            client.NoDelay = true;
            var endPoint = NextUpstream();
            server = new Socket(endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            using var timeout = new CancellationTokenSource(_options.ConnectTimeout, Time);
            await server.ConnectAsync(endPoint, timeout.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException or ObjectDisposedException)
        {
            // The server refuses or is away: the client sees a reset, as it would behind a NAT.
            server?.Dispose();
            ResetAndClose(client);
            return;
        }

        var link = new TcpLink(this, id, client, server);
        _links[id] = link;
        try
        {
            if (Volatile.Read(ref _disposed) != 0)
            {
                link.Abort(reset: true);
            }

            await link.RunAsync().ConfigureAwait(false);
        }
#pragma warning disable CA1031 // A connection's failure must not end the proxy: the link is reset and the rest go on.
        catch (Exception)
#pragma warning restore CA1031
        {
            link.Abort(reset: true);
        }
        finally
        {
            _links.TryRemove(id, out _);
        }
    }
}
