using System.Net.Sockets;

namespace Ctraffic.Server.Internal;

/// <summary>
/// SO_REUSEADDR alone on a listening socket, as Go sets it: a restarted server binds again at once
/// while connections of the one before are in TIME_WAIT, and a second server on a port in use
/// fails with "address already in use". (The runtime's <c>SocketOptionName.ReuseAddress</c>
/// also sets SO_REUSEPORT on Linux and macOS, and then a second server starts silently and takes
/// part of the connections.) Where the constant is not known nothing is set; on Windows
/// SO_REUSEADDR would let another socket take the port over.
/// </summary>
internal static class ListenAddressReuse
{
    private const int LinuxSolSocket = 1;
    private const int LinuxSoReuseAddr = 2;
    private const int BsdSolSocket = 0xffff;
    private const int BsdSoReuseAddr = 4;

    public static void Allow(Socket listener)
    {
        if (OperatingSystem.IsLinux())
        {
            listener.SetRawSocketOption(LinuxSolSocket, LinuxSoReuseAddr, BitConverter.GetBytes(1));
        }
        else if (OperatingSystem.IsMacOS() || OperatingSystem.IsFreeBSD())
        {
            listener.SetRawSocketOption(BsdSolSocket, BsdSoReuseAddr, BitConverter.GetBytes(1));
        }
    }
}
