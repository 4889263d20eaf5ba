using Ctraffic.Analysis;
using Ctraffic.Statistics;
using FluentAssertions;
using Xunit;

namespace Ctraffic.Tests.Analysis;

public class ConnectionsAnalysisTests
{
    private static TimeSpan S(double seconds) => TimeSpan.FromSeconds(seconds);

    private static ConnectionStats Conn(double started, double? connected, double ended, string? error = null)
        => new() { Started = S(started), Connected = connected is { } c ? S(c) : null, Ended = S(ended), Error = error };

    private static TrafficStatistics Stats(double duration, params ConnectionStats[] connections)
        => new() { Duration = S(duration), ConnStats = connections };

    [Fact]
    public void EachIntervalCountsOpenSlotsAsActiveOrConnectingNewOnesAsNewAndErrorsAsFailed()
    {
        var stats = Stats(
            3.5,
            Conn(0.1, 0.2, 3.5),                // A: active throughout
            Conn(0.1, 0.3, 1.2, "EOF"),          // B: active, then fails in (1 s, 2 s)
            Conn(1.25, null, 3.5),               // C: B's re-connect, never connects
            Conn(2.4, 2.6, 3.5),                 // D: taken and connected in (2 s, 3 s)
            Conn(0.5, 1.5, 3.5));                // E: connecting at 1 s, active from 1.5 s

        var rows = TrafficAnalysis.Connections(stats);

        rows.Should().Equal(
            new ConnectionsRow(0.5, Active: 2, New: 3, Failed: 0, Connecting: 1),
            new ConnectionsRow(1.5, Active: 2, New: 1, Failed: 1, Connecting: 1),
            new ConnectionsRow(2.5, Active: 3, New: 1, Failed: 0, Connecting: 1));
    }

    [Fact]
    public void ASlotEndingExactlyOnAWholeSecondIsOpenAtThatSecondAndFailsInTheNextInterval()
    {
        var rows = TrafficAnalysis.Connections(Stats(3.5, Conn(0.1, 0.2, 2, "EOF")));

        rows.Should().Equal(
            new ConnectionsRow(0.5, 1, 1, 0, 0),
            new ConnectionsRow(1.5, 1, 0, 0, 0),
            new ConnectionsRow(2.5, 0, 0, 1, 0));
    }

    [Fact]
    public void ASlotEndingWithoutErrorBeforeTheEndIsNotCountedAsFailed()
    {
        var rows = TrafficAnalysis.Connections(Stats(2.5, Conn(0.1, 0.2, 1.5)));

        rows.Should().Equal(new ConnectionsRow(0.5, 1, 1, 0, 0), new ConnectionsRow(1.5, 0, 0, 0, 0));
    }

    [Theory]
    [InlineData(0.5, 0)]
    [InlineData(1, 0)]
    [InlineData(1.0000001, 1)]
    [InlineData(3, 2)]
    [InlineData(3.0000001, 3)]
    public void ThereIsOneRowPerWholeSecondBeforeTheEndOfTheRun(double duration, int rows)
        => TrafficAnalysis.Connections(Stats(duration, Conn(0, 0.1, duration))).Should().HaveCount(rows);

    [Fact]
    public void ASlotThatNeverEndedIsAnErrorWithTheOriginalsMessage()
    {
        var act = () => TrafficAnalysis.Connections(Stats(3, Conn(0.1, 0.2, 0)));

        act.Should().Throw<AnalysisException>().WithMessage("A connection has never ended");
    }

    [Fact]
    public void StatisticsWithoutConnectionsAreAnError()
    {
        var act = () => TrafficAnalysis.Connections(Stats(3));

        act.Should().Throw<AnalysisException>().WithMessage("No connection statistics found*");
    }

    [Fact]
    public void AnAbsurdlyLongDurationIsAnErrorInsteadOfBillionsOfRows()
    {
        var act = () => TrafficAnalysis.Connections(Stats(0, Conn(0, 1, 2)) with { Duration = TimeSpan.FromDays(1000) });

        act.Should().Throw<AnalysisException>().WithMessage("*too long*");
    }

    [Fact]
    public void TextHasTheHeaderAndOneLinePerRow()
    {
        var text = AnalysisText.Format([new ConnectionsRow(0.5, 40, 40, 0, 0), new ConnectionsRow(1.5, 37, 3, 3, 3)]);

        text.Should().Be("Time Active New Failed Connecting\n0.5 40 40 0 0\n1.5 37 3 3 3\n");
    }
}
