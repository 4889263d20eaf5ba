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
}
