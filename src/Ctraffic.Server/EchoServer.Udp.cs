using System.Net;
using System.Net.Sockets;
using Ctraffic.Server.Internal;

namespace Ctraffic.Server;

/// <content>
/// UDP: every datagram is answered with the same length, the host name over its start, sent from
/// the address the request was sent to. One socket and one receive loop serve every local address:
/// the destination address is learnt from IP_PKTINFO / IPV6_PKTINFO and the reply is sent from the
/// same socket with that address as its source (see <see cref="UdpReply"/>), so replies leave from
/// the address the client talked to (multi-homed hosts, VIPs) and no address costs a descriptor.
/// </content>
public sealed partial class EchoServer
{
    private const int MaxDatagram = 65_535;

    private readonly Socket? _udp;
    private Task? _udpLoop;
    private long _udpReplies;

    /// <summary>UDP datagrams answered since the start.</summary>
    public long UdpReplies => Interlocked.Read(ref _udpReplies);

    private Socket StartUdp(IPEndPoint endPoint)
    {
        var socket = NewUdpSocket(endPoint);
        _udpLoop = Task.Run(() => UdpLoopAsync(socket));
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

            // No address reuse: a second server on the port must fail, not share the datagrams.
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

    private async Task UdpLoopAsync(Socket socket)
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

            if (r.RemoteEndPoint is not IPEndPoint to || to.Port == 0)
            {
                // No one to answer (a datagram from port 0 cannot be replied to).
                continue;
            }

            var n = r.ReceivedBytes;
            _hostName.AsSpan(0, Math.Min(_hostName.Length, n)).CopyTo(buffer);
            try
            {
                if (UdpReply.Send(socket, buffer.AsSpan(0, n), to, r.PacketInformation.Address, r.PacketInformation.Interface))
                {
                    Interlocked.Increment(ref _udpReplies);
                }
            }
            catch (ObjectDisposedException)
            {
                break;
            }
        }
    }
}
