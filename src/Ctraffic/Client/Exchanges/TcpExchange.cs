using System.Net.Sockets;
using Ctraffic.Client.Lanes;
using Ctraffic.Client.Recording;
using Ctraffic.GoCompat;
using Ctraffic.Internal;

namespace Ctraffic.Client.Exchanges;

/// <summary>
/// A packet on a TCP connection: written whole, and its echo read until the packet's length has
/// come back. The heartbeat samples <c>tcpi_total_retrans</c> (Linux <c>TCP_INFO</c>) once a slice:
/// one <c>getsockopt</c> per connection and slice, nothing allocated; a socket closed meanwhile is skipped.
/// </summary>
internal sealed class TcpExchange : PacketExchange
{
    private readonly TrafficRecorder _recorder;
    private readonly EndWatch? _ends;
    private int _got;

    /// <summary>An exchange on <paramref name="socket"/>, watched by <paramref name="ends"/> (if any) for the peer's FIN or RST.</summary>
    public TcpExchange(Socket socket, ConnectionState connection, int packetSize, TrafficRecorder recorder, EndWatch? ends)
        : base(socket, connection, packetSize)
    {
        _recorder = recorder;
        _ends = ends;
        ends?.Add(socket, connection.Lane, connection.Slot);
    }

    public override ValueTask<int> SendAsync(IoWatch io) => Socket.SendAsync(Buffer, SocketFlags.None, io.Token);

    public override void BeginReply() => _got = 0;

    public override ValueTask<int> ReadAsync(IoWatch io) => Socket.ReceiveAsync(Buffer.AsMemory(_got), SocketFlags.None, io.Token);

    /// <summary>The echo is in once the packet's length has come back; none (end of stream) is the peer closing.</summary>
    public override Reply? Took(int count)
    {
        if (count == 0)
        {
            return Reply.Closed;
        }

        _got += count;
        return _got == Buffer.Length ? Reply.Echo : null;
    }

    public override string Failure(string op, string reason) => GoErrors.Op(op, Connection.Local, Connection.Remote, reason);

    public override void Sample(long now)
    {
        if (TcpInfo.TotalRetransmits(Socket) is { } total)
        {
            _recorder.Retransmits(Connection, total, now);
        }
    }

    /// <summary>Takes the connection's final retransmit count, stops watching it, then closes with a FIN.</summary>
    public override void Close()
    {
        _ends?.Remove(Socket);
        Connection.Retransmits = TcpInfo.TotalRetransmits(Socket) ?? 0;
        try
        {
            Socket.Shutdown(SocketShutdown.Send);
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
        }

        Socket.Dispose();
    }
}
