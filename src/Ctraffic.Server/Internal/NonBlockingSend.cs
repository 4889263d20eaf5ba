using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace Ctraffic.Server.Internal;

/// <summary>
/// A send that never waits: <c>send(2)</c> with <c>MSG_DONTWAIT</c>, which reports exactly how
/// many bytes the kernel took, also when it took only part (the runtime's non-blocking
/// <see cref="Socket.Send(ReadOnlySpan{byte}, SocketFlags, out SocketError)"/> reports a partial
/// send as "would block" with no count). Linux only; elsewhere <see cref="IsSupported"/> is false.
/// </summary>
internal static partial class NonBlockingSend
{
    private const int MsgDontWait = 0x40;
    private const int MsgNoSignal = 0x4000;
    private const int EAgain = 11;
    private const int EIntr = 4;

    /// <summary>Whether <c>send(2)</c> can be called here: Linux, with the C library reachable (a static build binds it directly).</summary>
    public static bool IsSupported { get; } = Probe();

    /// <summary>Bytes the kernel took now (0 when the socket's buffer is full).</summary>
    /// <exception cref="SocketException">The connection failed.</exception>
    /// <exception cref="ObjectDisposedException">The socket is closed.</exception>
    public static unsafe int Send(Socket socket, ReadOnlySpan<byte> data)
    {
        var handle = socket.SafeHandle;
        var added = false;
        try
        {
            // Held while in use: a socket closed by another thread cannot have its descriptor
            // number reused under this send.
            handle.DangerousAddRef(ref added);
            fixed (byte* p = data)
            {
                while (true)
                {
                    var n = SendRaw((int)handle.DangerousGetHandle(), p, data.Length, MsgDontWait | MsgNoSignal);
                    if (n >= 0)
                    {
                        return (int)n;
                    }

                    var errno = Marshal.GetLastPInvokeError();
                    if (errno == EAgain)
                    {
                        return 0;
                    }

                    if (errno != EIntr)
                    {
                        throw new SocketException((int)SocketError.ConnectionReset);
                    }
                }
            }
        }
        finally
        {
            if (added)
            {
                handle.DangerousRelease();
            }
        }
    }

    private static unsafe bool Probe()
    {
        if (!OperatingSystem.IsLinux())
        {
            return false;
        }

        try
        {
            // No descriptor: fails with EBADF, and shows that the function is there.
            byte b = 0;
            return SendRaw(-1, &b, 0, MsgDontWait | MsgNoSignal) == -1;
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException)
        {
            return false;
        }
    }

    [LibraryImport("libc", EntryPoint = "send", SetLastError = true)]
    private static unsafe partial nint SendRaw(int fd, byte* buffer, nint length, int flags);
}
