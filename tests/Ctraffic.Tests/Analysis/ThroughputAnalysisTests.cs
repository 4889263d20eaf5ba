using Ctraffic.Analysis;
using Ctraffic.Statistics;
using FluentAssertions;
using Xunit;

namespace Ctraffic.Tests.Analysis;

public class ThroughputAnalysisTests
{
    private static TrafficStatistics Stats(int packetSize, params Sample[] samples)
        => new() { Duration = TimeSpan.FromSeconds(10), PacketSize = packetSize, Samples = samples };

    private static Sample At(double seconds, long received) => new(TimeSpan.FromSeconds(seconds), received, received, 0);

    [Fact]
    public void EachPairOfSamplesGivesItsMiddleTimeAndTheReceivedKBPerSecond()
    {
        var points = TrafficAnalysis.Throughput(Stats(1024, At(1, 0), At(2, 10), At(3.5, 10), At(4, 30)));

        points.Should().Equal(
            new ThroughputPoint(1.5, 10),
            new ThroughputPoint(2.75, 0),
            new ThroughputPoint(3.75, 40));
    }

    [Fact]
    public void ReceivedBytesAreTruncatedToWholeKBBeforeDividingAsInTheOriginal()
    {
        // 15 packets of 100 bytes = 1500 bytes = 1 whole KB, in 0.5 s.
        var points = TrafficAnalysis.Throughput(Stats(100, At(1, 5), At(1.5, 20)));

        points.Should().Equal(new ThroughputPoint(1.25, 2));
    }

    [Fact]
    public void OneSampleGivesNoPointsAndOnlyTheHeader()
    {
        var points = TrafficAnalysis.Throughput(Stats(1024, At(1, 5)));

        points.Should().BeEmpty();
        AnalysisText.Format(points).Should().Be("Time Throughput\n");
    }

    [Fact]
    public void NoSamplesIsAnErrorWithTheOriginalsMessage()
    {
        var act = () => TrafficAnalysis.Throughput(Stats(1024));

        act.Should().Throw<AnalysisException>().WithMessage("No samples found");
    }

    [Fact]
    public void TwoSamplesAtTheSameTimeGiveInfinityOrNaNPrintedAsGoPrintsThem()
    {
        var points = TrafficAnalysis.Throughput(Stats(1024, At(1, 0), At(1, 3), At(1, 3)));

        AnalysisText.Format(points).Should().Be("Time Throughput\n1 +Inf\n1 NaN\n");
    }

    [Fact]
    public void TextHasOneLinePerPointWithGoNumberFormatting()
    {
        var text = AnalysisText.Format([new ThroughputPoint(1.5, 10), new ThroughputPoint(5.5047825150000005, 0), new ThroughputPoint(2, 1234567)]);

        text.Should().Be("Time Throughput\n1.5 10\n5.5047825150000005 0\n2 1.234567e+06\n");
    }
}
