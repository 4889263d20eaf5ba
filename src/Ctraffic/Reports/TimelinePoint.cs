namespace Ctraffic.Reports;

/// <summary>The packets of one 100 ms slice of a run, and the connections lost in it.</summary>
/// <param name="Time">Start of the slice, from the start of the run.</param>
/// <param name="Sent">Packets written in the slice.</param>
/// <param name="Received">Echoes received of the packets written in the slice.</param>
/// <param name="Dropped">Packets dropped in the slice.</param>
public readonly record struct TimelinePoint(TimeSpan Time, long Sent, long Received, long Dropped)
{
    /// <summary>Packets written in the slice and lost (UDP datagrams given up, TCP packets in flight on a lost connection).</summary>
    public long PacketsLost { get; init; }

    /// <summary>Connections that ended with an error in the slice.</summary>
    public int LostConnections { get; init; }
}
