using System.Buffers;
using System.Net.Sockets;

namespace Ctraffic.Testing.Balancing;

/// <summary>
/// One client connection forwarded to one backend: two copy loops (client to backend, backend to
/// client) on the socket engine, no thread of their own. Each loop waits with a zero-byte receive
/// before it rents a buffer from the shared pool, so an idle connection holds none. A FIN is
/// forwarded as a FIN (half-close), a reset as a reset (linger 0).
/// </summary>
internal sealed class BalancedConnection(Socket client, Socket backend, Backend target, int bufferSize)
{
    private int _ended;

    public Backend Target => target;

    /// <summary>Forwards until both directions are closed or one side resets; then releases both sockets.</summary>
    /// <param name="stillValid">Checked once the connection is counted on its backend: false if the balancer or the backend was closed meanwhile (the connection is reset).</param>
    public async Task RunAsync(Func<bool> stillValid)
    {
        target.Opened(this);
        try
        {
            if (!stillValid())
            {
                Reset();
                return;
            }

            var up = PumpAsync(client, backend);
            var down = PumpAsync(backend, client);
            var first = await Task.WhenAny(up, down).ConfigureAwait(false);
            if (!await first.ConfigureAwait(false) || !await (first == up ? down : up).ConfigureAwait(false))
            {
                Reset();
            }
        }
        finally
        {
            End(reset: false);
            target.Ended(this);
        }
    }

    /// <summary>Resets both sides (RST to the client and to the backend).</summary>
    public void Reset() => End(reset: true);

    /// <summary>Closes the client's side as a graceful shutdown does (FIN); the client's FIN then ends the rest.</summary>
    public void Shutdown()
    {
        try
        {
            client.Shutdown(SocketShutdown.Send);
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            // Already gone.
        }
    }

    private async Task<bool> PumpAsync(Socket from, Socket to)
    {
        try
        {
            while (true)
            {
                await from.ReceiveAsync(Memory<byte>.Empty, SocketFlags.None).ConfigureAwait(false);
                var buffer = ArrayPool<byte>.Shared.Rent(bufferSize);
                try
                {
                    var n = await from.ReceiveAsync(buffer, SocketFlags.None).ConfigureAwait(false);
                    if (n == 0)
                    {
                        to.Shutdown(SocketShutdown.Send);
                        return true;
                    }

                    await to.SendAsync(buffer.AsMemory(0, n), SocketFlags.None).ConfigureAwait(false);
                }
                finally
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                }
            }
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            // A reset on either side (or the balancer closed the connection): reset the other one.
            return false;
        }
    }

    private void End(bool reset)
    {
        if (Interlocked.Exchange(ref _ended, 1) != 0)
        {
            return;
        }

        Close(client, reset);
        Close(backend, reset);
    }

    private static void Close(Socket socket, bool reset)
    {
        try
        {
            if (reset)
            {
                socket.LingerState = new LingerOption(true, 0);
            }
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            // Closing anyway.
        }

        socket.Dispose();
    }
}
