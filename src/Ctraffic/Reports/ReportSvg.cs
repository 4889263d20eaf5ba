using Ctraffic.Charts;

namespace Ctraffic.Reports;

/// <summary>
/// Graphs of a <see cref="TrafficReport"/> as standalone SVG documents (900×500, no scripts, no
/// external resources; each series a <c>&lt;polyline class="series" data-series="NAME"&gt;</c>, each
/// mark a <c>&lt;line class="marker" data-marker="NAME"&gt;</c>, each disruption's span from its start
/// to its end a shaded <c>&lt;rect class="span" data-span="NAME"&gt;</c>).
/// </summary>
public static class ReportSvg
{
    /// <summary>The name of the series of echoes received, in KB/s (left axis).</summary>
    public const string ReceivedSeries = "Received";

    /// <summary>The name of the series of packets dropped per slice (right axis).</summary>
    public const string DroppedSeries = "Dropped";

    /// <summary>The name of the series of connections in an outage (right axis).</summary>
    public const string OutageSeries = "Outages";

    /// <summary>The name of the series of connections lost per slice (right axis).</summary>
    public const string LostConnectionsSeries = "Lost connections";

    private static readonly TimeSpan SliceLength = TimeSpan.FromMilliseconds(100);

    /// <summary>
    /// The timeline of <paramref name="report"/> (the whole run, or the window it covers) in 100 ms
    /// slices: the echoes received as KB/s on the left axis; on the right axis the packets dropped in
    /// the slice, the number of connections in an outage during it (<see cref="TrafficReport.Outages"/>)
    /// and the connections lost in it; each mark of the covered span as a labelled vertical line, and
    /// each disruption shaded from its start to its end. Times are seconds from the start of the run.
    /// </summary>
    /// <param name="report">The report, e.g. from <c>ContinuousTraffic.StopAsync</c>.</param>
    /// <returns>The SVG text.</returns>
    public static string Timeline(TrafficReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var timeline = report.Timeline;
        var inOutage = ConnectionsInOutage(report.Outages, timeline);
        var kilobytes = report.Statistics.PacketSize / 1024.0;
        var received = new List<SvgPoint>(timeline.Count);
        var dropped = new List<SvgPoint>(timeline.Count);
        var outages = new List<SvgPoint>(timeline.Count);
        var lost = new List<SvgPoint>(timeline.Count);
        for (var i = 0; i < timeline.Count; i++)
        {
            // A slice cut short by the start or end of the window counts for the time it covers.
            var slice = timeline[i];
            var start = slice.Time < report.Period.Start ? report.Period.Start : slice.Time;
            var end = slice.Time + SliceLength < report.Period.End ? slice.Time + SliceLength : report.Period.End;
            var covered = end - start;
            if (covered < SliceLength / 2)
            {
                continue;
            }

            var x = (start + (covered / 2)).TotalSeconds;
            received.Add(new SvgPoint(x, slice.Received * kilobytes / covered.TotalSeconds));
            dropped.Add(new SvgPoint(x, slice.Dropped));
            outages.Add(new SvgPoint(x, inOutage[i]));
            lost.Add(new SvgPoint(x, slice.LostConnections));
        }

        if (report.File is not null)
        {
            // Slices of a file hold whole packets spread over the time between two samples: a step of
            // the average rate between them draws what the file says, where whole packets per 100 ms would zigzag.
            received = ReceivedBetweenSamples(report, kilobytes);
        }

        var chart = new SvgLineChart
        {
            Title = report.Name is null ? "ctraffic timeline" : $"ctraffic timeline: {report.Name}",
            XLabel = "Time (s)",
            XFrom = report.Period.Start.TotalSeconds,
            YLabel = "Received (KB/s)",
            Y2Label = report.File is null ? "Dropped packets / connections in outage / lost" : "Dropped packets / lost connections",
            Series =
            [
                new SvgSeries(ReceivedSeries, received),
                new SvgSeries(DroppedSeries, dropped) { Axis = SvgAxisSide.Right },
                // A statistics file does not say when a connection was in an outage: no series rather than a line of zeros.
                .. report.File is null ? new[] { new SvgSeries(OutageSeries, outages) { Axis = SvgAxisSide.Right } } : [],
                new SvgSeries(LostConnectionsSeries, lost) { Axis = SvgAxisSide.Right },
            ],
            Markers = [.. report.Marks.Where(m => report.Period.Overlaps(m.Time, m.End ?? m.Time))
                .Select(m => new SvgMarker(m.Name, m.Time.TotalSeconds, m.End is { } end && end > m.Time ? Math.Min(end.Ticks, report.Period.End.Ticks) / (double)TimeSpan.TicksPerSecond : null))],
        };
        return SvgWriter.Write(chart);
    }

    /// <summary>The KB/s received between each two samples of a statistics file, as steps, within the report's period.</summary>
    private static List<SvgPoint> ReceivedBetweenSamples(TrafficReport report, double kilobytes)
    {
        var points = StatisticsFileFigures.SamplePoints(report.Statistics, report.Period.End);
        var steps = new List<SvgPoint>(points.Count * 2);
        for (var i = 1; i < points.Count; i++)
        {
            var (from, to) = (points[i - 1], points[i]);
            var rate = Math.Max(0, to.Received - from.Received) * kilobytes / (to.Time - from.Time).TotalSeconds;
            var start = from.Time < report.Period.Start ? report.Period.Start : from.Time;
            var end = to.Time > report.Period.End ? report.Period.End : to.Time;
            if (end > start)
            {
                steps.Add(new SvgPoint(start.TotalSeconds, rate));
                steps.Add(new SvgPoint(end.TotalSeconds, rate));
            }
        }

        return steps;
    }

    /// <summary>
    /// For each slice of <paramref name="timeline"/>, the number of connections with an outage
    /// overlapping it (a connection counts once however many of its outages do): each connection's
    /// outages become merged ranges of slices, summed with a difference array.
    /// </summary>
    private static int[] ConnectionsInOutage(IReadOnlyList<Outage> outages, IReadOnlyList<TimelinePoint> timeline)
    {
        var count = timeline.Count;
        var delta = new int[count + 1];
        if (count == 0)
        {
            return delta;
        }

        var origin = timeline[0].Time.Ticks;
        var length = SliceLength.Ticks;
        foreach (var connection in outages.GroupBy(o => o.Connection))
        {
            int? from = null, to = null;
            foreach (var o in connection.OrderBy(o => o.Start))
            {
                // Slice i overlaps [start, end) when start < its end and end > its start.
                var first = (int)Math.Clamp(Math.Floor((double)(o.Start.Ticks - origin) / length), 0, count);
                var last = (int)Math.Clamp(Math.Ceiling((double)(o.End.Ticks - origin) / length) - 1, -1, count - 1);
                if (last < first)
                {
                    continue;
                }

                if (from is not null && first <= to + 1)
                {
                    to = Math.Max(to!.Value, last);
                    continue;
                }

                Add(delta, from, to);
                (from, to) = (first, last);
            }

            Add(delta, from, to);
        }

        var result = new int[count];
        var running = 0;
        for (var i = 0; i < count; i++)
        {
            running += delta[i];
            result[i] = running;
        }

        return result;

        static void Add(int[] delta, int? from, int? to)
        {
            if (from is { } f && to is { } t)
            {
                delta[f]++;
                delta[t + 1]--;
            }
        }
    }
}
