using Ctraffic.Analysis;
using Ctraffic.Statistics;
using FluentAssertions;
using Xunit;

namespace Ctraffic.Tests.Analysis;

public class MergeTests
{
    private static readonly DateTimeOffset Start = new(2026, 12, 1, 10, 0, 0, TimeSpan.Zero);

    /// <summary>A 4-second run at 100 packets (100 KB) a second with a sample every second, <paramref name="slots"/> as its slots.</summary>
    private static AnalysisInput Run(TimeSpan startedAfter, params ConnectionStats[] slots)
    {
        var stats = new TrafficStatistics
        {
            Started = Start + startedAfter,
            Duration = TimeSpan.FromSeconds(4),
            Rate = 100,
            Connections = slots.Length,
            PacketSize = 1024,
            FailedConnections = slots.Count(s => s.Failed),
            Sent = 400,
            Received = 400,
            ConnStats = slots,
            Samples = [.. Enumerable.Range(1, 3).Select(k => new Sample(TimeSpan.FromSeconds(k), 100 * k, 100 * k, 0))],
        };
        return AnalysisInput.Parse(StatisticsJson.Write(stats, StatisticsDetail.All));
    }

    private static ConnectionStats Slot(string host, double connected, double ended = 4, string? error = null)
        => new() { Host = host, Connected = TimeSpan.FromSeconds(connected), Ended = TimeSpan.FromSeconds(ended), Error = error, Local = "127.0.0.1:1", Remote = "127.0.0.1:5003" };

    [Fact]
    public void OneInputIsReturnedAsItIs()
    {
        // Given one run
        var run = Run(TimeSpan.Zero, Slot("a", 0.1));

        // When it is merged alone, Then it is the same input, so every analysis prints what it printed
        AnalysisInput.Merge([run]).Should().BeSameAs(run);
    }

    [Fact]
    public void HostCountsAndTotalsOfTheRunsAreSummed()
    {
        // Given two clients' runs against the same servers
        var first = Run(TimeSpan.Zero, Slot("backend-1", 0.1), Slot("backend-2", 0.1, 2, "EOF"), Slot("backend-1", 2.5));
        var second = Run(TimeSpan.FromMilliseconds(300), Slot("backend-1", 0.1), Slot("backend-2", 0.1));

        // When they are merged
        var merged = AnalysisInput.Merge([first, second]);

        // Then the counters and the per-host counts are the sums
        merged.Statistics.Connections.Should().Be(5);
        merged.Statistics.Sent.Should().Be(800);
        merged.Statistics.FailedConnections.Should().Be(1);
        merged.Statistics.Rate.Should().Be(200);
        var hosts = TrafficAnalysis.Hosts(merged);
        hosts.Lost.Should().Equal(new HostCount("backend-2", 1));
        hosts.Lasting.Should().Equal(new HostCount("backend-1", 3), new HostCount("backend-2", 1));
    }

    [Fact]
    public void SlotsAreMovedByTheirRunsOffsetFromTheEarliestStart()
    {
        // Given a run that started 1.5 s after the other
        var early = Run(TimeSpan.Zero, Slot("a", 0.1));
        var late = Run(TimeSpan.FromSeconds(1.5), Slot("b", 0.1));

        // When they are merged
        var merged = AnalysisInput.Merge([late, early]);

        // Then the merge starts at the earliest start and lasts to the latest end
        merged.Statistics.Started.Should().Be(Start);
        merged.Statistics.Duration.Should().Be(TimeSpan.FromSeconds(5.5));
        var b = merged.Statistics.ConnStats.Single(c => c.Host == "b");
        b.Connected.Should().Be(TimeSpan.FromSeconds(1.6));
        b.Ended.Should().Be(TimeSpan.FromSeconds(5.5));

        // And the connections analysis sees the late slot only from its start
        var rows = TrafficAnalysis.Connections(merged);
        rows.Select(r => r.Active).Should().Equal(1, 2, 2, 2, 1);
        rows.Select(r => r.New).Should().Equal(0, 1, 0, 0, 0);
    }

    [Fact]
    public void ThroughputIsTheSumOfTheRunsSecondBySecondOnTheWallClock()
    {
        // Given two runs at 100 KB/s, the second started half a second later
        var first = Run(TimeSpan.Zero, Slot("a", 0.1));
        var second = Run(TimeSpan.FromSeconds(0.5), Slot("a", 0.1));

        // When the merge is analyzed
        var points = TrafficAnalysis.Throughput(AnalysisInput.Merge([first, second]));

        // Then each whole second has both runs' KB: half of the second run's in the first and last
        points.Select(p => p.TimeSeconds).Should().Equal(0.5, 1.5, 2.5, 3.5);
        points.Select(p => p.KBps).Should().Equal(150, 200, 200, 200);
    }

    [Fact]
    public void TheMergedStatisticsHaveASampleEverySecondSummingTheRuns()
    {
        var first = Run(TimeSpan.Zero, Slot("a", 0.1));
        var second = Run(TimeSpan.FromSeconds(0.5), Slot("a", 0.1));

        var samples = AnalysisInput.Merge([first, second]).Statistics.Samples;

        samples.Select(s => s.Time).Should().Equal(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(4));
        samples.Select(s => s.Received).Should().Equal(150, 350, 550, 750);
    }

    [Fact]
    public void RunsWithDifferentPacketSizesAreNotMerged()
    {
        var small = AnalysisInput.FromStatistics(new TrafficStatistics { PacketSize = 64, Duration = TimeSpan.FromSeconds(1) });
        var large = AnalysisInput.FromStatistics(new TrafficStatistics { PacketSize = 1024, Duration = TimeSpan.FromSeconds(1) });

        var merge = () => AnalysisInput.Merge([small, large]);

        merge.Should().Throw<AnalysisException>().WithMessage("*different packet sizes (64, 1024)*");
    }

    [Fact]
    public void TheSameOriginalFileTwiceDoublesEveryConnectionsRow()
    {
        // Given a file of the original ctraffic, read as two clients that started together
        var json = CompatFiles.Json(CompatFiles.Killed);
        var once = TrafficAnalysis.Connections(AnalysisInput.Parse(json));

        // When it is merged with itself
        var twice = TrafficAnalysis.Connections(AnalysisInput.Merge([AnalysisInput.Parse(json), AnalysisInput.Parse(json)]));

        // Then every row counts twice the slots at the same times
        twice.Should().Equal(once.Select(r => r with { Active = 2 * r.Active, New = 2 * r.New, Failed = 2 * r.Failed, Connecting = 2 * r.Connecting }));
    }
}
