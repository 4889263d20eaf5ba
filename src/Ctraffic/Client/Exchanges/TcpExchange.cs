using System.Net.Sockets;
using System.Runtime.CompilerServices;
using Ctraffic.Client.Lanes;
using Ctraffic.Client.Recording;
using Ctraffic.Internal;

namespace Ctraffic.Client.Exchanges;

/// <summary>
/// A packet on a TCP connection: written whole, and its echo read until the packet's length has
/// come back. The heartbeat samples <c>tcpi_total_retrans</c> (Linux <c>TCP_INFO</c>) once a slice:
/// one <c>getsockopt</c> per connection and slice, nothing allocated; a socket closed meanwhile is skipped.
/// </summary>
internal sealed class TcpExchange(Socket socket, ConnectionState connection, int packetSize, TrafficRecorder recorder)
    : PacketExchange(socket, connection, packetSize)
{
    public override ValueTask<int> SendAsync(IoWatch io) => Socket.SendAsync(Buffer, SocketFlags.None, io.Token);

    /// <summary>Reads the echo; pooled, so the state of a read that waits is not allocated per packet.</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public override async ValueTask<Reply> ReceiveAsync(IoWatch io, long deadline)
    {
        var size = Buffer.Length;
        var got = 0;
        while (got < size)
        {
            var n = await Socket.ReceiveAsync(Buffer.AsMemory(got), SocketFlags.None, io.Token).ConfigureAwait(false);
            if (n == 0)
            {
                return Reply.Closed;
            }

            got += n;
        }

        return Reply.Echo;
    }

    public override string Failure(string op, string reason) => GoErrors.Op(op, Connection.Local, Connection.Remote, reason);

    public override void Sample(long now)
    {
        if (TcpInfo.TotalRetransmits(Socket) is { } total)
        {
            recorder.Retransmits(Connection, total, now);
        }
    }

    /// <summary>Takes the connection's final retransmit count, then closes with a FIN.</summary>
    public override void Close()
    {
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
