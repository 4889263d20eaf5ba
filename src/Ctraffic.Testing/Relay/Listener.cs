using System.Net;
using System.Net.Sockets;
using Ctraffic.Server.Internal;

namespace Ctraffic.Testing.Relay;

/// <summary>
/// The listening sockets of the balancer and the fault proxy, bound as the echo server binds its
/// own (<see cref="ListenAddressReuse"/>): SO_REUSEADDR alone, so that a front started again binds
/// at once while its old connections are in TIME_WAIT, and a second listener on a port in use fails
/// with "address already in use" instead of silently sharing the port (the runtime's
/// <c>SocketOptionName.ReuseAddress</c> also sets SO_REUSEPORT).
/// </summary>
internal static class Listener
{
    /// <summary>The listen backlog: as deep as the echo server's default, so a burst of connects is not refused.</summary>
    public const int Backlog = 4096;

    /// <summary>Tries at binding TCP and UDP on one free port before giving up.</summary>
    private const int BindAttempts = 20;

    /// <summary>
    /// A TCP socket listening on <paramref name="requested"/> and, with <paramref name="udp"/>, a UDP
    /// socket bound to the same port (port 0: a port free for both, tried up to 20 times).
    /// </summary>
    /// <exception cref="SocketException">The address cannot be bound (e.g. in use).</exception>
    public static (Socket Tcp, Socket? Udp) BindTcpAndUdp(IPEndPoint requested, bool udp)
    {
        for (var attempt = 1; ; attempt++)
        {
            var tcp = BindTcp(requested);
            if (!udp)
            {
                return (tcp, null);
            }

            try
            {
                return (tcp, BindUdp((IPEndPoint)tcp.LocalEndPoint!));
            }
            catch (SocketException ex) when (ex.SocketErrorCode == SocketError.AddressAlreadyInUse && requested.Port == 0 && attempt < BindAttempts)
            {
                // The free TCP port is taken for UDP: take another one.
                tcp.Dispose();
            }
            catch
            {
                tcp.Dispose();
                throw;
            }
        }
    }

    /// <summary>A TCP socket listening on <paramref name="endPoint"/>.</summary>
    /// <exception cref="SocketException">The address cannot be bound (e.g. in use).</exception>
    public static Socket BindTcp(IPEndPoint endPoint) => SetUp(new Socket(endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp), socket =>
    {
        ListenAddressReuse.Allow(socket);
        socket.Bind(endPoint);
        socket.Listen(Backlog);
    });

    /// <summary>A UDP socket bound to <paramref name="endPoint"/>.</summary>
    /// <exception cref="SocketException">The address cannot be bound (e.g. in use).</exception>
    public static Socket BindUdp(IPEndPoint endPoint)
        => SetUp(new Socket(endPoint.AddressFamily, SocketType.Dgram, ProtocolType.Udp), socket => socket.Bind(endPoint));

    /// <summary>Runs <paramref name="setUp"/> on <paramref name="socket"/>; disposes the socket if it throws.</summary>
    private static Socket SetUp(Socket socket, Action<Socket> setUp)
    {
        try
        {
            setUp(socket);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
