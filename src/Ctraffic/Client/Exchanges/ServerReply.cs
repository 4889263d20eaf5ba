using System.Buffers.Binary;
using System.Text;

namespace Ctraffic.Client.Exchanges;

/// <summary>What a ctraffic server's replies hold: its host name over the start of the first echo, and (UDP) the request's sequence number.</summary>
internal static class ServerReply
{
    /// <summary>Bytes of the sequence number at the end of a UDP request.</summary>
    public const int SequenceSize = sizeof(ulong);

    /// <summary>
    /// The server's host name in its first echo: the bytes before the first NUL, at most the
    /// 64-byte handshake; none if the echo has no NUL (then it is not a ctraffic server's).
    /// </summary>
    public static string HostName(byte[] packet)
    {
        var end = Array.IndexOf(packet, (byte)0);
        return end < 0 ? "" : Encoding.UTF8.GetString(packet, 0, Math.Min(end, Wire.HandshakeSize));
    }

    /// <summary>
    /// Whether a datagram of the request's length is the reply to request <paramref name="sequence"/>
    /// (zeros, then the sequence number). The server writes its host name over the start of the
    /// request: the reply is the name — the bytes before the first NUL, at most the 64-byte
    /// handshake — and then exactly the rest of the request. A name that reaches into the sequence
    /// (packets shorter than 72 bytes) leaves only the rest of the sequence to check.
    /// </summary>
    public static bool IsReplyTo(ReadOnlySpan<byte> reply, ulong sequence)
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
}
