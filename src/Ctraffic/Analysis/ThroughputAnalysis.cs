using Ctraffic.GoCompat;

namespace Ctraffic.Analysis;

/// <summary>
/// <c>-analyze throughput</c>: for each pair of consecutive samples, the middle of the interval and
/// the whole KB received in it per second.
/// </summary>
internal static class ThroughputAnalysis
{
    public const string NoSamples = "No samples found";

    public static IReadOnlyList<ThroughputPoint> Run(AnalysisInput input)
    {
        if (input.Parts.Count > 0)
        {
            return MergedThroughput.Run(input);
        }

        var samples = input.Statistics.Samples;
        var times = input.Times.Samples;
        if (samples.Count == 0)
        {
            throw new AnalysisException(NoSamples);
        }

        long packetSize = input.Statistics.PacketSize;
        var points = new List<ThroughputPoint>(samples.Count - 1);
        for (var k = 1; k < samples.Count; k++)
        {
            var interval = times[k] - times[k - 1];
            var middle = times[k - 1] + (interval / 2);
            var receivedKB = (samples[k].Received - samples[k - 1].Received) * packetSize / 1024;
            points.Add(new ThroughputPoint(GoSeconds.From(middle), receivedKB / GoSeconds.From(interval)));
        }

        return points;
    }
}
