using System.Net.Sockets;
using Ctraffic.Client.Lanes;
using Ctraffic.Client.Recording;
using Ctraffic.Statistics;

namespace Ctraffic.Client.Exchanges;

/// <summary>What became of a packet after it was sent.</summary>
internal enum Reply
{
    /// <summary>Its echo is in the buffer.</summary>
    Echo,

    /// <summary>No reply by the read time-out, or an ICMP error (UDP): the next packet goes on.</summary>
    Lost,

    /// <summary>The peer closed the connection (TCP end of stream).</summary>
    Closed,
}

/// <summary>
/// How one connected socket sends a packet and gets its reply, behind the one
/// <see cref="PacedLoop"/> of both protocols: one instance per connection, one virtual call per
/// step of a packet, nothing allocated per packet on the way.
/// </summary>
/// <param name="socket">The connected socket; the exchange closes it.</param>
/// <param name="connection">The connection slot it runs for.</param>
/// <param name="packetSize">Bytes of one packet.</param>
internal abstract class PacketExchange(Socket socket, ConnectionState connection, int packetSize)
{
    protected Socket Socket { get; } = socket;

    /// <summary>The connection slot it runs for.</summary>
    public ConnectionState Connection { get; } = connection;

    /// <summary>The connection slot the packets are counted on now (HTTP: a new one after the server closed the last between requests).</summary>
    public virtual ConnectionState Current => Connection;

    /// <summary>The packet going out and its reply coming in.</summary>
    public byte[] Buffer { get; } = new byte[packetSize];

    /// <summary>Writes the next packet into <see cref="Buffer"/>, before its send time is taken.</summary>
    public virtual void Prepare()
    {
    }

    /// <summary>Sends the packet in <see cref="Buffer"/>.</summary>
    public abstract ValueTask<int> SendAsync(IoWatch io);

    /// <summary>Starts reading the reply to the packet just sent.</summary>
    public abstract void BeginReply();

    /// <summary>
    /// One receive on the socket for the reply, the socket's own operation: a receive that waits
    /// costs no state of ours (the loop awaiting it is the connection's one state machine).
    /// </summary>
    public abstract ValueTask<int> ReadAsync(IoWatch io);

    /// <summary>What a receive of <paramref name="count"/> bytes makes of the reply; <see langword="null"/> to receive on.</summary>
    public abstract Reply? Took(int count);

    /// <summary>
    /// Whether a receive that threw <paramref name="error"/> is part of the exchange rather than
    /// the connection failing: then <paramref name="reply"/> is what it makes of the packet
    /// (<see langword="null"/>: receive on). The reply is due by <paramref name="deadline"/>.
    /// </summary>
    public virtual bool Recovers(Exception error, IoWatch io, long deadline, out Reply? reply)
    {
        reply = null;
        return false;
    }

    /// <summary>The error text (Go's wording) of the connection failing in <paramref name="op"/> (<c>write</c> or <c>read</c>) for <paramref name="reason"/>.</summary>
    public abstract string Failure(string op, string reason);

    /// <summary>
    /// The error text of the connection failing in <paramref name="op"/> with <paramref name="error"/>,
    /// an exception other than a socket's or the read time-out (HTTP: a reset, a protocol error);
    /// <see langword="null"/> if it is not a failure of the connection.
    /// </summary>
    public virtual string? FailureOf(string op, Exception error) => null;

    /// <summary>How <paramref name="error"/>, one <see cref="FailureOf"/> made a failure, ended the connection.</summary>
    public virtual ConnectionEndKind EndKindOf(Exception error) => ConnectionEndKind.Other;

    /// <summary>The heartbeat's sample of the socket at <paramref name="now"/> (TCP: its retransmits).</summary>
    public virtual void Sample(long now)
    {
    }

    /// <summary>Closes the socket: the connection has ended.</summary>
    public abstract void Close();
}
