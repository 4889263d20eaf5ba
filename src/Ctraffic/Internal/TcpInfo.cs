using System.Net.Sockets;

namespace Ctraffic.Internal;

/// <summary>Reads Linux <c>TCP_INFO</c>.</summary>
internal static class TcpInfo
{
    private const int SolTcp = 6;
    private const int TcpInfoOption = 11;
    private const int TotalRetransOffset = 100; // struct tcp_info: __u32 tcpi_total_retrans

    /// <summary>
    /// <c>tcpi_total_retrans</c> of the socket, or <see langword="null"/> where it cannot be read
    /// (not Linux, socket closed).
    /// </summary>
    public static long? TotalRetransmits(Socket socket)
    {
        if (!OperatingSystem.IsLinux())
        {
            return null;
        }

        try
        {
            Span<byte> info = stackalloc byte[232];
            var n = socket.GetRawSocketOption(SolTcp, TcpInfoOption, info);
            if (n < TotalRetransOffset + 4)
            {
                return null;
            }

            return BitConverter.ToUInt32(info.Slice(TotalRetransOffset, 4));
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            return null;
        }
    }
}
