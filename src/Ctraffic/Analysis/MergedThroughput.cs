using Ctraffic.GoCompat;

namespace Ctraffic.Analysis;

/// <summary>
/// <c>-analyze throughput</c> over merged runs: for each whole second of the merged time line, the
/// KB all runs received in it. The runs sample at their own moments, so each run's received count is
/// read at the second's ends on straight lines between its samples (0 at its start, its total at its
/// end), and the KB are not truncated (a sum of fractions of runs).
/// </summary>
internal static class MergedThroughput
{
    public static IReadOnlyList<ThroughputPoint> Run(AnalysisInput input)
    {
        if (input.Parts.Any(p => p.Input.Statistics.Samples.Count == 0))
        {
            throw new AnalysisException(ThroughputAnalysis.NoSamples);
        }

        var times = StatisticsMerge.SampleTimes(input.Times.Duration);
        var points = new List<ThroughputPoint>(times.Length);
        long from = 0;
        foreach (var to in times)
        {
            var bytes = input.Parts.Sum(p => (Received(p, to) - Received(p, from)) * p.Input.Statistics.PacketSize);
            points.Add(new ThroughputPoint(GoSeconds.From(from + (GoSeconds.Second / 2)), bytes / 1024 / GoSeconds.From(to - from)));
            from = to;
        }

        return points;
    }

    private static double Received(MergedPart part, long time) => part.At(time, s => s.Received, part.Input.Statistics.Received);
}
