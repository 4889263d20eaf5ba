using System.Buffers;
using System.IO.Pipelines;
using System.Net.Sockets;

namespace Ctraffic.Server.Internal;

/// <summary>
/// One TCP connection of the echo server: a receive loop fills a <see cref="Pipe"/>, a send loop
/// drains it back to the client, overwriting the first 64 bytes' start with the host name. The
/// receive loop waits with a zero-byte read before it takes a buffer, so an idle connection holds
/// none; the send loop runs inline on the receive loop's flush (no thread hop per packet) and the
/// blocks come from <see cref="BlockPool"/> (nothing allocated per packet). One file descriptor
/// per connection: the socket.
/// </summary>
internal sealed class EchoConnection
{
    private static readonly PipeOptions PipeOptions = new(
        pool: BlockPool.Instance,
        pauseWriterThreshold: 256 * 1024,
        resumeWriterThreshold: 128 * 1024,
        readerScheduler: PipeScheduler.Inline,
        writerScheduler: PipeScheduler.Inline,
        minimumSegmentSize: 4096,
        useSynchronizationContext: false);

    private readonly Socket _socket;
    private readonly ReadOnlyMemory<byte> _hostName;
    private readonly Pipe _pipe = new(PipeOptions);
    private volatile bool _stopping;
    private int _aborted;

    public EchoConnection(long id, Socket socket, ReadOnlyMemory<byte> hostName)
    {
        Id = id;
        _socket = socket;
        _hostName = hostName;
    }

    public long Id { get; }

    /// <summary>
    /// Loads the code a connection needs (System.IO.Pipelines) while descriptors are plentiful:
    /// loading an assembly takes one, and a server out of descriptors must not need to.
    /// </summary>
    public static void LoadCode()
    {
        var pipe = new Pipe(PipeOptions);
        pipe.Writer.Complete();
        pipe.Reader.Complete();
    }

    /// <summary>Serves the connection until the client closes it, or it is stopped or aborted.</summary>
    public async Task RunAsync()
    {
        var receive = ReceiveAsync();
        var send = SendAsync();
        await Task.WhenAll(receive, send).ConfigureAwait(false);
        _socket.Dispose();
    }

    /// <summary>Stops echoing and half-closes (FIN): the client sees the end of the stream.</summary>
    public void Stop()
    {
        _stopping = true;
        _pipe.Reader.CancelPendingRead();
    }

    /// <summary>Resets the connection (RST) at once.</summary>
    public void Abort()
    {
        if (Interlocked.Exchange(ref _aborted, 1) != 0)
        {
            return;
        }

        _stopping = true;
        try
        {
            _socket.LingerState = new LingerOption(true, 0);
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
        }

        _socket.Dispose();
        _pipe.Reader.CancelPendingRead();
        _pipe.Writer.CancelPendingFlush();
    }

    private async Task ReceiveAsync()
    {
        var writer = _pipe.Writer;
        try
        {
            while (!_stopping)
            {
                // Wait for data without holding a buffer.
                await _socket.ReceiveAsync(Memory<byte>.Empty, SocketFlags.None).ConfigureAwait(false);
                var memory = writer.GetMemory(1);
                var n = await _socket.ReceiveAsync(memory, SocketFlags.None).ConfigureAwait(false);
                if (n == 0)
                {
                    break;
                }

                writer.Advance(n);
                var result = await writer.FlushAsync().ConfigureAwait(false);
                if (result.IsCompleted || result.IsCanceled)
                {
                    break;
                }
            }
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
        }
        finally
        {
            await writer.CompleteAsync().ConfigureAwait(false);
        }
    }

    private async Task SendAsync()
    {
        var reader = _pipe.Reader;
        try
        {
            if (await SendHandshakeAsync(reader).ConfigureAwait(false))
            {
                while (true)
                {
                    var result = await reader.ReadAsync().ConfigureAwait(false);
                    if (result.IsCanceled || _stopping)
                    {
                        break;
                    }

                    var buffer = result.Buffer;
                    foreach (var segment in buffer)
                    {
                        await _socket.SendAsync(segment, SocketFlags.None).ConfigureAwait(false);
                    }

                    reader.AdvanceTo(buffer.End);
                    if (result.IsCompleted)
                    {
                        break;
                    }
                }
            }
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
        }
        finally
        {
            await reader.CompleteAsync().ConfigureAwait(false);
            try
            {
                _socket.Shutdown(SocketShutdown.Send);
            }
            catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
            {
            }
        }
    }

    /// <summary>Echoes the first 64 bytes with the host name over their start; false if the connection ended first.</summary>
    private async Task<bool> SendHandshakeAsync(PipeReader reader)
    {
        var result = await reader.ReadAtLeastAsync(Wire.HandshakeSize).ConfigureAwait(false);
        if (result.IsCanceled || _stopping)
        {
            return false;
        }

        var buffer = result.Buffer;
        var length = (int)Math.Min(buffer.Length, Wire.HandshakeSize);
        var first = new byte[length];
        buffer.Slice(0, length).CopyTo(first);
        _hostName.Span[..Math.Min(_hostName.Length, length)].CopyTo(first);
        await _socket.SendAsync(first, SocketFlags.None).ConfigureAwait(false);
        reader.AdvanceTo(buffer.GetPosition(length));
        return !(result.IsCompleted && buffer.Length <= length);
    }
}
