namespace Ctraffic.Statistics;

/// <summary>
/// The times of statistics as the integer nanoseconds of the JSON. <see cref="TimeSpan"/> keeps
/// 100 ns, but the original writes nanoseconds and prints times and rates computed from them, so
/// keeping them as read is what makes the analyses' output identical to the original's.
/// </summary>
internal sealed class NanosecondTimes
{
    internal NanosecondTimes(int started, long duration, long[] samples, ConnectionTimes[] connections)
    {
        Started = started;
        Duration = duration;
        Samples = samples;
        Connections = connections;
    }

    /// <summary>
    /// The nanoseconds of the run's start below the 100 ns that <see cref="TrafficStatistics.Started"/>
    /// keeps (the 8th and 9th fractional digits of its RFC 3339 time), 0 to 99.
    /// </summary>
    public int Started { get; }

    /// <summary>The run's duration.</summary>
    public long Duration { get; }

    /// <summary>The time of each sample, in the order of <see cref="TrafficStatistics.Samples"/>.</summary>
    public IReadOnlyList<long> Samples { get; }

    /// <summary>The times of each slot, in the order of <see cref="TrafficStatistics.ConnStats"/>.</summary>
    public IReadOnlyList<ConnectionTimes> Connections { get; }

    /// <summary>The times of statistics in memory (to 100 ns, the precision of <see cref="TimeSpan"/>).</summary>
    public static NanosecondTimes From(TrafficStatistics stats)
        => new(
            0,
            Ns(stats.Duration),
            [.. stats.Samples.Select(s => Ns(s.Time))],
            [.. stats.ConnStats.Select(c => new ConnectionTimes(Ns(c.Started), c.Connected is { } t ? Ns(t) : 0, Ns(c.Ended), c.Failed))]);

    private static long Ns(TimeSpan t) => t.Ticks * 100;
}
