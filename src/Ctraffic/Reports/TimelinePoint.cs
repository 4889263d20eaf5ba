namespace Ctraffic.Reports;

/// <summary>The packets of one 100 ms slice of a run.</summary>
/// <param name="Time">Start of the slice, from the start of the run.</param>
/// <param name="Sent">Packets written in the slice.</param>
/// <param name="Received">Echoes received in the slice.</param>
/// <param name="Dropped">Packets dropped in the slice.</param>
public readonly record struct TimelinePoint(TimeSpan Time, long Sent, long Received, long Dropped);
