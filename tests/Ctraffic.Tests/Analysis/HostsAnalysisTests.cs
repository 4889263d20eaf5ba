using Ctraffic.Analysis;
using Ctraffic.Statistics;
using FluentAssertions;
using Xunit;

namespace Ctraffic.Tests.Analysis;

public class HostsAnalysisTests
{
    private static ConnectionStats Conn(string host, bool connected, string? error = null)
        => new() { Host = host, Connected = connected ? TimeSpan.FromSeconds(0.1) : null, Ended = TimeSpan.FromSeconds(5), Error = error };

    private static readonly TrafficStatistics Stats = new()
    {
        Duration = TimeSpan.FromSeconds(5),
        ConnStats =
        [
            Conn("b", true, "EOF"),
            Conn("a", true, "read: connection reset by peer"),
            Conn("b", true, "EOF"),
            Conn("b", true),
            Conn("B", true),
            Conn("a", true),
            Conn("", false),            // never connected: neither lost nor lasting
            Conn("", true, "i/o timeout"), // lost before the first reply: no host
        ],
    };

    [Fact]
    public void ErrorsAreLostAndConnectedSlotsWithoutErrorAreLastingPerHostSortedOrdinally()
    {
        var report = TrafficAnalysis.Hosts(Stats);

        report.Lost.Should().Equal(new HostCount("", 1), new HostCount("a", 1), new HostCount("b", 2));
        report.Lasting.Should().Equal(new HostCount("B", 1), new HostCount("a", 1), new HostCount("b", 1));
        report.LostTotal.Should().Be(4);
        report.LastingTotal.Should().Be(3);
    }

    [Fact]
    public void TextListsLostThenLastingWithTwoSpacesBeforeEachHost()
    {
        var text = AnalysisText.Format(TrafficAnalysis.Hosts(Stats));

        text.Should().Be(
            "Lost connections: 4\n   1\n  a 1\n  b 2\n" +
            "Lasting connections: 3\n  B 1\n  a 1\n  b 1\n");
    }

    [Fact]
    public void NoLostConnectionsPrintsAZeroAndNoList()
    {
        var text = AnalysisText.Format(new HostsReport([], [new HostCount("vm", 3)]));

        text.Should().Be("Lost connections: 0\nLasting connections: 3\n  vm 3\n");
    }

    [Fact]
    public void StatisticsWithoutConnectionsAreAnError()
    {
        var act = () => TrafficAnalysis.Hosts(new TrafficStatistics());

        act.Should().Throw<AnalysisException>().WithMessage("No connection statistics found*");
    }
}
