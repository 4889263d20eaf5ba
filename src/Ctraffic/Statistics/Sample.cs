namespace Ctraffic.Statistics;

/// <summary>Cumulative packet counters of the whole run at one moment (about one a second).</summary>
/// <param name="Time">The moment, from the start of the run.</param>
/// <param name="Sent">Packets written so far.</param>
/// <param name="Received">Echoes received so far.</param>
/// <param name="Dropped">Packets dropped so far.</param>
public readonly record struct Sample(TimeSpan Time, long Sent, long Received, long Dropped);
