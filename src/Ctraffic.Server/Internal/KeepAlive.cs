using System.Net.Sockets;

namespace Ctraffic.Server.Internal;

/// <summary>
/// TCP keep-alive on an accepted connection, for <see cref="EchoServerOptions.KeepAlive"/>: after
/// the connection has been idle for the duration the kernel sends three probes a third of it
/// apart, and a peer that answers none is given up; on Linux TCP_USER_TIMEOUT gives up the same
/// way on data that stays unacknowledged. A peer that vanished without a FIN is released after
/// about twice the duration, without a timer of our own.
/// </summary>
internal static class KeepAlive
{
    private const int Probes = 3;
    private const int LinuxIpProtoTcp = 6;
    private const int LinuxTcpUserTimeout = 18;

    public static void Apply(Socket socket, TimeSpan idle)
    {
        var seconds = (int)Math.Max(1, idle.TotalSeconds);
        socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.KeepAlive, true);
        socket.SetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveTime, seconds);
        socket.SetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveInterval, Math.Max(1, seconds / Probes));
        socket.SetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveRetryCount, Probes);
        if (OperatingSystem.IsLinux())
        {
            var milliseconds = (int)Math.Min(int.MaxValue, idle.TotalMilliseconds * 2);
            socket.SetRawSocketOption(LinuxIpProtoTcp, LinuxTcpUserTimeout, BitConverter.GetBytes(milliseconds));
        }
    }
}
