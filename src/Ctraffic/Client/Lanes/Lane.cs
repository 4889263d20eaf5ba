using System.Net;
using Ctraffic.Client.Exchanges;
using Ctraffic.Internal;

namespace Ctraffic.Client.Lanes;

/// <summary>
/// One of the <see cref="TrafficOptions.Connections"/> connections of a run: it re-connects in
/// new slots, and keeps its place in the connect spread and the packet spread.
/// </summary>
/// <param name="index">The connection's number, 0 to connections − 1.</param>
/// <param name="startOffset">Ticks after the run start of its first connect.</param>
/// <param name="firstPacketOffset">Ticks after the run start of its first packet.</param>
internal sealed class Lane(int index, long startOffset, long firstPacketOffset)
{
    public int Index { get; } = index;

    /// <summary>
    /// <paramref name="count"/> lanes, their connects spread evenly over <paramref name="connectSpread"/>
    /// ticks and their first packets over <paramref name="packetSpread"/> ticks, so that neither come in bursts.
    /// </summary>
    public static Lane[] Spread(int count, long connectSpread, long packetSpread)
    {
        var lanes = new Lane[count];
        for (var i = 0; i < count; i++)
        {
            lanes[i] = new Lane(i, (long)((Int128)connectSpread * i / count), (long)((Int128)packetSpread * i / count));
        }

        return lanes;
    }

    public long StartOffset { get; } = startOffset;

    public long FirstPacketOffset { get; } = firstPacketOffset;

    /// <summary>The lane's wait on the pacer (one at a time).</summary>
    public PacerWaiter Waiter { get; } = new();

    /// <summary>The read time-out of its packet in flight.</summary>
    public IoWatch Io { get; } = new();

    /// <summary>Connection slots the lane has taken; the first one is paced to its place.</summary>
    public int Connections { get; set; }

    /// <summary>The due time of the pacer wait before the packet being sent; 0 if it was sent without one.</summary>
    public long WaitedFor { get; set; }

    /// <summary>The wait before re-connecting after a connection that failed before its first echo.</summary>
    public TimeSpan FailBackoff { get; set; } = Connecting.Connector.FirstBackoff;

    /// <summary>The source address the connection is bound to, to give back when it ends.</summary>
    public IPEndPoint? SourceAddress { get; set; }

    /// <summary>The exchange of the connection running now, for the heartbeat's samples; <see langword="null"/> between connections.</summary>
    public PacketExchange? Exchange
    {
        get => Volatile.Read(ref _exchange);
        set => Volatile.Write(ref _exchange, value);
    }

    private PacketExchange? _exchange;
}
