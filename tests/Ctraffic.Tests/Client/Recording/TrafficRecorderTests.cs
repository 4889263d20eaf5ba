using Ctraffic.Client.Recording;
using Ctraffic.Internal;
using Ctraffic.Reports;
using Ctraffic.Statistics;
using FluentAssertions;

namespace Ctraffic.Tests.Client.Recording;

/// <summary>The record of a run, fed with made-up timestamps (nanoseconds from 0): no sockets, no clock.</summary>
public class TrafficRecorderTests
{
    private const long Hz = 1_000_000_000;
    private static readonly long Interval = T(0.1); // one packet every 100 ms

    private static long T(double seconds) => (long)Math.Round(seconds * Hz);

    private static TimeSpan S(double seconds) => TimeSpan.FromSeconds(seconds);

    private static TrafficRecorder Recorder(int lanes = 1, int maxConnections = 10, double outageThreshold = 0)
        => new(lanes, maxConnections, new RunClock(0, Hz), Interval, T(outageThreshold));

    private static ConnectionState Connect(TrafficRecorder recorder, int lane, double at)
    {
        var conn = recorder.Open(lane, T(at))!;
        recorder.Connected(conn, T(at), "127.0.0.1:40000", "127.0.0.1:5003");
        return conn;
    }

    /// <summary>Packets of <paramref name="conn"/> every interval from <paramref name="from"/> to <paramref name="to"/>, each echoed 1 ms later.</summary>
    private static void Echoes(TrafficRecorder recorder, ConnectionState conn, double from, double to)
    {
        for (var t = T(from); t <= T(to); t += Interval)
        {
            recorder.Sent(conn, t);
            recorder.Echoed(conn, t, t + T(0.001));
        }
    }

    private static TrafficReport Report(TrafficRecorder recorder, double end)
        => recorder.Report(recorder.Statistics(T(end), new TrafficStatistics { Connections = 1, PacketSize = 1024 }), S(end), live: false, rtt: null);

    [Fact]
    public void ASilenceLongerThanAnIntervalIsAnOutageFromTheMissingEchoToTheNextEcho()
    {
        // Given echoes at 0.1 .. 0.5 s, then none until 1.2 s
        var recorder = Recorder();
        var conn = Connect(recorder, 0, 0);
        Echoes(recorder, conn, 0.1, 0.5);
        recorder.Sent(conn, T(1.2));
        recorder.Echoed(conn, T(1.2), T(1.2));

        // When the report is made just after
        var report = Report(recorder, 1.25);

        // Then the outage runs from when the echo after 0.501 s was due to the echo at 1.2 s
        report.Outages.Should().Equal(new Outage(0, S(0.601), S(1.2), Recovered: true));
        report.LongestOutage.Should().Be(S(1.2) - S(0.601));
    }

    [Fact]
    public void ASilenceWithinTheOutageThresholdIsNoOutage()
    {
        // Given a threshold of 300 ms: 400 ms between echoes is within one interval plus the threshold, 500 ms is not
        var recorder = Recorder(outageThreshold: 0.3);
        var conn = Connect(recorder, 0, 0);
        recorder.Echoed(conn, T(0.1), T(0.1));
        recorder.Echoed(conn, T(0.5), T(0.5));
        recorder.Echoed(conn, T(1.0), T(1.0));

        // When the report is made
        var report = Report(recorder, 1.05);

        // Then only the longer silence is an outage
        report.Outages.Should().Equal(new Outage(0, S(0.6), S(1.0), Recovered: true));
    }

    [Fact]
    public void ASilenceStillGoingOnAtTheEndIsAnOutageNotRecovered()
    {
        // Given a connection that echoed until 1 s, and a run that ended at 3 s
        var recorder = Recorder();
        var conn = Connect(recorder, 0, 0);
        Echoes(recorder, conn, 0.1, 1.0);

        // When the report is made
        var report = Report(recorder, 3);

        // Then the outage lasts from the missing echo to the end, not recovered
        report.Outages.Should().Equal(new Outage(0, S(1.101), S(3), Recovered: false));
    }

    [Fact]
    public void AReconnectIsTheFailureTheNextConnectAndItsFirstEcho()
    {
        // Given a connection that failed at 1 s, a connect at 1.3 s and an echo at 1.4 s
        var recorder = Recorder();
        var first = Connect(recorder, 0, 0);
        Echoes(recorder, first, 0.1, 0.9);
        recorder.Ended(first, "read tcp 127.0.0.1:40000->127.0.0.1:5003: read: connection reset by peer", ConnectionEndKind.Reset, T(1));
        recorder.Failed(first, T(1));
        var second = Connect(recorder, 0, 1.3);
        recorder.Echoed(second, T(1.4), T(1.4));

        // When the report is made
        var report = Report(recorder, 2);

        // Then the reconnect holds the three times, the failure is counted and the lost connection listed
        report.Reconnects.Should().Equal(new Reconnect(0, S(1), S(1.3), S(1.4)));
        report.Reconnects[0].TimeToRecover.Should().Be(S(0.4));
        report.FailedConnections.Should().Be(1);
        report.LostConnections.Should().ContainSingle().Which.Ended.Should().Be(S(1));
        recorder.LastError.Should().Contain("connection reset by peer");
        report.Statistics.ConnStats.Should().HaveCount(2);
    }

    [Fact]
    public void FailuresBeforeAReconnectAllRecoverWithIt()
    {
        // Given two failures in a row (the first reconnect failed before its first echo), then a connection that echoes
        var recorder = Recorder();
        var first = Connect(recorder, 0, 0);
        recorder.Failed(first, T(1));
        var second = Connect(recorder, 0, 1.1);
        recorder.Failed(second, T(1.2));
        recorder.Connected(recorder.Open(0, T(1.5))!, T(1.6), "a", "b");
        var third = recorder.Open(0, T(1.7))!;
        recorder.Echoed(third, T(1.8), T(1.8));

        // When the report is made
        var report = Report(recorder, 2);

        // Then the first got the first connect after it, the second the one after it, and both the echo
        report.Reconnects.Should().Equal(
            new Reconnect(0, S(1), S(1.1), S(1.8)),
            new Reconnect(0, S(1.2), S(1.6), S(1.8)));
    }

    [Fact]
    public void AFailureWithoutAConnectAfterItHasNeitherTime()
    {
        var recorder = Recorder();
        var conn = Connect(recorder, 0, 0);
        recorder.Failed(conn, T(0.5));

        Report(recorder, 1).Reconnects.Should().Equal(new Reconnect(0, S(0.5), null, null));
    }

    [Fact]
    public void AWindowOfADisruptionCountsThePacketsUntilTheNextMark()
    {
        // Given packets every 100 ms for 3 s, a disruption from 1 s to 1.5 s and a mark at 2 s
        var recorder = Recorder();
        var conn = Connect(recorder, 0, 0);
        Echoes(recorder, conn, 0, 2.95);
        var kill = recorder.Mark("kill backend-1", T(1));
        recorder.EndMark(kill, T(1.5));
        recorder.Mark("steady", T(2));

        // When the report is made
        var report = Report(recorder, 3);

        // Then the marks hold their times, and the window from 1 s to 2 s counts the packets sent from 1.0 s up to, not at, 2.0 s
        report.Marks.Should().Equal(new Mark("kill backend-1", S(1), S(1.5)), new Mark("steady", S(2)));
        var window = report.Window("kill backend-1");
        window.Period.Should().Be(new TimeWindow(S(1), S(2)));
        window.Sent.Should().Be(10);
        window.Received.Should().Be(10);
        report.Before("kill backend-1").Sent.Should().Be(10);
        report.After("steady").Sent.Should().Be(10);
        report.Sent.Should().Be(30);
    }

    [Fact]
    public void AMarkNeedsAName()
        => Recorder().Invoking(r => r.Mark(" ", T(1))).Should().Throw<ArgumentException>();

    [Fact]
    public void ADropAfterTheSenderWokeAnIntervalLateIsTheMachinesOwn()
    {
        // Given a sender that woke on time and dropped one packet, then woke a whole interval late and dropped two
        var recorder = Recorder();
        var conn = Connect(recorder, 0, 0);
        recorder.Woke(conn, T(0.5), T(0.501));
        recorder.Dropped(conn, T(0.501));
        recorder.Woke(conn, T(1), T(1) + Interval);
        recorder.Dropped(conn, T(1.1));
        recorder.Dropped(conn, T(1.1));

        // When the statistics and the report are made
        var stats = recorder.Statistics(T(2), new TrafficStatistics());
        var report = Report(recorder, 2);

        // Then three drops are counted, two of them the machine's own, each in the slice it happened in
        stats.Dropped.Should().Be(3);
        stats.DroppedLocal.Should().Be(2);
        stats.ConnStats.Should().ContainSingle().Which.Dropped.Should().Be(3);
        stats.PacingLagMax.Should().BeCloseTo(S(0.1), TimeSpan.FromMilliseconds(4));
        report.Between(S(0.5), S(0.6)).Dropped.Should().Be(1);
        report.Between(S(1.1), S(1.2)).DroppedLocal.Should().Be(2);
        recorder.Snapshot(T(2)).Dropped.Should().Be(3);
    }

    [Fact]
    public void AFailedConnectIsCountedAndIsTheLastError()
    {
        var recorder = Recorder();
        var conn = recorder.Open(0, T(0))!;

        recorder.ConnectFailed(conn, "dial tcp 127.0.0.1:1: connect: connection refused", ConnectionEndKind.ConnectRefused);
        recorder.ConnectFailed(conn, "dial tcp 127.0.0.1:1: i/o timeout", ConnectionEndKind.ConnectTimeout);

        recorder.LastError.Should().Be("dial tcp 127.0.0.1:1: i/o timeout");
        var snapshot = recorder.Snapshot(T(1));
        snapshot.FailedConnects.Should().Be(2);
        snapshot.Connecting.Should().Be(1);
        snapshot.Active.Should().Be(0);
        recorder.Statistics(T(1), new TrafficStatistics()).ConnStats.Should().ContainSingle().Which.FailedConnects.Should().Be(2);
    }

    [Fact]
    public void NoSlotIsGivenOnceEveryConnectionOfTheRunIsUsed()
    {
        var recorder = Recorder(lanes: 2, maxConnections: 3);

        var slots = Enumerable.Range(0, 4).Select(i => recorder.Open(i % 2, T(i))).ToList();

        slots.Take(3).Should().OnlyContain(c => c != null);
        slots[3].Should().BeNull();
        slots.Take(3).Select(c => c!.Slot).Should().Equal(0, 1, 2);
        slots.Take(3).Select(c => c!.Lane).Should().Equal(0, 1, 0);
    }

    [Fact]
    public void AConnectionThatNeverEchoedIsNotEchoingEvenAtTheStartOfTheRun()
    {
        // Given two lanes connected at the start, one of which got its first echo at 20 ms
        var recorder = Recorder(lanes: 2);
        var a = Connect(recorder, 0, 0);
        Connect(recorder, 1, 0);
        Echoes(recorder, a, 0.02, 0.02);

        // When a snapshot is taken at 50 ms, well inside one interval plus the outage threshold
        var snapshot = recorder.Snapshot(T(0.05));

        // Then only the lane that echoed counts as echoing: the other has not proved the path yet
        snapshot.Active.Should().Be(2);
        snapshot.Echoing.Should().Be(1);
    }

    [Fact]
    public void OnlyAConnectionWithARecentEchoCountsAsEchoing()
    {
        // Given two connected lanes, one echoing until 2 s, the other silent since 1 s
        var recorder = Recorder(lanes: 2);
        var a = Connect(recorder, 0, 0);
        var b = Connect(recorder, 1, 0);
        Echoes(recorder, a, 0.1, 2.0);
        Echoes(recorder, b, 0.1, 1.0);

        // When the monitor takes its snapshot at 2.05 s
        var snapshot = recorder.Snapshot(T(2.05));

        // Then both are active, one is echoing, and every packet is counted
        snapshot.Active.Should().Be(2);
        snapshot.Echoing.Should().Be(1);
        snapshot.Sent.Should().Be(30);
        snapshot.Received.Should().Be(30);
        snapshot.Elapsed.Should().Be(S(2.05));
    }

    [Fact]
    public void RetransmitsAreCountedOnceInTheSliceTheyWereSeenIn()
    {
        // Given samples of tcpi_total_retrans: 2 at 0.5 s, 2 again at 0.6 s, 5 at 1.5 s
        var recorder = Recorder();
        var conn = Connect(recorder, 0, 0);
        recorder.Retransmits(conn, 2, T(0.5));
        recorder.Retransmits(conn, 2, T(0.6));
        recorder.Retransmits(conn, 5, T(1.5));

        // When the report is made
        var report = Report(recorder, 2);

        // Then the growth is in the slices it was seen in
        report.Retransmits.Should().Be(5);
        report.Between(S(0), S(1)).Retransmits.Should().Be(2);
        report.Between(S(1), S(2)).Retransmits.Should().Be(3);
    }

    [Fact]
    public void UdpLossesAreCountedInTheSliceOfTheirSendTime()
    {
        // Given two datagrams sent at 0.25 s and 0.75 s, given up a read time-out (0.3 s) later
        var recorder = Recorder();
        var conn = Connect(recorder, 0, 0);
        recorder.Sent(conn, T(0.25));
        recorder.Lost(conn, T(0.55));
        recorder.Sent(conn, T(0.75));
        recorder.Lost(conn, T(1.05));

        var report = Report(recorder, 2);

        // Then each is lost in the slice it was sent in, not the one it was given up in
        report.Lost.Should().Be(2);
        report.PacketsLost.Should().Be(2);
        report.Between(S(0.7), S(0.8)).Lost.Should().Be(1);
        report.Between(S(1.0), S(1.1)).Lost.Should().Be(0);
    }

    [Fact]
    public void SamplesStopWhenTheRecordIsSealed()
    {
        var recorder = Recorder();
        recorder.AddSample(recorder.Snapshot(T(1)));
        recorder.Seal();
        recorder.AddSample(recorder.Snapshot(T(2)));

        recorder.Statistics(T(2), new TrafficStatistics()).Samples.Should().Equal(new Sample(S(1), 0, 0, 0));
    }
}
