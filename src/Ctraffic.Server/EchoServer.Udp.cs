using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace Ctraffic.Server;

/// <content>
/// UDP: every datagram is answered with the same length, the host name over its start, sent from
/// the address the request was sent to. On a wildcard address the server learns each destination
/// address from IP_PKTINFO / IPV6_PKTINFO and answers through a socket bound to exactly that
/// address and port, so replies leave from the address the client talked to (multi-homed hosts, VIPs).
/// </content>
public sealed partial class EchoServer
{
    private const int MaxDatagram = 65_535;

    private readonly ConcurrentDictionary<IPAddress, Socket> _udpByAddress = new();
    private readonly List<Task> _udpLoops = [];
    private readonly Socket? _udp;
    private Task? _udpLoop;
    private long _udpReplies;

    /// <summary>UDP datagrams answered since the start.</summary>
    public long UdpReplies => Interlocked.Read(ref _udpReplies);

    private Socket StartUdp(IPEndPoint endPoint)
    {
        var socket = NewUdpSocket(endPoint);
        _udpLoop = Task.Run(() => UdpLoopAsync(socket, endPoint.Address.Equals(IPAddress.IPv6Any) || endPoint.Address.Equals(IPAddress.Any)));
        return socket;
    }

    private static Socket NewUdpSocket(IPEndPoint endPoint)
    {
        var socket = new Socket(endPoint.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        try
        {
            if (endPoint.AddressFamily == AddressFamily.InterNetworkV6 && endPoint.Address.Equals(IPAddress.IPv6Any))
            {
                socket.DualMode = true;
            }

            socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
            if (endPoint.AddressFamily == AddressFamily.InterNetworkV6)
            {
                socket.SetSocketOption(SocketOptionLevel.IPv6, SocketOptionName.PacketInformation, true);
            }

            if (endPoint.AddressFamily == AddressFamily.InterNetwork || socket.DualMode)
            {
                socket.SetSocketOption(SocketOptionLevel.IP, SocketOptionName.PacketInformation, true);
            }

            socket.Bind(endPoint);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private async Task UdpLoopAsync(Socket socket, bool wildcard)
    {
        var buffer = new byte[MaxDatagram];
        EndPoint any = socket.AddressFamily == AddressFamily.InterNetworkV6 ? new IPEndPoint(IPAddress.IPv6Any, 0) : new IPEndPoint(IPAddress.Any, 0);
        while (!_stopping.IsCancellationRequested)
        {
            SocketReceiveMessageFromResult r;
            try
            {
                r = await socket.ReceiveMessageFromAsync(buffer, SocketFlags.None, any, _stopping.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException)
            {
                break;
            }
            catch (SocketException)
            {
                // ICMP errors of earlier replies surface here on some systems: not fatal.
                continue;
            }

            var n = r.ReceivedBytes;
            _hostName.AsSpan(0, Math.Min(_hostName.Length, n)).CopyTo(buffer);
            var reply = wildcard ? ReplySocket(r.PacketInformation.Address, socket) : socket;
            try
            {
                await reply.SendToAsync(buffer.AsMemory(0, n), SocketFlags.None, r.RemoteEndPoint, _stopping.Token).ConfigureAwait(false);
                Interlocked.Increment(ref _udpReplies);
            }
            catch (Exception ex) when (ex is SocketException or OperationCanceledException or ObjectDisposedException)
            {
            }
        }

        if (socket == _udp)
        {
            Task[] loops;
            lock (_udpLoops)
            {
                loops = [.. _udpLoops];
            }

            foreach (var s in _udpByAddress.Values)
            {
                s.Dispose();
            }

            await Task.WhenAll(loops).ConfigureAwait(false);
        }
    }

    /// <summary>The socket bound to <paramref name="destination"/> and the server's port, made when first needed.</summary>
    private Socket ReplySocket(IPAddress destination, Socket fallback)
    {
        if (destination.IsIPv4MappedToIPv6)
        {
            destination = destination.MapToIPv4();
        }

        if (destination.Equals(IPAddress.Any) || destination.Equals(IPAddress.IPv6Any))
        {
            return fallback;
        }

        if (_udpByAddress.TryGetValue(destination, out var existing))
        {
            return existing;
        }

        lock (_udpByAddress)
        {
            if (_udpByAddress.TryGetValue(destination, out existing))
            {
                return existing;
            }

            if (_stopping.IsCancellationRequested)
            {
                return fallback;
            }

            Socket bound;
            try
            {
                bound = NewUdpSocket(new IPEndPoint(destination, LocalEndPoint.Port));
            }
            catch (SocketException)
            {
                return fallback;
            }

            _udpByAddress[destination] = bound;
            lock (_udpLoops)
            {
                // Datagrams to this address now arrive on the bound socket: serve it too.
                _udpLoops.Add(Task.Run(() => UdpLoopAsync(bound, wildcard: false)));
            }

            return bound;
        }
    }
}
