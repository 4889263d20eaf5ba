using System.Net.Sockets;
using Ctraffic.Client.Lanes;
using Ctraffic.Client.Recording;

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

    protected ConnectionState Connection { get; } = connection;

    /// <summary>The packet going out and its reply coming in.</summary>
    public byte[] Buffer { get; } = new byte[packetSize];

    /// <summary>Writes the next packet into <see cref="Buffer"/>, before its send time is taken.</summary>
    public virtual void Prepare()
    {
    }

    /// <summary>Sends the packet in <see cref="Buffer"/>.</summary>
    public abstract ValueTask<int> SendAsync(IoWatch io);

    /// <summary>Waits for the reply to the packet sent, up to <paramref name="deadline"/> (a timestamp the heartbeat watches).</summary>
    public abstract ValueTask<Reply> ReceiveAsync(IoWatch io, long deadline);

    /// <summary>The error text (Go's wording) of the connection failing in <paramref name="op"/> (<c>write</c> or <c>read</c>) for <paramref name="reason"/>.</summary>
    public abstract string Failure(string op, string reason);

    /// <summary>The heartbeat's sample of the socket at <paramref name="now"/> (TCP: its retransmits).</summary>
    public virtual void Sample(long now)
    {
    }

    /// <summary>Closes the socket: the connection has ended.</summary>
    public abstract void Close();
}
