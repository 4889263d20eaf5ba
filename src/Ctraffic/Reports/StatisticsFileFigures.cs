using Ctraffic.Statistics;

namespace Ctraffic.Reports;

/// <summary>
/// What a report read from a statistics file takes from the file's totals rather than from the
/// per-100 ms record a live run keeps: the packets lost (UDP, or HTTP error responses), lost in
/// flight on lost connections, and unanswered at the end; and the whole run's round trips, when the
/// file holds them.
/// </summary>
internal sealed record StatisticsFileFigures(long Lost, long LostInFlight, long InFlight, RttStatistics? Rtt)
{
    /// <summary>
    /// The samples of <paramref name="stats"/> in time order, from a zero one at the start of the run
    /// to the totals at <paramref name="end"/> (when after the last sample); empty without samples.
    /// </summary>
    internal static List<Sample> SamplePoints(TrafficStatistics stats, TimeSpan end)
    {
        if (stats.Samples.Count == 0)
        {
            return [];
        }

        var points = new List<Sample> { new(TimeSpan.Zero, 0, 0, 0) };
        foreach (var s in stats.Samples.OrderBy(s => s.Time))
        {
            if (s.Time > points[^1].Time)
            {
                points.Add(s);
            }
        }

        if (end > points[^1].Time)
        {
            points.Add(new Sample(end, stats.Sent, stats.Received, stats.Dropped));
        }

        return points;
    }
}
