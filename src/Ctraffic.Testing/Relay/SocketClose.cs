using System.Net.Sockets;

namespace Ctraffic.Testing.Relay;

/// <summary>The one way the relay ends a socket: with RST (linger 0) or FIN, then closed; never throws.</summary>
internal static class SocketClose
{
    /// <summary>Closes <paramref name="socket"/> with RST to its peer.</summary>
    public static void Reset(Socket socket) => Close(socket, reset: true);

    /// <summary>Closes <paramref name="socket"/>: RST to its peer if <paramref name="reset"/>, else FIN.</summary>
    public static void Close(Socket socket, bool reset)
    {
        try
        {
            if (reset)
            {
                // With a zero linger time, closing sends RST instead of FIN.
                socket.LingerState = new LingerOption(true, 0);
            }
            else
            {
                socket.Shutdown(SocketShutdown.Send);
            }
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            // Already gone: closing anyway.
        }

        socket.Dispose();
    }

    /// <summary>Sends FIN on <paramref name="socket"/> (no more bytes from this side), keeping it open for reading.</summary>
    public static void ShutdownSend(Socket socket)
    {
        try
        {
            socket.Shutdown(SocketShutdown.Send);
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            // Already gone.
        }
    }
}
