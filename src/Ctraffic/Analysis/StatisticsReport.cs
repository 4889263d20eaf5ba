using Ctraffic.Internal;
using Ctraffic.Reports;
using Ctraffic.Statistics;

namespace Ctraffic.Analysis;

/// <summary>
/// The report of saved statistics (<see cref="AnalysisInput.ToReport"/>): the file has one record per
/// connection slot and cumulative counters about once a second, not the per-packet record of a live
/// run, so the report holds what those give (counters, hosts, lost connections and their times, the
/// rates between samples) and marks the rest as not in the file (<see cref="TrafficReport.File"/>).
/// </summary>
internal static class StatisticsReport
{
    private const long SliceTicks = TimeSpan.TicksPerSecond / 10;

    /// <summary>The round trips of a file's <c>Rtt</c> field (<see cref="StatisticsJsonReader.ReadRtt"/>), or <see langword="null"/>.</summary>
    public static RttStatistics? RoundTrips(long[]? rtt)
        => rtt is null ? null : new RttStatistics(rtt[0], Array.ConvertAll(rtt[1..], StatisticsJson.FromNanoseconds));

    /// <summary>The whole-run report of <paramref name="stats"/>; <paramref name="rtt"/> the file's round trips, if any.</summary>
    /// <exception cref="AnalysisException">No connection records, or a run longer than <see cref="TrafficReport.MaxSlidingWindow"/>.</exception>
    public static TrafficReport Of(TrafficStatistics stats, RttStatistics? rtt)
    {
        ArgumentNullException.ThrowIfNull(stats);
        if (stats.ConnStats.Count == 0)
        {
            throw new AnalysisException(ConnectionsAnalysis.NoConnections);
        }

        // The run ends at its Duration (the original writes the configured time-out as the end of a
        // connection that lasted, even when the run ended sooner), or at its last sample if later.
        var lastSample = stats.Samples.Count == 0 ? TimeSpan.Zero : stats.Samples.Max(s => s.Time);
        var lastEnd = stats.ConnStats.Max(c => c.Ended);
        var latest = new[] { stats.Duration, lastEnd, lastSample }.Max();
        if (latest > TrafficReport.MaxSlidingWindow)
        {
            throw new AnalysisException($"The run lasts {TimeWindow.Seconds(latest)}: too long for a report, which covers at most {TimeWindow.Seconds(TrafficReport.MaxSlidingWindow)}");
        }

        var end = stats.Duration > TimeSpan.Zero ? (stats.Duration > lastSample ? stats.Duration : lastSample) : latest;

        var slices = new SliceLog(TimeSpan.TicksPerSecond);
        SpreadSamples(slices, stats, end);
        long lostInFlight = 0, unanswered = 0;
        foreach (var c in stats.ConnStats)
        {
            var missing = c.LostInFlight;
            if (c.Failed)
            {
                lostInFlight += missing;
                slices.At(Math.Max(0, c.Ended.Ticks)).LostInFlight += stats.Http is null ? missing : 0;
            }
            else
            {
                unanswered += missing;
            }
        }

        // Echo: what a lost connection had not had echoed was lost with it, the rest was unanswered at
        // the end. HTTP: the file counts error responses and failed requests; the rest is in flight.
        var figures = stats.Http is { } http
            ? new StatisticsFileFigures(http.ErrorResponses, http.FailedRequests, Math.Max(0, stats.Sent - stats.Received - http.ErrorResponses - http.FailedRequests), rtt)
            : new StatisticsFileFigures(0, lostInFlight, unanswered, rtt);
        var data = new ReportData
        {
            Statistics = stats,
            Slices = slices,
            ToTime = TimeSpan.FromTicks,
            Outages = [],
            Reconnects = [],
            Marks = [],
            Lives = [],
            PacketInterval = Interval(stats),
            End = end,
            File = figures,
        };
        return new TrafficReport(data, new TimeWindow(TimeSpan.Zero, end), null, rtt);
    }

    /// <summary>The interval between two packets (requests) of one connection at the run's rate; zero if the file does not say.</summary>
    private static TimeSpan Interval(TrafficStatistics stats)
    {
        // Echo: the rate is KB/s shared by the connections; HTTP: requests per second.
        var seconds = stats.Http is null
            ? stats.PacketSize * (double)stats.Connections / (stats.Rate * 1024)
            : stats.Connections / stats.Rate;
        return double.IsFinite(seconds) && seconds > 0 && seconds < TrafficReport.MaxSlidingWindow.TotalSeconds ? TimeSpan.FromSeconds(seconds) : TimeSpan.Zero;
    }

    /// <summary>
    /// Puts what was sent, received and dropped between two samples evenly into the 100 ms slices
    /// between them (the file says no more of when it happened), from the start of the run to the
    /// first sample and from the last to the end (the totals). Without samples, the slices stay empty.
    /// </summary>
    private static void SpreadSamples(SliceLog slices, TrafficStatistics stats, TimeSpan end)
    {
        var points = StatisticsFileFigures.SamplePoints(stats, end);
        for (var i = 1; i < points.Count; i++)
        {
            var (from, to) = (points[i - 1], points[i]);
            Spread(slices, from.Time.Ticks, to.Time.Ticks, Math.Max(0, to.Sent - from.Sent), static (s, n) => s.Sent += n);
            Spread(slices, from.Time.Ticks, to.Time.Ticks, Math.Max(0, to.Received - from.Received), static (s, n) => s.Received += n);
            Spread(slices, from.Time.Ticks, to.Time.Ticks, Math.Max(0, to.Dropped - from.Dropped), static (s, n) => s.Dropped += n);
        }
    }

    /// <summary>Adds <paramref name="count"/> over the slices of [<paramref name="from"/>, <paramref name="to"/>) in proportion to the time of each in it, whole numbers adding up to <paramref name="count"/>.</summary>
    private static void Spread(SliceLog slices, long from, long to, long count, Action<Slice, long> add)
    {
        if (count == 0)
        {
            return;
        }

        var length = to - from;
        long given = 0;
        for (var start = from; start < to;)
        {
            var next = Math.Min(to, ((start / SliceTicks) + 1) * SliceTicks);
            var upTo = (long)((Int128)count * (next - from) / length);
            if (upTo > given)
            {
                add(slices.At(start), upTo - given);
                given = upTo;
            }

            start = next;
        }
    }
}
