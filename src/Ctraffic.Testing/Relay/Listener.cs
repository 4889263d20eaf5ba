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

    /// <summary>A TCP socket listening on <paramref name="endPoint"/>.</summary>
    /// <exception cref="SocketException">The address cannot be bound (e.g. in use).</exception>
    public static Socket BindTcp(IPEndPoint endPoint)
    {
        var socket = new Socket(endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            ListenAddressReuse.Allow(socket);
            socket.Bind(endPoint);
            socket.Listen(Backlog);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
