using System.Buffers.Binary;
using System.Net.Sockets;
using Ctraffic.Client.Lanes;
using Ctraffic.Client.Recording;

namespace Ctraffic.Client.Exchanges;

/// <summary>
/// A datagram on a connected UDP socket: each packet carries a sequence number in its last 8
/// bytes, and its reply is awaited up to the read time-out. A reply that does not come in time,
/// or an ICMP error, is a lost packet (Sent − Received), not a failed connection: the lane goes on
/// with its next packet.
/// </summary>
internal sealed class UdpExchange(Socket socket, ConnectionState connection, int packetSize, TimeProvider time)
    : PacketExchange(socket, connection, packetSize)
{
    private ulong _sequence;

    /// <summary>
    /// Every request is zeros and its sequence number (the buffer holds the last reply or a stray
    /// datagram): what a reply must be is then known exactly.
    /// </summary>
    public override void Prepare()
    {
        _sequence++;
        var size = Buffer.Length;
        Buffer.AsSpan(0, size - ServerReply.SequenceSize).Clear();
        BinaryPrimitives.WriteUInt64LittleEndian(Buffer.AsSpan(size - ServerReply.SequenceSize), _sequence);
    }

    /// <summary>
    /// Sends the datagram. An ICMP error of an earlier datagram may be reported on this send
    /// instead of on a receive; it has been counted as a loss already, so the send is made again.
    /// </summary>
    public override async ValueTask<int> SendAsync(IoWatch io)
    {
        try
        {
            return await Socket.SendAsync(Buffer, SocketFlags.None).ConfigureAwait(false);
        }
        catch (SocketException ex) when (IsIcmpError(ex.SocketErrorCode))
        {
            return await Socket.SendAsync(Buffer, SocketFlags.None).ConfigureAwait(false);
        }
    }

    public override void BeginReply()
    {
    }

    public override ValueTask<int> ReadAsync(IoWatch io) => Socket.ReceiveAsync(Buffer, SocketFlags.None, io.Token);

    /// <summary>The reply to the datagram just sent; a late reply to an earlier one is skipped.</summary>
    public override Reply? Took(int count) => count == Buffer.Length && ServerReply.IsReplyTo(Buffer, _sequence) ? Reply.Echo : null;

    /// <summary>
    /// A receive the heartbeat cancelled: either this datagram's time is up (lost), or the
    /// previous one's was just as its reply came (then this one still has time); either way the
    /// watch gets a new token source. An ICMP error is a lost datagram too.
    /// </summary>
    public override bool Recovers(Exception error, IoWatch io, long deadline, out Reply? reply)
    {
        reply = null;
        if (error is OperationCanceledException && io.TimedOut)
        {
            var lost = time.GetTimestamp() >= deadline;
            if (lost)
            {
                io.Disarm();
                reply = Reply.Lost;
            }

            io.Renew();
            return true;
        }

        if (error is SocketException ex && IsIcmpError(ex.SocketErrorCode))
        {
            reply = Reply.Lost;
            return true;
        }

        return false;
    }

    public override string Failure(string op, string reason) => $"{op} udp {Connection.Local}->{Connection.Remote}: {reason}";

    public override void Close() => Socket.Dispose();

    /// <summary>Errors that ICMP messages report on a connected UDP socket: the datagram is lost, the socket is fine.</summary>
    private static bool IsIcmpError(SocketError error) => error is SocketError.ConnectionRefused
        or SocketError.ConnectionReset or SocketError.HostUnreachable or SocketError.NetworkUnreachable;
}
