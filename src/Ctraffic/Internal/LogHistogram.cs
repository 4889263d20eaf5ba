namespace Ctraffic.Internal;

/// <summary>
/// A log-linear histogram of non-negative values (microseconds), HDR-style: exact below 32, then
/// 32 buckets per power of two (about 3% relative precision), up to 2^42. Thread-safe recording;
/// fixed size (no allocation per value).
/// </summary>
internal sealed class LogHistogram
{
    private const int SubBits = 5;
    private const int Sub = 1 << SubBits;
    private const int MaxExponent = 42;
    internal const int BucketCount = Sub + (MaxExponent - SubBits + 1) * Sub;

    private readonly long[] _counts = new long[BucketCount];
    private long _count;
    private long _sum;
    private long _min = long.MaxValue;
    private long _max = long.MinValue;

    public long Count => Interlocked.Read(ref _count);

    public void Record(long value)
    {
        if (value < 0)
        {
            value = 0;
        }

        Interlocked.Increment(ref _counts[Index(value)]);
        Interlocked.Increment(ref _count);
        Interlocked.Add(ref _sum, value);
        UpdateMin(value);
        UpdateMax(value);
    }

    /// <summary>Adds every value of <paramref name="other"/> to this one.</summary>
    public void Add(LogHistogram other)
    {
        for (var i = 0; i < BucketCount; i++)
        {
            var c = Interlocked.Read(ref other._counts[i]);
            if (c != 0)
            {
                Interlocked.Add(ref _counts[i], c);
            }
        }

        var n = other.Count;
        if (n == 0)
        {
            return;
        }

        Interlocked.Add(ref _count, n);
        Interlocked.Add(ref _sum, Interlocked.Read(ref other._sum));
        UpdateMin(Interlocked.Read(ref other._min));
        UpdateMax(Interlocked.Read(ref other._max));
    }

    public long Min => Count == 0 ? 0 : Interlocked.Read(ref _min);

    public long Max => Count == 0 ? 0 : Interlocked.Read(ref _max);

    public double Mean => Count == 0 ? 0 : (double)Interlocked.Read(ref _sum) / Count;

    /// <summary>The value at or below which <paramref name="percentile"/> % of the values lie (bucket's upper bound, clamped to min/max).</summary>
    public long ValueAtPercentile(double percentile)
    {
        var total = Count;
        if (total == 0)
        {
            return 0;
        }

        var rank = (long)Math.Ceiling(Math.Clamp(percentile, 0, 100) / 100 * total);
        rank = Math.Max(1, rank);
        long seen = 0;
        for (var i = 0; i < BucketCount; i++)
        {
            seen += Interlocked.Read(ref _counts[i]);
            if (seen >= rank)
            {
                return Math.Clamp(UpperBound(i), Min, Max);
            }
        }

        return Max;
    }

    /// <summary>
    /// These values corrected for coordinated omission at a fixed rate of one value per
    /// <paramref name="interval"/> (HdrHistogram's expected-interval correction, as wrk2 reports):
    /// a value <c>v</c> of two intervals or more also stands for the values the stalled sender did
    /// not send meanwhile, <c>v − interval</c>, <c>v − 2·interval</c>, … down to one interval. Each
    /// bucket counts as its upper bound (clamped to the maximum); a bucket's progression is added in
    /// one pass over the buckets it spans, so the cost does not grow with <c>v / interval</c>.
    /// </summary>
    public LogHistogram CorrectedFor(long interval)
    {
        var corrected = new LogHistogram();
        corrected.Add(this);
        if (interval <= 0 || Count == 0)
        {
            return corrected;
        }

        var max = Max;
        for (var i = 0; i < BucketCount; i++)
        {
            var c = Interlocked.Read(ref _counts[i]);
            var v = Math.Min(UpperBound(i), max);
            if (c == 0 || v < 2 * interval)
            {
                continue;
            }

            // The values v - k*interval for k = 1..n, each c times, n the last with the value >= interval.
            var n = (v - interval) / interval;
            for (var j = Index(v - (n * interval)); j <= Index(v - interval); j++)
            {
                var lo = j == 0 ? 0 : UpperBound(j - 1) + 1;
                var hi = UpperBound(j);
                var first = Math.Max(1, CeilDiv(v - hi, interval));
                var last = Math.Min(n, (v - lo) / interval);
                if (last < first)
                {
                    continue;
                }

                var k = last - first + 1;
                var value = v - (first * interval);
                Interlocked.Add(ref corrected._counts[j], c * k);
                Interlocked.Add(ref corrected._count, c * k);
                Interlocked.Add(ref corrected._sum, c * ((k * v) - (interval * (first + last) * k / 2)));
                corrected.UpdateMin(v - (last * interval));
                corrected.UpdateMax(value);
            }
        }

        return corrected;

        static long CeilDiv(long a, long b) => a <= 0 ? 0 : (a + b - 1) / b;
    }

    internal static int Index(long value)
    {
        if (value < Sub)
        {
            return (int)value;
        }

        var exponent = 63 - (int)long.LeadingZeroCount(value);
        if (exponent > MaxExponent)
        {
            return BucketCount - 1;
        }

        var sub = (int)((value >> (exponent - SubBits)) & (Sub - 1));
        return Sub + (exponent - SubBits) * Sub + sub;
    }

    internal static long UpperBound(int index)
    {
        if (index < Sub)
        {
            return index;
        }

        var exponent = (index - Sub) / Sub + SubBits;
        var sub = (index - Sub) % Sub;
        var width = 1L << (exponent - SubBits);
        return (1L << exponent) + (sub + 1) * width - 1;
    }

    private void UpdateMin(long value)
    {
        var current = Interlocked.Read(ref _min);
        while (value < current)
        {
            var seen = Interlocked.CompareExchange(ref _min, value, current);
            if (seen == current)
            {
                return;
            }

            current = seen;
        }
    }

    private void UpdateMax(long value)
    {
        var current = Interlocked.Read(ref _max);
        while (value > current)
        {
            var seen = Interlocked.CompareExchange(ref _max, value, current);
            if (seen == current)
            {
                return;
            }

            current = seen;
        }
    }
}
