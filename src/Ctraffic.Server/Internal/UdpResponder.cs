using System.Net;
using System.Net.Sockets;

namespace Ctraffic.Server.Internal;

/// <summary>
/// The echo server's UDP side: every datagram is answered with the same length, the host name
/// over its start, sent from the address the request was sent to. One socket and one receive loop
/// serve every local address: the destination address is learnt from IP_PKTINFO / IPV6_PKTINFO
/// and the reply is sent from the same socket with that address as its source (see
/// <see cref="UdpReply"/>), so replies leave from the address the client talked to (multi-homed
/// hosts, VIPs) and no address costs a descriptor.
/// </summary>
internal sealed class UdpResponder : IAsyncDisposable
{
    private const int MaxDatagram = 65_535;

    private readonly Socket _socket;
    private readonly byte[] _hostName;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _loop;
    private long _replies;
    private int _stopped;

    private UdpResponder(Socket socket, byte[] hostName)
    {
        _socket = socket;
        _hostName = hostName;
        _loop = Task.Run(LoopAsync);
    }

    /// <summary>Datagrams answered since the start.</summary>
    public long Replies => Interlocked.Read(ref _replies);

    /// <summary>Binds <paramref name="endPoint"/> and starts answering.</summary>
    /// <param name="endPoint">The address to serve; the IPv6 wildcard serves IPv4 as well.</param>
    /// <param name="hostName">The host name (UTF-8) written over the start of every reply.</param>
    /// <exception cref="SocketException">The address cannot be bound (e.g. in use).</exception>
    public static UdpResponder Start(IPEndPoint endPoint, byte[] hostName) => new(Bind(endPoint), hostName);

    /// <summary>Stops answering: closes the socket. Idempotent.</summary>
    public void Stop()
    {
        if (Interlocked.Exchange(ref _stopped, 1) != 0)
        {
            return;
        }

        _stopping.Cancel();
        _socket.Dispose();
    }

    /// <summary>Stops and waits for the receive loop to end.</summary>
    public async ValueTask DisposeAsync()
    {
        Stop();
        await _loop.ConfigureAwait(false);
        _stopping.Dispose();
    }

    private static Socket Bind(IPEndPoint endPoint)
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

    private async Task LoopAsync()
    {
        var buffer = new byte[MaxDatagram];
        EndPoint any = _socket.AddressFamily == AddressFamily.InterNetworkV6 ? new IPEndPoint(IPAddress.IPv6Any, 0) : new IPEndPoint(IPAddress.Any, 0);
        while (!_stopping.IsCancellationRequested)
        {
            SocketReceiveMessageFromResult r;
            try
            {
                r = await _socket.ReceiveMessageFromAsync(buffer, SocketFlags.None, any, _stopping.Token).ConfigureAwait(false);
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
                if (UdpReply.Send(_socket, buffer.AsSpan(0, n), to, r.PacketInformation.Address, r.PacketInformation.Interface))
                {
                    Interlocked.Increment(ref _replies);
                }
            }
            catch (ObjectDisposedException)
            {
                break;
            }
        }
    }
}
