using Ctraffic.Internal;

namespace Ctraffic.Reports;

/// <summary>
/// Round-trip times (packet written → echo read) from a histogram with about 3% precision.
/// Percentiles are the upper bound of the bucket holding them, never above <see cref="Max"/>.
/// </summary>
public sealed record RttStatistics
{
    private static readonly TimeSpan Microsecond = TimeSpan.FromTicks(10);

    internal RttStatistics(LogHistogram histogram)
    {
        Count = histogram.Count;
        Min = Micro(histogram.Min);
        Mean = TimeSpan.FromTicks((long)(histogram.Mean * 10));
        P50 = Micro(histogram.ValueAtPercentile(50));
        P90 = Micro(histogram.ValueAtPercentile(90));
        P99 = Micro(histogram.ValueAtPercentile(99));
        P999 = Micro(histogram.ValueAtPercentile(99.9));
        Max = Micro(histogram.Max);
    }

    /// <summary>Figures as a statistics file holds them (its <c>Rtt</c> field): the count, and the times in the order of <see cref="Times"/>.</summary>
    internal RttStatistics(long count, ReadOnlySpan<TimeSpan> times)
    {
        Count = count;
        (Min, Mean, P50, P90, P99, P999, Max) = (times[0], times[1], times[2], times[3], times[4], times[5], times[6]);
    }

    /// <summary>Number of echoes measured.</summary>
    public long Count { get; }

    /// <summary>Shortest round trip.</summary>
    public TimeSpan Min { get; }

    /// <summary>Mean round trip.</summary>
    public TimeSpan Mean { get; }

    /// <summary>Median.</summary>
    public TimeSpan P50 { get; }

    /// <summary>90th percentile.</summary>
    public TimeSpan P90 { get; }

    /// <summary>99th percentile.</summary>
    public TimeSpan P99 { get; }

    /// <summary>99.9th percentile.</summary>
    public TimeSpan P999 { get; }

    /// <summary>Longest round trip.</summary>
    public TimeSpan Max { get; }

    /// <summary>The times in the order a statistics file and the report's table hold them: min, mean, p50, p90, p99, p99.9, max.</summary>
    internal TimeSpan[] Times() => [Min, Mean, P50, P90, P99, P999, Max];

    /// <inheritdoc/>
    public override string ToString() => Count == 0
        ? "no round trips"
        : $"{Count} round trips: min {Ms(Min)}, p50 {Ms(P50)}, p90 {Ms(P90)}, p99 {Ms(P99)}, max {Ms(Max)}";

    private static TimeSpan Micro(long us) => us * Microsecond;

    private static string Ms(TimeSpan t) => t.TotalMilliseconds.ToString("0.###", System.Globalization.CultureInfo.InvariantCulture) + " ms";
}
