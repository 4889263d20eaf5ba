using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using Ctraffic.Client.Recording;
using Ctraffic.Internal;

namespace Ctraffic.Client;

/// <content>
/// UDP: one connected datagram socket per lane, paced exactly as TCP. Each datagram is a packet
/// carrying a sequence number in its last 8 bytes; its reply is awaited up to the read time-out.
/// A reply that does not come in time, or an ICMP error, is a lost packet (Sent − Received), not
/// a failed connection: the lane goes on with its next packet.
/// </content>
public sealed partial class TrafficRun
{
    private const int SequenceSize = sizeof(ulong);

    /// <summary>Runs datagrams on a connected UDP socket; <see langword="true"/> if the socket failed (not for lost packets).</summary>
    private async Task<bool> PumpUdpAsync(ConnectionState conn, Lane lane, Socket socket)
    {
        var size = _packetSize;
        var buffer = new byte[size];
        lane.TimedOut = false;
        lane.Io = new CancellationTokenSource();
        string? error = null;
        var op = "write";
        var lasted = false;
        ulong sequence = 0;
        try
        {
            if (await StartPacingAsync(lane).ConfigureAwait(false) is not { } started)
            {
                return false;
            }

            var bucket = started;
            while (true)
            {
                var now = _time.GetTimestamp();
                if (now >= _deadlineTs)
                {
                    lasted = true;
                    break;
                }

                var due = bucket.Reserve(now, size);
                if (due >= _deadlineTs)
                {
                    lasted = await _pacer.DelayUntilAsync(lane.Waiter, _deadlineTs).ConfigureAwait(false);
                    break;
                }

                if (!await WaitForTurnAsync(lane, due, now).ConfigureAwait(false))
                {
                    break;
                }

                sequence++;

                // Every request is zeros and its sequence number (the buffer holds the last reply
                // or a stray datagram): what a reply must be is then known exactly.
                buffer.AsSpan(0, size - SequenceSize).Clear();
                BinaryPrimitives.WriteUInt64LittleEndian(buffer.AsSpan(size - SequenceSize), sequence);
                op = "write";
                var sentAt = _time.GetTimestamp();
                var deadline = sentAt + _readTimeoutTicks;
                Volatile.Write(ref lane.IoDeadline, deadline);
                await SendDatagramAsync(socket, buffer).ConfigureAwait(false);
                CountSent(conn, lane, sentAt, ref bucket);

                op = "read";
                var answered = await AwaitReplyAsync(lane, socket, buffer, sequence, deadline).ConfigureAwait(false);
                if (!answered)
                {
                    Interlocked.Increment(ref _slices.At(_time.GetTimestamp() - _startTs).Lost);
                    continue;
                }

                CountEcho(conn, lane, sentAt, buffer);
            }
        }
        catch (SocketException ex)
        {
            error = $"{op} udp {conn.Local}->{conn.Remote}: {GoErrors.Reason(ex)}";
        }
        catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException)
        {
            // Aborted by the run itself: not a failure of the socket.
        }
        finally
        {
            Volatile.Write(ref lane.IoDeadline, 0);
            var io = lane.Io;
            lane.Io = null;
            io?.Dispose();
            socket.Dispose();
            if (lane.SourceAddress is { } local)
            {
                _options.SourceAddresses!.Release(local);
                lane.SourceAddress = null;
            }

            conn.Error = error;
            if (error is not null)
            {
                LastError = error;
            }
            conn.EndedTicks = (error is null && lasted ? _deadlineTs : _time.GetTimestamp()) - _startTs;
            conn.Phase = ConnectionPhase.Ended;
        }

        return error is not null;
    }

    /// <summary>
    /// Sends one datagram. An ICMP error of an earlier datagram may be reported on this send
    /// instead of on a receive; it has been counted as a loss already, so the send is made again.
    /// </summary>
    private static async ValueTask SendDatagramAsync(Socket socket, byte[] buffer)
    {
        try
        {
            await socket.SendAsync(buffer, SocketFlags.None).ConfigureAwait(false);
        }
        catch (SocketException ex) when (IsIcmpError(ex.SocketErrorCode))
        {
            await socket.SendAsync(buffer, SocketFlags.None).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Waits for the reply to datagram <paramref name="sequence"/> until <paramref name="deadline"/>;
    /// <see langword="false"/> if it is lost (no reply in time, or an ICMP error). Replies to earlier
    /// datagrams that come late are skipped. No timer per packet: the heartbeat cancels
    /// <see cref="Lane.Io"/> once <see cref="Lane.IoDeadline"/> has passed, and a cancelled source
    /// is replaced by a new one for the next packet.
    /// </summary>
    private async ValueTask<bool> AwaitReplyAsync(Lane lane, Socket socket, byte[] buffer, ulong sequence, long deadline)
    {
        var size = buffer.Length;
        while (true)
        {
            int n;
            try
            {
                n = await socket.ReceiveAsync(buffer, SocketFlags.None, lane.Io!.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (lane.TimedOut)
            {
                // The heartbeat fired: either for this packet (lost), or for the previous one just
                // as its reply came (then this packet still has time).
                var lost = _time.GetTimestamp() >= deadline;
                if (lost)
                {
                    Volatile.Write(ref lane.IoDeadline, 0);
                }

                RenewIo(lane);
                if (lost)
                {
                    return false;
                }

                continue;
            }
            catch (SocketException ex) when (IsIcmpError(ex.SocketErrorCode))
            {
                Volatile.Write(ref lane.IoDeadline, 0);
                return false;
            }

            if (n == size && IsReplyTo(buffer, sequence))
            {
                Volatile.Write(ref lane.IoDeadline, 0);
                return true;
            }
        }
    }

    /// <summary>Replaces the lane's cancelled I/O source; the deadline must be cleared or still ahead first.</summary>
    private static void RenewIo(Lane lane)
    {
        var old = lane.Io;
        lane.Io = new CancellationTokenSource();
        lane.TimedOut = false;
        old?.Dispose();
    }

    /// <summary>
    /// Whether a datagram of the request's length is the reply to request <paramref name="sequence"/>
    /// (zeros, then the sequence number). The server writes its host name over the start of the
    /// request: the reply is the name — the bytes before the first NUL, at most the 64-byte
    /// handshake — and then exactly the rest of the request. A name that reaches into the sequence
    /// (packets shorter than 72 bytes) leaves only the rest of the sequence to check.
    /// </summary>
    internal static bool IsReplyTo(ReadOnlySpan<byte> reply, ulong sequence)
    {
        var at = reply.Length - SequenceSize;
        var head = Math.Min(Wire.HandshakeSize, reply.Length);
        var name = reply[..head].IndexOf((byte)0);
        if (name < 0)
        {
            name = head;
        }

        Span<byte> expected = stackalloc byte[SequenceSize];
        BinaryPrimitives.WriteUInt64LittleEndian(expected, sequence);
        if (name >= at)
        {
            return reply[name..].SequenceEqual(expected[(name - at)..]);
        }

        return !reply[name..at].ContainsAnyExcept((byte)0) && reply[at..].SequenceEqual(expected);
    }

    /// <summary>Errors that ICMP messages report on a connected UDP socket: the datagram is lost, the socket is fine.</summary>
    private static bool IsIcmpError(SocketError error) => error is SocketError.ConnectionRefused
        or SocketError.ConnectionReset or SocketError.HostUnreachable or SocketError.NetworkUnreachable;
}
