using System.Buffers;
using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;

namespace Ctraffic.Server.Internal;

/// <summary>
/// One TCP connection of the echo server: one loop waits with a zero-byte read (no buffer while
/// idle), takes what arrived into a <see cref="Pipe"/> whose blocks come from <see cref="BlockPool"/>,
/// and sends it back, the first 64 bytes with the host name over their start. Receives and sends
/// are tried at once without blocking; only a send the kernel cannot take at once waits
/// asynchronously. Nothing is allocated per packet, there is no thread hop, and
/// a connection holds one state machine and one file descriptor (the socket).
/// </summary>
/// <remarks>
/// The handshake is read on its own, at most the 64 bytes still missing per receive, on the stack;
/// a handshake that arrives in pieces is kept in one 64-byte array until it is whole. A peer that
/// sends it one byte per segment therefore holds 64 bytes, not a pooled 4 KB block per segment
/// (which it did: 63 blocks, 250 KB, per connection).
/// </remarks>
internal sealed class EchoConnection
{
    private static readonly PipeOptions PipeOptions = new(
        pool: BlockPool.Instance,
        pauseWriterThreshold: 0,
        resumeWriterThreshold: 0,
        readerScheduler: PipeScheduler.Inline,
        writerScheduler: PipeScheduler.Inline,
        minimumSegmentSize: BlockPool.BlockSize,
        useSynchronizationContext: false);

    private readonly Socket _socket;
    private readonly ReadOnlyMemory<byte> _hostName;
    private readonly Pipe _pipe = new(PipeOptions);
    private readonly Action<EchoConnection> _onClosed;
    private volatile bool _stopping;
    private bool _handshakeSent;
    private byte[]? _partial;
    private int _partialLength;
    private int _aborted;

    /// <summary>A connection on an accepted socket; <paramref name="onClosed"/> runs once its socket is closed.</summary>
    public EchoConnection(long id, Socket socket, ReadOnlyMemory<byte> hostName, Action<EchoConnection> onClosed)
    {
        Id = id;
        _socket = socket;
        _hostName = hostName;
        _onClosed = onClosed;
        try
        {
            Remote = socket.RemoteEndPoint;
            socket.Blocking = false;
        }
        catch (SocketException)
        {
            // Reset before we asked: the loop ends it at once.
        }
    }

    public long Id { get; }

    /// <summary>The client's endpoint.</summary>
    public EndPoint? Remote { get; }

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
    public void Start() => _ = RunAsync();

    /// <summary>
    /// Stops echoing and half-closes (FIN) at once: the client sees the end of the stream. The
    /// connection is closed when the client closes its side.
    /// </summary>
    public void Stop()
    {
        _stopping = true;
        try
        {
            _socket.Shutdown(SocketShutdown.Send);
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
        }
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
    }

    private async Task RunAsync()
    {
        var writer = _pipe.Writer;
        var reader = _pipe.Reader;
        try
        {
            var open = true;
            while (open)
            {
                // Wait for data without holding a buffer.
                await _socket.ReceiveAsync(Memory<byte>.Empty, SocketFlags.None).ConfigureAwait(false);
                if (!_handshakeSent)
                {
                    var (state, unsent) = ReceiveHandshake();
                    if (unsent is not null)
                    {
                        // The socket could not take 64 bytes at once: the stamped rest waits for room.
                        await _socket.SendAsync(unsent, SocketFlags.None).ConfigureAwait(false);
                    }

                    if (state == HandshakeState.Closed)
                    {
                        break;
                    }

                    continue;
                }

                var n = _socket.Receive(writer.GetMemory(BlockPool.BlockSize).Span, SocketFlags.None, out var error);
                if (error == SocketError.WouldBlock)
                {
                    continue;
                }

                if (error != SocketError.Success)
                {
                    break;
                }

                if (n > 0)
                {
                    writer.Advance(n);
                    await writer.FlushAsync().ConfigureAwait(false);
                }
                else
                {
                    // The client half-closed: echo what is left, then close.
                    open = false;
                    await writer.CompleteAsync().ConfigureAwait(false);
                }

                if (!reader.TryRead(out var result))
                {
                    continue;
                }

                var buffer = result.Buffer;
                if (_stopping)
                {
                    // Stopped: what still comes is read and dropped until the client closes.
                    reader.AdvanceTo(buffer.End);
                    continue;
                }

                var rest = SendNow(buffer);
                if (rest.Length > 0)
                {
                    await SendRestAsync(rest).ConfigureAwait(false);
                }

                reader.AdvanceTo(buffer.End);
            }
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
        }
        finally
        {
            await writer.CompleteAsync().ConfigureAwait(false);
            await reader.CompleteAsync().ConfigureAwait(false);
            _socket.Dispose();
            _onClosed(this);
        }
    }

    /// <summary>
    /// Takes in what is there of the handshake, at most the bytes still missing. Once its 64 bytes
    /// are in (or the client half-closes before), they go back with the host name over their start;
    /// returns what the kernel did not take of them at once.
    /// </summary>
    private (HandshakeState State, byte[]? Unsent) ReceiveHandshake()
    {
        Span<byte> first = stackalloc byte[Wire.HandshakeSize];
        var have = _partialLength;
        _partial.AsSpan(0, have).CopyTo(first);
        var n = _socket.Receive(first[have..], SocketFlags.None, out var error);
        if (error == SocketError.WouldBlock)
        {
            return (HandshakeState.Incomplete, null);
        }

        if (error != SocketError.Success)
        {
            return (HandshakeState.Closed, null);
        }

        if (_stopping)
        {
            // Stopped: what still comes is read and dropped until the client closes.
            _partial = null;
            _partialLength = 0;
            return (n == 0 ? HandshakeState.Closed : HandshakeState.Incomplete, null);
        }

        have += n;
        if (n > 0 && have < Wire.HandshakeSize)
        {
            // In pieces: keep what is in (64 bytes at most) until the rest comes.
            _partial ??= new byte[Wire.HandshakeSize];
            first[..have].CopyTo(_partial);
            _partialLength = have;
            return (HandshakeState.Incomplete, null);
        }

        // Whole, or a short handshake at half-close: it goes back in one piece, stamped.
        _handshakeSent = true;
        _partial = null;
        _partialLength = 0;
        var state = n == 0 ? HandshakeState.Closed : HandshakeState.Sent;
        if (have == 0)
        {
            return (state, null);
        }

        _hostName.Span[..Math.Min(_hostName.Length, have)].CopyTo(first);
        var sent = SendSome(first[..have]);
        return (state, sent < have ? first[sent..have].ToArray() : null);
    }

    /// <summary>Sends what the kernel takes at once; returns what is left.</summary>
    private ReadOnlySequence<byte> SendNow(ReadOnlySequence<byte> buffer)
    {
        while (!buffer.IsEmpty)
        {
            var segment = buffer.First.Span;
            var sent = SendSome(segment);
            buffer = buffer.Slice(sent);
            if (sent < segment.Length)
            {
                break;
            }
        }

        return buffer;
    }

    /// <summary>A non-blocking send: the bytes the kernel took (0 when its buffer is full, or where there is no such send).</summary>
    private int SendSome(ReadOnlySpan<byte> data) => NonBlockingSend.IsSupported ? NonBlockingSend.Send(_socket, data) : 0;

    /// <summary>The rest of an echo, when the client does not read fast enough: waits for room.</summary>
    private async Task SendRestAsync(ReadOnlySequence<byte> rest)
    {
        foreach (var segment in rest)
        {
            await _socket.SendAsync(segment, SocketFlags.None).ConfigureAwait(false);
        }
    }

    private enum HandshakeState
    {
        /// <summary>Not all 64 bytes are in yet.</summary>
        Incomplete,

        /// <summary>The handshake went back; from now on everything is echoed.</summary>
        Sent,

        /// <summary>The connection ends.</summary>
        Closed,
    }
}
