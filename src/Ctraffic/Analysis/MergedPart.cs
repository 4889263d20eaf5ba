namespace Ctraffic.Analysis;

/// <summary>One run of a merge and where it starts on the merge's time line.</summary>
/// <param name="Input">The run.</param>
/// <param name="Offset">Its start, in nanoseconds after the earliest start of the merged runs.</param>
internal sealed record MergedPart(AnalysisInput Input, long Offset)
{
    /// <summary>
    /// A cumulative counter of the run at <paramref name="time"/> (nanoseconds on the merge's time
    /// line): 0 at its start, the samples' values at their times, <paramref name="total"/> at its end,
    /// straight lines between them, 0 before the start and the total after the end.
    /// </summary>
    public double At(long time, Func<Statistics.Sample, long> counter, long total)
    {
        var local = time - Offset;
        if (local <= 0)
        {
            return 0;
        }

        var samples = Input.Statistics.Samples;
        var times = Input.Times.Samples;
        long fromTime = 0;
        double fromValue = 0;
        for (var k = 0; k <= samples.Count; k++)
        {
            var (toTime, toValue) = k < samples.Count
                ? (times[k], (double)counter(samples[k]))
                : (Input.Times.Duration, Math.Max(total, samples.Count > 0 ? counter(samples[^1]) : 0));
            if (local <= toTime)
            {
                return toTime <= fromTime ? toValue : fromValue + ((toValue - fromValue) * (local - fromTime) / (toTime - fromTime));
            }

            (fromTime, fromValue) = (toTime, toValue);
        }

        return fromValue;
    }
}
