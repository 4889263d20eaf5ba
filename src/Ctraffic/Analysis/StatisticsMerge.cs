using Ctraffic.GoCompat;
using Ctraffic.Statistics;

namespace Ctraffic.Analysis;

/// <summary>
/// The arithmetic of <see cref="AnalysisInput.Merge"/>: the runs placed on one time line that starts
/// at the earliest <see cref="TrafficStatistics.Started"/>, their counters summed, their slots
/// concatenated (moved by their run's offset, connection numbers following on), and samples every
/// second of the merged time line, each the sum of the runs' counters at that moment.
/// </summary>
internal static class StatisticsMerge
{
    public static (TrafficStatistics Statistics, NanosecondTimes Times, MergedPart[] Parts) Run(AnalysisInput[] inputs)
    {
        var packetSizes = inputs.Select(i => i.Statistics.PacketSize).Distinct().ToArray();
        if (packetSizes.Length > 1)
        {
            throw new AnalysisException($"Statistics with different packet sizes ({string.Join(", ", packetSizes)}) cannot be merged");
        }

        var first = inputs.MinBy(i => (i.Statistics.Started, i.Times.Started))!;
        var start = first.Statistics.Started;
        var parts = inputs.Select(i => new MergedPart(i, Offset(i, first))).ToArray();
        var duration = parts.Max(p => p.Offset + p.Input.Times.Duration);
        var sampleTimes = SampleTimes(duration);
        var all = inputs.Select(i => i.Statistics).ToArray();
        var statistics = new TrafficStatistics
        {
            Started = start,
            Duration = Time(duration),
            Rate = all.Sum(s => s.Rate),
            Connections = all.Sum(s => s.Connections),
            PacketSize = packetSizes[0],
            FailedConnections = all.Sum(s => s.FailedConnections),
            Sent = all.Sum(s => s.Sent),
            Received = all.Sum(s => s.Received),
            Dropped = all.Sum(s => s.Dropped),
            Retransmits = all.Sum(s => s.Retransmits),
            FailedConnects = all.Sum(s => s.FailedConnects),
            DroppedLocal = all.Sum(s => s.DroppedLocal),
            PacingLagP99 = all.Max(s => s.PacingLagP99),
            PacingLagMax = all.Max(s => s.PacingLagMax),
            ConnStats = [.. Slots(parts)],
            Samples = [.. sampleTimes.Select(t => Sample(parts, t))],
        };
        var times = new NanosecondTimes(
            first.Times.Started,
            duration,
            sampleTimes,
            [.. parts.SelectMany(p => p.Input.Times.Connections.Select(c => new ConnectionTimes(
                c.Started + p.Offset,
                c.Connect == 0 ? 0 : c.Connect + p.Offset,
                c.Ended == 0 ? 0 : c.Ended + p.Offset,
                c.Failed)))]);
        return (statistics, times, parts);
    }

    /// <summary>The nanoseconds from the start of <paramref name="first"/> to the start of <paramref name="input"/>, all 9 digits of their times.</summary>
    private static long Offset(AnalysisInput input, AnalysisInput first)
        => ((input.Statistics.Started - first.Statistics.Started).Ticks * 100) + input.Times.Started - first.Times.Started;

    /// <summary>Every whole second of the merged time line, up to its end.</summary>
    public static long[] SampleTimes(long duration)
    {
        var count = Math.Min(duration / GoSeconds.Second, ConnectionsAnalysis.MaximumIntervals);
        return [.. Enumerable.Range(1, (int)count).Select(k => k * GoSeconds.Second)];
    }

    private static IEnumerable<ConnectionStats> Slots(MergedPart[] parts)
    {
        var first = 0;
        foreach (var part in parts)
        {
            var offset = Time(part.Offset);
            foreach (var c in part.Input.Statistics.ConnStats)
            {
                yield return c with
                {
                    Connection = first + c.Connection,
                    Started = c.Started + offset,
                    Connected = c.Connected + offset,
                    Ended = c.Ended + offset,
                };
            }

            first += part.Input.Statistics.Connections;
        }
    }

    private static Sample Sample(MergedPart[] parts, long time)
        => new(
            Time(time),
            Sum(parts, time, s => s.Sent, p => p.Sent),
            Sum(parts, time, s => s.Received, p => p.Received),
            Sum(parts, time, s => s.Dropped, p => p.Dropped));

    private static long Sum(MergedPart[] parts, long time, Func<Sample, long> counter, Func<TrafficStatistics, long> total)
        => (long)Math.Round(parts.Sum(p => p.At(time, counter, total(p.Input.Statistics))));

    private static TimeSpan Time(long nanoseconds) => TimeSpan.FromTicks(nanoseconds / 100);
}
