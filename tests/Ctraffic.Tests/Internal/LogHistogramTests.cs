using Ctraffic.Internal;
using FluentAssertions;

namespace Ctraffic.Tests.Internal;

public class LogHistogramTests
{
    [Fact]
    public void SmallValuesAreExact()
    {
        var h = new LogHistogram();
        for (var v = 0; v < 32; v++)
        {
            h.Record(v);
        }

        h.Min.Should().Be(0);
        h.Max.Should().Be(31);
        h.ValueAtPercentile(50).Should().Be(15);
        h.Count.Should().Be(32);
    }

    [Theory]
    [InlineData(100)]
    [InlineData(1_234)]
    [InlineData(987_654)]
    [InlineData(60_000_000)]
    public void EveryValueLandsInABucketWithinThreePercent(long value)
    {
        var upper = LogHistogram.UpperBound(LogHistogram.Index(value));
        upper.Should().BeGreaterThanOrEqualTo(value);
        ((double)(upper - value) / value).Should().BeLessThan(0.033);
    }

    [Fact]
    public void PercentilesOfAUniformSpreadAreWhereExpected()
    {
        var h = new LogHistogram();
        for (var v = 1; v <= 10_000; v++)
        {
            h.Record(v);
        }

        h.ValueAtPercentile(50).Should().BeCloseTo(5_000, 160);
        h.ValueAtPercentile(90).Should().BeCloseTo(9_000, 290);
        h.ValueAtPercentile(99).Should().BeCloseTo(9_900, 320);
        h.ValueAtPercentile(100).Should().Be(10_000);
        h.Mean.Should().BeApproximately(5_000.5, 0.01);
    }

    [Fact]
    public void AddingMergesCountsAndExtremes()
    {
        var a = new LogHistogram();
        var b = new LogHistogram();
        a.Record(10);
        b.Record(1_000_000);
        b.Record(5);

        a.Add(b);

        a.Count.Should().Be(3);
        a.Min.Should().Be(5);
        a.Max.Should().Be(1_000_000);
    }

    [Fact]
    public void AnEmptyHistogramSaysZero()
    {
        var h = new LogHistogram();
        h.ValueAtPercentile(99).Should().Be(0);
        h.Min.Should().Be(0);
        h.Max.Should().Be(0);
        h.Mean.Should().Be(0);
    }

    [Fact]
    public void ACorrectionAddsTheValuesTheStalledSenderDidNotSend()
    {
        var h = new LogHistogram();
        h.Record(5);
        h.Record(25);
        h.Record(31);

        var corrected = h.CorrectedFor(10);

        // 5 is under two intervals: as is; 25 stands for 15 too; 31 for 21 and 11.
        corrected.Count.Should().Be(6);
        corrected.Min.Should().Be(5);
        corrected.Max.Should().Be(31);
        corrected.Mean.Should().BeApproximately((5 + 25 + 15 + 31 + 21 + 11) / 6.0, 1e-9);
        h.Count.Should().Be(3, "the histogram itself is left as it is");
    }

    [Fact]
    public void ACorrectionAgreesWithAddingEveryMissingValueOneByOne()
    {
        var random = new Random(20261207);
        for (var round = 0; round < 50; round++)
        {
            var h = new LogHistogram();
            var interval = random.Next(1, 5_000);
            for (var i = 0; i < 40; i++)
            {
                h.Record(random.Next(0, 2) == 0 ? random.Next(0, 3 * interval) : random.NextInt64(0, 200_000));
            }

            var expected = new LogHistogram();
            expected.Add(h);
            var max = h.Max;
            for (var i = 0; i < LogHistogram.BucketCount; i++)
            {
                var value = Math.Min(LogHistogram.UpperBound(i), max);
                var count = Count(h, i);
                for (var missing = value - interval; missing >= interval && count > 0; missing -= interval)
                {
                    for (var c = 0; c < count; c++)
                    {
                        expected.Record(missing);
                    }
                }
            }

            var corrected = h.CorrectedFor(interval);
            corrected.Count.Should().Be(expected.Count, "round {0}, interval {1}", round, interval);
            corrected.Min.Should().Be(expected.Min);
            corrected.Max.Should().Be(expected.Max);
            corrected.Mean.Should().BeApproximately(expected.Mean, 1e-6);
            foreach (var p in new[] { 10.0, 50, 90, 99, 99.9 })
            {
                corrected.ValueAtPercentile(p).Should().Be(expected.ValueAtPercentile(p), "p{0} of round {1}", p, round);
            }
        }

        static long Count(LogHistogram h, int index)
        {
            var below = index == 0 ? 0 : LogHistogram.UpperBound(index - 1);
            // The count of one bucket: values at or under its bound less those under the one before.
            return CountAtOrBelow(h, LogHistogram.UpperBound(index)) - (index == 0 ? 0 : CountAtOrBelow(h, below));
        }

        static long CountAtOrBelow(LogHistogram h, long bound)
        {
            // Rank search through the percentiles: the largest rank whose value is at or below bound.
            long lo = 0, hi = h.Count;
            while (lo < hi)
            {
                var mid = (lo + hi + 1) / 2;
                if (h.ValueAtPercentile(mid * 100.0 / h.Count) <= bound)
                {
                    lo = mid;
                }
                else
                {
                    hi = mid - 1;
                }
            }

            return lo;
        }
    }

    [Fact]
    public void ACorrectionShowsAStallThatTheRawPercentilesHide()
    {
        // 10 ms between requests: 990 answers in 1 ms, 10 stalls of 1 s.
        var h = new LogHistogram();
        for (var i = 0; i < 990; i++)
        {
            h.Record(1_000);
        }

        for (var i = 0; i < 10; i++)
        {
            h.Record(1_000_000);
        }

        var corrected = h.CorrectedFor(10_000);

        h.ValueAtPercentile(99).Should().BeLessThan(1_100, "1 % of the answers were slow: the raw p99 is fast");
        corrected.Count.Should().Be(1000 + (10 * 99), "each stall stands for the 99 requests not sent during it");
        corrected.ValueAtPercentile(50).Should().BeGreaterThan(10_000, "half of what the clients should have seen waited");
        corrected.ValueAtPercentile(99).Should().BeGreaterThan(900_000);
    }

    [Fact]
    public void ACorrectionOfAHugeValueAtATinyIntervalCostsNoMoreThanItsBuckets()
    {
        var h = new LogHistogram();
        h.Record(1L << 40);

        var corrected = h.CorrectedFor(1);

        corrected.Count.Should().Be(1L << 40);
        corrected.Min.Should().Be(1);
    }
}
